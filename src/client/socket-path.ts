/**
 * Which tend the CLI and SDK talk to: `--socket` or TEND_SOCKET; else `--home`; else the
 * nearest project socket (`.tend/tend.sock`, a `tend up`) from the current folder upwards;
 * else TEND_HOME; else the daemon's default home. The folder one stands in says more than a
 * variable exported once in a shell profile, so a project's tend up wins over TEND_HOME, and
 * when it does not answer (it ended, its socket file is stale) TEND_HOME is asked instead;
 * what is typed on the command line (`--home`, `--socket`) wins over both.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { daemonHomeDir, layout } from '../daemon/home.ts';

export interface SocketChoice {
  readonly socket: string;
  /** How it was chosen, for messages: `--socket`, `TEND_HOME`, `the project's tend up`… */
  readonly source: string;
  /** Asked instead when this one does not answer (a project socket left by a tend up that ended). */
  readonly fallback?: SocketChoice;
}

export const projectSource = "the project's tend up";

export function findSocket(
  opts: { socket?: string | undefined; home?: string | undefined; cwd?: string | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
): SocketChoice {
  if (opts.socket) return { socket: path.resolve(opts.socket), source: '--socket' };
  if (env.TEND_SOCKET) return { socket: path.resolve(env.TEND_SOCKET), source: 'TEND_SOCKET' };
  if (opts.home) return { socket: layout(opts.home).socket, source: '--home' };
  const home = homeChoice(env);
  const project = projectSocket(opts.cwd);
  return project ? { socket: project, source: projectSource, fallback: home } : home;
}

/** The nearest `.tend/tend.sock` from `cwd` upwards, or null. */
export function projectSocket(cwd = process.cwd()): string | null {
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, '.tend', 'tend.sock');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) return null;
  }
}

/** TEND_HOME's socket, else the default daemon home's. */
function homeChoice(env: NodeJS.ProcessEnv): SocketChoice {
  if (env.TEND_HOME) return { socket: layout(env.TEND_HOME).socket, source: 'TEND_HOME' };
  return { socket: layout(daemonHomeDir(env)).socket, source: "the daemon's default home" };
}

/**
 * Every tend this machine may have for the current folder, the chosen one first: for a "not
 * found" to say where else a service might be.
 */
export function socketCandidates(
  opts: { socket?: string | undefined; home?: string | undefined; cwd?: string | undefined } = {},
  env: NodeJS.ProcessEnv = process.env,
): SocketChoice[] {
  const all = [findSocket(opts, env)];
  const project = projectSocket(opts.cwd);
  if (project) all.push({ socket: project, source: projectSource });
  all.push(homeChoice(env));
  if (env.TEND_HOME) all.push(homeChoice({ ...env, TEND_HOME: undefined }));
  const unique = new Map<string, SocketChoice>();
  for (const c of all) if (!unique.has(c.socket)) unique.set(c.socket, c);
  return [...unique.values()];
}
