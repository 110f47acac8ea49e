/**
 * The few syscalls Node lacks, through koffi: mkfifo, and fcntl to enlarge a pipe's buffer.
 * koffi is loaded on first use (the CLI never pays for it); without it, mkfifo falls back to
 * the mkfifo command and pipe sizes stay at the kernel's default.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

interface Libc {
  mkfifo(path: string, mode: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  splice(fdIn: number, fdOut: number, offOut: BigInt64Array, len: number, flags: number): number;
}

const F_SETPIPE_SZ = 1031;
let libc: Libc | null | undefined;

function load(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    const require = createRequire(import.meta.url);
    const koffi = require('koffi') as {
      load(name: string): { func(signature: string): (...args: unknown[]) => number };
    };
    const lib = koffi.load('libc.so.6');
    const mkfifo = lib.func('int mkfifo(const char *path, uint32_t mode)');
    const fcntl = lib.func('int fcntl(int fd, int cmd, int arg)');
    const splice = lib.func(
      'intptr_t splice(int fd_in, void *off_in, int fd_out, _Inout_ int64_t *off_out, size_t len, unsigned int flags)',
    );
    libc = {
      mkfifo: (p, m) => mkfifo(p, m),
      fcntl: (fd, cmd, arg) => fcntl(fd, cmd, arg),
      splice: (fdIn, fdOut, offOut, len, flags) => Number(splice(fdIn, null, fdOut, offOut, len, flags)),
    };
  } catch {
    libc = null;
  }
  return libc;
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
