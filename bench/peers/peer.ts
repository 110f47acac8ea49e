/**
 * The contract every supervisor under test meets: start with no services, add services the
 * way a user would, report its own processes, and go away leaving nothing behind.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface ServiceDef {
  readonly name: string;
  /** The program and its arguments. */
  readonly cmd: readonly string[];
  readonly restart: boolean;
  /** Restart with the peer's own backoff instead of at once (the crash-loop scenario). */
  readonly backoff?: boolean;
}

export interface Peer {
  readonly name: string;
  version(): string;
  /** The CLI call a user makes to list services: [program, args, env]. */
  readonly statusCommand: readonly [string, readonly string[], NodeJS.ProcessEnv];
  /** The peer's full-screen terminal UI, where it has one measured here: [program, args, env]. */
  readonly tuiCommand?: readonly [string, readonly string[], NodeJS.ProcessEnv];
  /** Starts the supervisor with no services. */
  startDaemon(): Promise<void>;
  /** The supervisor's own processes (services run as their children). */
  daemonPids(): number[];
  addServices(services: readonly ServiceDef[]): void;
  /** How many services the peer's own status calls running. */
  runningCount(): number;
  restart(name: string): void;
  stopAll(): void;
  /** The file a service's stdout ends up in. */
  logFile(name: string): string;
  /** Stops the supervisor and everything it started. */
  shutdown(): void;
}

/** Creates a peer whose private state lives in `dir`; `cacheDir` holds installed peers. */
export type PeerFactory = (dir: string, cacheDir: string) => Peer;

/** Runs a command to completion; throws with its stderr when it fails (unless allowed). */
export function exec(
  program: string,
  args: readonly string[],
  { env = process.env, allowFail = false }: { env?: NodeJS.ProcessEnv; allowFail?: boolean } = {},
): string {
  const r = spawnSync(program, args, { env, encoding: 'utf8', maxBuffer: 256 << 20 });
  if ((r.status !== 0 || r.error) && !allowFail) {
    throw new Error(`${program} ${args.join(' ')} exited ${r.status}: ${r.error?.message ?? r.stderr}`);
  }
  return r.stdout ?? '';
}

export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
