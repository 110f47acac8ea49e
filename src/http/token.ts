/**
 * The bearer token of the HTTP API: made on first start in the state dir (mode 0600), shown
 * or rotated by `tend token`; it is the admin token (tokens.ts has the named ones). The file
 * is the truth: a running tend sees a rotation at the next request, with no restart.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../process/write-private.ts';

export function tokenFile(stateDir: string): string {
  return path.join(stateDir, 'http-token');
}

export function readToken(file: string): string | null {
  try {
    return readFileSync(file, 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Writes a fresh token atomically, so a reader never sees half of one. */
export function writeNewToken(file: string): string {
  const token = `tend_${randomBytes(32).toString('base64url')}`;
  writePrivateFile(file, `${token}\n`);
  return token;
}

/** The token, made now if there is none; `created` says whether it is new. */
export function ensureToken(file: string): { token: string; created: boolean } {
  const token = readToken(file);
  return token ? { token, created: false } : { token: writeNewToken(file), created: true };
}
