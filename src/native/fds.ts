/**
 * File descriptors as tend holds them for services: pipes and socket pairs made close-on-exec
 * (a child gets one only where it is dup2'ed), the close-on-exec and non-blocking flags, and
 * copies above a floor (so that dup2 into a child's low fds never overwrites a source).
 */
import { closeSync, constants } from 'node:fs';
import { constants as os } from 'node:os';
import { lastErrno, libcFunctions, type NativeFn } from './koffi.ts';

interface FdLib {
  pipe2: NativeFn;
  socketpair: NativeFn;
  fcntl: NativeFn;
}

const O_CLOEXEC = 0o2000000;
const F_DUPFD_CLOEXEC = 1030;
const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const F_GETFL = 3;
const F_SETFL = 4;
const F_SETPIPE_SZ = 1031;
const AF_UNIX = 1;
const SOCK_STREAM = 1;

let lib: FdLib | null | undefined;

function load(): FdLib | null {
  if (lib !== undefined) return lib;
  const c = libcFunctions();
  lib = c
    ? {
        pipe2: c.func('int pipe2(_Out_ int *fds, int flags)'),
        socketpair: c.func('int socketpair(int domain, int type, int protocol, _Out_ int *sv)'),
        fcntl: c.func('int fcntl(int fd, int cmd, int arg)'),
      }
    : null;
  return lib;
}

export type FdResult<T> = T | { readonly errno: number };

/** Whether handles can be made here (koffi and glibc load). */
export function hasFdSupport(): boolean {
  return load() !== null;
}

/** No koffi here: the call cannot be made (ENOSYS). */
function unavailable(): { errno: number } {
  return { errno: -os.errno.ENOSYS };
}

/** A pipe, both ends close-on-exec: [read end, write end]. */
export function makePipe(): FdResult<readonly [number, number]> {
  const c = load();
  if (!c) return unavailable();
  const fds = [0, 0];
  if (c.pipe2(fds, O_CLOEXEC) !== 0) return { errno: lastErrno() };
  return [fds[0] ?? -1, fds[1] ?? -1];
}

/** A connected pair of unix stream sockets, both close-on-exec. */
export function makeSocketPair(): FdResult<readonly [number, number]> {
  const c = load();
  if (!c) return unavailable();
  const sv = [0, 0];
  if (c.socketpair(AF_UNIX, SOCK_STREAM | O_CLOEXEC, 0, sv) !== 0) return { errno: lastErrno() };
  return [sv[0] ?? -1, sv[1] ?? -1];
}

/**
 * A close-on-exec copy of `fd` numbered `floor` or above: the source of a dup2 into a child's
 * fd N must not itself be a number another mapping writes to.
 */
export function dupAbove(fd: number, floor: number): FdResult<number> {
  const c = load();
  if (!c) return unavailable();
  const copy = c.fcntl(fd, F_DUPFD_CLOEXEC, floor);
  return copy < 0 ? { errno: lastErrno() } : copy;
}

/** Sets or clears close-on-exec; a hot restart clears it so the fd survives the execve. */
export function setCloseOnExec(fd: number, on: boolean): boolean {
  const c = load();
  if (!c) return false;
  const flags = c.fcntl(fd, F_GETFD, 0);
  if (flags < 0) return false;
  return c.fcntl(fd, F_SETFD, on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC) === 0;
}

/** Whether `fd` is open in this process. */
export function isOpenFd(fd: number): boolean {
  const c = load();
  return c !== null && c.fcntl(fd, F_GETFD, 0) >= 0;
}

/**
 * Sets or clears O_NONBLOCK. The flag belongs to the open file, shared by every process that
 * holds it: a socket tend watched (Node makes what it polls non-blocking) is given back
 * blocking, as systemd passes sockets.
 */
export function setNonBlocking(fd: number, on: boolean): boolean {
  const c = load();
  if (!c) return false;
  const flags = c.fcntl(fd, F_GETFL, 0);
  if (flags < 0) return false;
  const next = on ? flags | constants.O_NONBLOCK : flags & ~constants.O_NONBLOCK;
  return next === flags || c.fcntl(fd, F_SETFL, next) === 0;
}

/** Enlarges a pipe's buffer, so a producer runs on while its consumer restarts. */
export function growPipe(fd: number, bytes: number): boolean {
  const c = load();
  return c !== null && c.fcntl(fd, F_SETPIPE_SZ, bytes) >= 0;
}

export function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
