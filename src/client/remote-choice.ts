/**
 * Which tend a command talks to when it is not this machine's: `--host` (or TEND_HOST) with
 * `--token`/TEND_TOKEN, `--ca`/TEND_CA and `--insecure`; or a named context (contexts.ts).
 * Kept light: every CLI command passes through here, and most find no remote.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { TendError } from '../core/errors.ts';
import type { RemoteTarget } from './http-transport.ts';

/** The name that means this machine's socket. */
export const localContext = 'local';

export interface RemoteOptions {
  readonly host?: string;
  readonly token?: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly context?: string;
  readonly socket?: string;
  readonly home?: string;
}

export function contextsPath(env: NodeJS.ProcessEnv = process.env): string {
  const config = env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(config, 'tend', 'contexts.toml');
}

/**
 * The remote tend chosen by options, environment or the current context; null for this
 * machine. An explicit --socket or --home always means this machine.
 */
export async function chooseRemote(
  opts: RemoteOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<RemoteTarget | null> {
  const fromFlags = {
    token: opts.token || env.TEND_TOKEN || null,
    ca: opts.ca || env.TEND_CA || null,
    insecure: opts.insecure === true || env.TEND_INSECURE === '1',
  };
  if (opts.host) return { url: opts.host, ...fromFlags };
  if (opts.socket || opts.home) return null;
  if (env.TEND_HOST) return { url: env.TEND_HOST, ...fromFlags };
  const file = contextsPath(env);
  const named = opts.context || env.TEND_CONTEXT || undefined;
  if (named === localContext) return null;
  if (!named && !existsSync(file)) return null;
  // the file's parser is loaded only when there is a file to read
  const { readContexts } = await import('./contexts.ts');
  const contents = readContexts(file);
  const name = named ?? contents.current;
  if (!name || name === localContext) return null;
  const ctx = contents.contexts[name];
  if (!ctx) {
    throw new TendError('TEND_USAGE', {
      message: `no context ${JSON.stringify(name)} in ${file} ("tend context ls" lists them)`,
    });
  }
  return {
    url: ctx.host,
    token: fromFlags.token ?? ctx.token ?? (ctx.token_file ? readTokenFile(expand(ctx.token_file)) : null),
    ca: fromFlags.ca ?? (ctx.ca ? expand(ctx.ca) : null),
    insecure: fromFlags.insecure || ctx.insecure === true,
  };
}

function readTokenFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    throw new TendError('TEND_USAGE', {
      message: `token_file ${file} cannot be read (${(e as Error).message})`,
    });
  }
}

function expand(p: string): string {
  return p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p;
}
