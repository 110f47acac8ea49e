/**
 * Which tend the CLI and SDK talk to: `--socket` or TEND_SOCKET; else an explicit home
 * (`--home`, TEND_HOME); else the nearest project socket (`.tend/tend.sock`) from the current
 * folder upwards; else the daemon's default home.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { daemonHomeDir, layout } from '../daemon/home.ts';

export interface SocketChoice {
  readonly socket: string;
  /** How it was chosen, for the "no tend is running" message. */
  readonly source: string;
}

export function findSocket(
  opts: { socket?: string; home?: string; cwd?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): SocketChoice {
  if (opts.socket) return { socket: path.resolve(opts.socket), source: '--socket' };
  if (env.TEND_SOCKET) return { socket: path.resolve(env.TEND_SOCKET), source: 'TEND_SOCKET' };
  if (opts.home) return { socket: layout(opts.home).socket, source: '--home' };
  if (env.TEND_HOME) return { socket: layout(env.TEND_HOME).socket, source: 'TEND_HOME' };
  for (let dir = path.resolve(opts.cwd ?? process.cwd()); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.tend', 'tend.sock');
    if (existsSync(candidate)) return { socket: candidate, source: 'the project socket' };
    if (path.dirname(dir) === dir) break;
  }
  return { socket: layout(daemonHomeDir(env)).socket, source: "the daemon's default home" };
}
