/**
 * Starts one service process as the leader of a new session and process group, with its
 * stdout and stderr on pipes that tend reads. Errors that Node reports asynchronously (a
 * missing program, a bad cwd) arrive through the same `onEnd` as an exit does.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { getSystemErrorName } from 'node:util';
import { posixSpawn } from '../native/posix-spawn.ts';
import { type ChildFd, spawnSafeFds } from './fds.ts';
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
  /** Handles at fd numbers in the child; an entry for 0, 1 or 2 replaces stdin, stdout, stderr. */
  readonly fds?: readonly ChildFd[];
  /** Set LISTEN_PID to the child's own PID (systemd's socket activation; see withListenPid). */
  readonly listenPid?: boolean;
}

/**
 * systemd's LISTEN_PID must be the PID of the process that reads it, which neither
 * posix_spawn nor Node's spawn can know before the exec. A shell in between learns its own
 * PID ($$), exports it and execs the program in its place, so the PID is the program's; it
 * costs one exec of /bin/sh per start.
 */
export function withListenPid(argv: readonly string[]): string[] {
  return ['/bin/sh', '-c', 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"', argv[0] ?? '', ...argv];
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
export function spawnProcess(asked: SpawnRequest, onEnd: (end: ProcessEnd) => void): SpawnedProcess | null {
  let ended = false;
  const end = (e: ProcessEnd) => {
    if (ended) return;
    ended = true;
    onEnd(e);
  };
  const program = asked.argv[0] ?? '';
  if (asked.listenPid && findProgram(program, asked.env.PATH) === null) {
    // the shell in between would only say 127: the missing program is named here instead
    queueMicrotask(() => end({ kind: 'error', why: explainEnoent(program, asked.cwd) }));
    return null;
  }
  const req = asked.listenPid ? { ...asked, argv: withListenPid(asked.argv) } : asked;
  const [file, ...args] = req.argv;
  const fast = spawnDirect(req, end);
  if (fast !== undefined) return fast;
  let child: ChildProcess;
  let channel = 3;
  try {
    const identity = {
      ...(req.uid !== undefined ? { uid: req.uid } : {}),
      ...(req.gid !== undefined ? { gid: req.gid } : {}),
    };
    const { stdio, channelFd } = stdioOf(req);
    child = spawn(file ?? '', args, {
      cwd: req.cwd ?? undefined,
      env: req.channel === 'notify' ? { ...req.env, TEND_NOTIFY_FD: String(channelFd) } : req.env,
      detached: true,
      stdio,
      ...identity,
    });
    channel = channelFd;
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
  const notify = req.channel === 'notify' ? ((child.stdio[channel] as Readable | null) ?? null) : null;
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

type Stdio = 'pipe' | 'ignore' | 'ipc' | number;

/**
 * Node's stdio array: stdin, stdout and stderr (a controller's stdin and stdout are pipes to
 * tend, unless a handle takes their place), the handles at their numbers, and the readiness
 * or IPC channel at the first number no handle takes (TEND_NOTIFY_FD says which).
 */
function stdioOf(req: SpawnRequest): { stdio: Stdio[]; channelFd: number } {
  const at = new Map((req.fds ?? []).map((f) => [f.target, f.fd]));
  const stdio: Stdio[] = [
    at.get(0) ?? (req.controller ? 'pipe' : 'ignore'),
    at.get(1) ?? (req.controller ? 'pipe' : (req.output?.stdout ?? 'pipe')),
    at.get(2) ?? req.output?.stderr ?? 'pipe',
  ];
  const top = Math.max(2, ...at.keys());
  for (let fd = 3; fd <= top; fd++) stdio.push(at.get(fd) ?? 'ignore');
  let channelFd = 3;
  while (at.has(channelFd)) channelFd++;
  if (req.channel) stdio[channelFd] = req.channel === 'notify' ? 'pipe' : 'ipc';
  for (let fd = 0; fd < stdio.length; fd++) stdio[fd] ??= 'ignore';
  return { stdio, channelFd };
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
  const given = req.fds ?? [];
  const wanted: ChildFd[] = [
    ...(given.some((f) => f.target === 1) ? [] : [{ target: 1, fd: req.output.stdout }]),
    ...(given.some((f) => f.target === 2) ? [] : [{ target: 2, fd: req.output.stderr }]),
    ...given,
  ];
  const safe = spawnSafeFds(wanted);
  if (safe === null) return undefined;
  let started: ReturnType<typeof posixSpawn>;
  try {
    started = posixSpawn({ path: program, argv: [file, ...args], env, cwd: req.cwd, fds: safe.fds });
  } finally {
    safe.release();
  }
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
