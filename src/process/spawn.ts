/**
 * Starts one service process as the leader of a new session and process group, with its
 * stdout and stderr on pipes that tend reads. Errors that Node reports asynchronously (a
 * missing program, a bad cwd) arrive through the same `onEnd` as an exit does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { getSystemErrorName } from 'node:util';
import { posixSpawn } from '../native/posix-spawn.ts';
import { findProgram } from './find-program.ts';
import { reaper } from './reaper.ts';

export interface SpawnRequest {
  readonly name: string;
  readonly argv: readonly string[];
  readonly cwd: string | null;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Run as this user and group (resolved by the caller); absent: tend's own. */
  readonly uid?: number;
  readonly gid?: number;
  /** An extra channel on fd 3: a pipe for s6-style readiness, or Node's IPC. */
  readonly channel?: 'notify' | 'ipc' | null;
  /** fds to give the child as stdout and stderr (named pipes); absent: fresh pipes. */
  readonly output?: { readonly stdout: number; readonly stderr: number } | null;
  /** A controller: stdin and stdout are pipes to tend (its stderr still goes to `output`). */
  readonly controller?: boolean;
}

export type ProcessEnd =
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'error'; readonly why: string };

export interface SpawnedProcess {
  readonly pid: number;
  /** null when the output goes to fds given in the request. */
  readonly stdout: Readable | null;
  /** A controller's stdin; null otherwise. */
  readonly stdin?: Writable | null;
  readonly stderr: Readable | null;
  /** The readable end of the notify pipe (fd 3 in the child), when asked for. */
  readonly notify: Readable | null;
  /** True until Node has seen the process exit. */
  readonly running: boolean;
  /** Messages the child sends over IPC (`process.send`), when asked for. */
  onMessage(fn: (message: unknown) => void): void;
}

/**
 * Spawns the process; `onEnd` is called exactly once. Returns null when the spawn failed
 * synchronously (then `onEnd` has already been scheduled with the error).
 */
export function spawnProcess(req: SpawnRequest, onEnd: (end: ProcessEnd) => void): SpawnedProcess | null {
  const [file, ...args] = req.argv;
  let ended = false;
  const end = (e: ProcessEnd) => {
    if (ended) return;
    ended = true;
    onEnd(e);
  };
  const fast = spawnDirect(req, end);
  if (fast !== undefined) return fast;
  let child: ChildProcess;
  try {
    const identity = {
      ...(req.uid !== undefined ? { uid: req.uid } : {}),
      ...(req.gid !== undefined ? { gid: req.gid } : {}),
    };
    const extra = req.channel === 'notify' ? 'pipe' : req.channel === 'ipc' ? 'ipc' : 'ignore';
    child = spawn(file ?? '', args, {
      cwd: req.cwd ?? undefined,
      env: req.channel === 'notify' ? { ...req.env, TEND_NOTIFY_FD: '3' } : req.env,
      detached: true,
      stdio: [
        req.controller ? 'pipe' : 'ignore',
        req.controller ? 'pipe' : (req.output?.stdout ?? 'pipe'),
        req.output?.stderr ?? 'pipe',
        extra,
      ],
      ...identity,
    });
  } catch (e) {
    queueMicrotask(() => end({ kind: 'error', why: e instanceof Error ? e.message : String(e) }));
    return null;
  }
  child.on('error', (e: NodeJS.ErrnoException) => {
    const why = e.code === 'ENOENT' ? explainEnoent(file ?? '', req.cwd) : e.message;
    end({ kind: 'error', why });
  });
  child.on('exit', (code, signal) => end({ kind: 'exit', code, signal }));
  if (child.pid === undefined) return null;
  const notify = req.channel === 'notify' ? ((child.stdio[3] as Readable | null) ?? null) : null;
  const ipc = child;
  return {
    pid: child.pid,
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    notify,
    onMessage: (fn) => {
      ipc.on('message', fn);
    },
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
  };
}

/**
 * The fast path (posix_spawn, see native/posix-spawn.ts) for what most services are: output
 * to named pipes, no IPC channel, no change of user. The exit status comes from the reaper.
 * Returns undefined when the request needs Node's spawn.
 */
function spawnDirect(req: SpawnRequest, end: (e: ProcessEnd) => void): SpawnedProcess | null | undefined {
  if (!req.output || req.channel || req.controller || req.uid !== undefined || req.gid !== undefined)
    return undefined;
  const [file = '', ...args] = req.argv;
  const program = findProgram(file, req.env.PATH);
  const fail = (why: string) => {
    queueMicrotask(() => end({ kind: 'error', why }));
    return null;
  };
  if (program === null) return fail(explainEnoent(file, req.cwd));
  const env = Object.entries(req.env).flatMap(([k, v]) => (v === undefined ? [] : [`${k}=${v}`]));
  const started = posixSpawn({ path: program, argv: [file, ...args], env, cwd: req.cwd, ...req.output });
  if (started === null) return undefined;
  if ('errno' in started) {
    const name = getSystemErrorName(-started.errno);
    return fail(name === 'ENOENT' ? explainEnoent(file, req.cwd) : `could not start ${file}: ${name}`);
  }
  let running = true;
  reaper.start();
  reaper.watch(started.pid, ({ code, signal }) => {
    running = false;
    end({ kind: 'exit', code, signal });
  });
  return pidOnlyProcess(started.pid, () => running);
}

/** A process tend knows by its PID alone (started by posix_spawn, or adopted): no streams, no IPC. */
export function pidOnlyProcess(pid: number, isRunning: () => boolean): SpawnedProcess {
  return {
    pid,
    stdout: null,
    stderr: null,
    notify: null,
    onMessage: () => {},
    get running() {
      return isRunning();
    },
  };
}

function explainEnoent(file: string, cwd: string | null): string {
  return cwd
    ? `program ${JSON.stringify(file)} not found, or the working directory ${JSON.stringify(cwd)} does not exist`
    : `program ${JSON.stringify(file)} not found (is it installed and on PATH?)`;
}
