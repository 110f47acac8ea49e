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
    libc = { mkfifo: (p, m) => mkfifo(p, m), fcntl: (fd, cmd, arg) => fcntl(fd, cmd, arg) };
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
