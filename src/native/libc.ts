/**
 * The few syscalls Node lacks, through koffi: mkfifo, fcntl to enlarge a pipe's buffer, splice,
 * waitpid for children Node did not spawn, and prctl to become a child subreaper. koffi is
 * loaded on first use (the CLI never pays for it); without it, mkfifo falls back to the mkfifo
 * command, pipe sizes stay at the kernel's default, and orphans are not reaped.
 */
import { spawnSync } from 'node:child_process';
import { constants } from 'node:os';
import { libcFunctions } from './koffi.ts';

interface Libc {
  mkfifo(path: string, mode: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  splice(fdIn: number, fdOut: number, offOut: BigInt64Array, len: number, flags: number): number;
  waitpid(pid: number, status: Int32Array, options: number): number;
  prctl(option: number, arg: number): number;
  sigmask(how: number, set: Uint8Array): number;
}

const F_SETPIPE_SZ = 1031;
let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    const lib = libcFunctions();
    if (!lib) {
      libc = null;
      return libc;
    }
    const mkfifo = lib.func('int mkfifo(const char *path, uint32_t mode)');
    const fcntl = lib.func('int fcntl(int fd, int cmd, int arg)');
    const splice = lib.func(
      'intptr_t splice(int fd_in, void *off_in, int fd_out, _Inout_ int64_t *off_out, size_t len, unsigned int flags)',
    );
    const waitpid = lib.func('int waitpid(int pid, _Out_ int *status, int options)');
    const prctl = lib.func(
      'int prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)',
    );
    const sigmask = lib.func('int pthread_sigmask(int how, const uint8_t *set, uint8_t *old)');
    libc = {
      sigmask: (how, set) => sigmask(how, set, null),
      waitpid: (pid, status, options) => {
        const out = [0];
        const r = waitpid(pid, out, options);
        status[0] = out[0] ?? 0;
        return r;
      },
      prctl: (option, arg) => prctl(option, arg, 0, 0, 0),
      mkfifo: (p, m) => mkfifo(p, m),
      fcntl: (fd, cmd, arg) => fcntl(fd, cmd, arg),
      splice: (fdIn, fdOut, offOut, len, flags) => Number(splice(fdIn, null, fdOut, offOut, len, flags)),
    };
  } catch {
    libc = null;
  }
  return libc;
}

const SIG_UNBLOCK = 1;

/** Whether the native calls can be made (koffi loads): a flag that needs undoing needs them. */
export function hasNative(): boolean {
  return load() !== null;
}

/** Unblocks a signal in the main thread, where libuv's handler then receives it. */
export function unblockSignal(signal: NodeJS.Signals): boolean {
  const lib = load();
  const n = (constants.signals as Record<string, number>)[signal];
  if (!lib || n === undefined) return false;
  // a sigset_t is a bit mask: signal n is bit n-1
  const set = new Uint8Array(128);
  set[(n - 1) >> 3] = 1 << ((n - 1) & 7);
  return lib.sigmask(SIG_UNBLOCK, set) === 0;
}

/** Creates a named pipe; false when it could not be made. */
export function makeFifo(path: string, mode = 0o600): boolean {
  const lib = load();
  if (lib) return lib.mkfifo(path, mode) === 0;
  return spawnSync('mkfifo', ['-m', mode.toString(8), path]).status === 0;
}

/** Asks the kernel for a larger pipe buffer (so output waits there while no tend reads). */
export function setPipeSize(fd: number, bytes: number): boolean {
  const lib = load();
  return lib !== null && lib.fcntl(fd, F_SETPIPE_SZ, bytes) >= 0;
}

const SPLICE_F_MOVE = 1;
const SPLICE_F_NONBLOCK = 2;

/** Whether splice() is at hand: output can then move from a pipe to a file inside the kernel. */
export function canSplice(): boolean {
  return load() !== null;
}

/**
 * Moves up to `len` bytes from a pipe to a file at `offset`, inside the kernel: the bytes are
 * either still in the pipe or in the file, never only in tend's memory. Returns the count
 * moved; 0 when the pipe is empty.
 */
export function spliceToFile(pipeFd: number, fileFd: number, offset: number, len: number): number {
  const lib = load();
  if (!lib) return 0;
  const off = new BigInt64Array([BigInt(offset)]);
  const n = lib.splice(pipeFd, fileFd, off, len, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  return Math.max(n, 0);
}

const WNOHANG = 1;
const PR_SET_CHILD_SUBREAPER = 36;

/** How a reaped child ended, decoded from its wait status. */
export interface WaitResult {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const signalNames = new Map(
  Object.entries(constants.signals).map(([name, n]) => [n, name as NodeJS.Signals]),
);

/**
 * Collects one child's exit status if it has ended (a zombie); null while it runs, or when it
 * is not (or no longer) tend's child. Never blocks.
 */
export function reapChild(pid: number): WaitResult | null {
  const lib = load();
  if (!lib) return null;
  const status = new Int32Array(1);
  if (lib.waitpid(pid, status, WNOHANG) !== pid) return null;
  const s = status[0] ?? 0;
  const termSignal = s & 0x7f;
  return termSignal === 0
    ? { pid, code: (s >> 8) & 0xff, signal: null }
    : { pid, code: null, signal: signalNames.get(termSignal) ?? null };
}

/** Makes orphaned descendants re-parent to tend instead of init, so tend reaps them. */
export function becomeSubreaper(): boolean {
  const lib = load();
  return lib !== null && lib.prctl(PR_SET_CHILD_SUBREAPER, 1) === 0;
}
