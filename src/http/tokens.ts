/**
 * Named tokens with a scope (`tend token add NAME --scope read`): only their SHA-256 hashes
 * are kept, in `tokens.json` in the state dir (mode 0600). The token of `http-token` is the
 * admin one. A running tend re-reads the file when it changes, so a revoked token stops
 * working at the next request.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { TendError } from '../core/errors.ts';
import { writePrivateFile } from '../process/write-private.ts';
import { type Scope, scopes } from '../protocol/scopes.ts';
import { readToken, tokenFile } from './token.ts';

export interface NamedToken {
  readonly name: string;
  readonly scope: Scope;
  /** sha256 of the token, hex. */
  readonly hash: string;
  readonly created: number;
}

/** The name the `http-token` file's token goes by. */
export const adminName = 'admin';

export function tokensFile(stateDir: string): string {
  return path.join(stateDir, 'tokens.json');
}

function hashOf(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The named tokens; a file that is missing or unreadable holds none (and grants nothing). */
export function readTokens(stateDir: string): NamedToken[] {
  try {
    const parsed = JSON.parse(readFileSync(tokensFile(stateDir), 'utf8')) as { tokens?: unknown };
    if (!Array.isArray(parsed.tokens)) return [];
    return parsed.tokens.filter(
      (t): t is NamedToken =>
        typeof t?.name === 'string' &&
        typeof t.hash === 'string' &&
        /^[0-9a-f]{64}$/.test(t.hash) &&
        (scopes as readonly string[]).includes(t.scope),
    );
  } catch {
    return [];
  }
}

function writeTokens(stateDir: string, tokens: readonly NamedToken[]): void {
  writePrivateFile(tokensFile(stateDir), `${JSON.stringify({ tokens }, null, 2)}\n`);
}

/** Makes a token and keeps its hash; the token itself is returned once and stored nowhere. */
export function addToken(stateDir: string, name: string, scope: Scope): { token: string; entry: NamedToken } {
  const tokens = readTokens(stateDir);
  if (name === adminName || tokens.some((t) => t.name === name))
    throw new TendError('TEND_TOKEN_EXISTS', { name });
  const token = `tend_${randomBytes(32).toString('base64url')}`;
  const entry = { name, scope, hash: hashOf(token).toString('hex'), created: Date.now() };
  writeTokens(stateDir, [...tokens, entry]);
  return { token, entry };
}

export function removeToken(stateDir: string, name: string): void {
  const tokens = readTokens(stateDir);
  if (!tokens.some((t) => t.name === name)) {
    throw new TendError('TEND_TOKEN_NOT_FOUND', { name, names: tokens.map((t) => t.name).join(', ') });
  }
  writeTokens(
    stateDir,
    tokens.filter((t) => t.name !== name),
  );
}

export interface Holder {
  readonly name: string;
  readonly scope: Scope;
}

/**
 * Who a bearer token belongs to, or null: the admin token of `http-token`, or a named one.
 * Both files are re-read only when they change; every hash is compared, in constant time.
 */
export function tokenChecker(stateDir: string): (given: string) => Holder | null {
  const admin = stamped(tokenFile(stateDir), (f) => readToken(f));
  const named = stamped(tokensFile(stateDir), () => readTokens(stateDir));
  return (given) => {
    const hash = hashOf(given);
    const adminToken = admin();
    let found: Holder | null = null;
    if (adminToken && timingSafeEqual(hash, hashOf(adminToken))) found = { name: adminName, scope: 'admin' };
    for (const t of named() ?? []) {
      if (timingSafeEqual(hash, Buffer.from(t.hash, 'hex')) && !found) found = t;
    }
    return found;
  };
}

/** One token, given by an embedding server, that may do everything. */
export function singleToken(source: () => string | null): (given: string) => Holder | null {
  return (given) => {
    const token = source();
    return token !== null && timingSafeEqual(hashOf(given), hashOf(token))
      ? { name: adminName, scope: 'admin' }
      : null;
  };
}

/** A file's contents as `read` makes them, read again only when its inode, time or size change. */
function stamped<T>(file: string, read: (file: string) => T): () => T | null {
  let seen = '';
  let value: T | null = null;
  return () => {
    let stamp: string;
    try {
      const st = statSync(file);
      stamp = `${st.ino}:${st.mtimeMs}:${st.size}`;
    } catch {
      return null;
    }
    if (stamp !== seen) {
      value = read(file);
      seen = stamp;
    }
    return value;
  };
}
