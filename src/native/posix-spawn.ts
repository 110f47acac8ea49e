/**
 * posix_spawn through koffi. glibc runs it as clone(CLONE_VM | CLONE_VFORK): the child shares
 * tend's memory until it execs, so starting a process costs a fraction of a millisecond
 * however large tend is, where Node's spawn forks (copying the page tables of a 70 MB process
 * takes milliseconds, on every start and every restart). The child gets its own session and
 * process group, default signal dispositions, an empty signal mask, stdin from /dev/null and
 * the given fds at their numbers (stdout, stderr, and any handles).
 */

import { constants } from 'node:fs';
import { libcFunctions } from './koffi.ts';

type NativeFn = (...args: unknown[]) => number;

interface PosixSpawnLib {
  faInit: NativeFn;
  faDup2: NativeFn;
  faOpen: NativeFn;
  faChdir: NativeFn;
  faDestroy: NativeFn;
  attrInit: NativeFn;
  attrFlags: NativeFn;
  attrSigDefault: NativeFn;
  attrSigMask: NativeFn;
  attrDestroy: NativeFn;
  spawn: NativeFn;
  /** Opaque glibc structs, sized with room to spare (80, 336 and 128 bytes on x86-64). */
  fileActions: Buffer;
  attr: Buffer;
  allSignals: Buffer;
  noSignals: Buffer;
}

const POSIX_SPAWN_SETSIGDEF = 0x04;
const POSIX_SPAWN_SETSIGMASK = 0x08;
const POSIX_SPAWN_SETSID = 0x80;

let lib: PosixSpawnLib | null | undefined;

function load(): PosixSpawnLib | null {
  if (lib !== undefined) return lib;
  try {
    const c = libcFunctions();
    if (!c) {
      lib = null;
      return lib;
    }
    const allSignals = Buffer.alloc(256);
    const noSignals = Buffer.alloc(256);
    c.func('int sigfillset(void *set)')(allSignals);
    c.func('int sigemptyset(void *set)')(noSignals);
    lib = {
      faInit: c.func('int posix_spawn_file_actions_init(void *fa)'),
      faDup2: c.func('int posix_spawn_file_actions_adddup2(void *fa, int fd, int newfd)'),
      faOpen: c.func(
        'int posix_spawn_file_actions_addopen(void *fa, int fd, const char *path, int oflag, uint32_t mode)',
      ),
      faChdir: c.func('int posix_spawn_file_actions_addchdir_np(void *fa, const char *path)'),
      faDestroy: c.func('int posix_spawn_file_actions_destroy(void *fa)'),
      attrInit: c.func('int posix_spawnattr_init(void *attr)'),
      attrFlags: c.func('int posix_spawnattr_setflags(void *attr, short flags)'),
      attrSigDefault: c.func('int posix_spawnattr_setsigdefault(void *attr, const void *set)'),
      attrSigMask: c.func('int posix_spawnattr_setsigmask(void *attr, const void *set)'),
      attrDestroy: c.func('int posix_spawnattr_destroy(void *attr)'),
      spawn: c.func(
        'int posix_spawn(_Out_ int *pid, const char *path, const void *fa, const void *attr, const char **argv, const char **envp)',
      ),
      fileActions: Buffer.alloc(512),
      attr: Buffer.alloc(1024),
      allSignals,
      noSignals,
    };
  } catch {
    lib = null;
  }
  return lib;
}

export interface PosixSpawnRequest {
  /** The program, as a path (no PATH search here). */
  readonly path: string;
  readonly argv: readonly string[];
  /** `KEY=value` strings. */
  readonly env: readonly string[];
  readonly cwd: string | null;
  /**
   * The child's fds, as dup2(fd, target) in this order: stdout and stderr among them; stdin is
   * /dev/null unless one targets 0. No fd may be another's target (see process/fds.ts).
   */
  readonly fds: readonly { readonly target: number; readonly fd: number }[];
}

export type PosixSpawnResult = { readonly pid: number } | { readonly errno: number };

/** Starts a process; null when posix_spawn cannot be used here (no koffi, no glibc). */
export function posixSpawn(req: PosixSpawnRequest): PosixSpawnResult | null {
  const c = load();
  if (!c) return null;
  c.faInit(c.fileActions);
  c.attrInit(c.attr);
  try {
    c.attrSigDefault(c.attr, c.allSignals);
    c.attrSigMask(c.attr, c.noSignals);
    c.attrFlags(c.attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
    if (!req.fds.some((f) => f.target === 0)) c.faOpen(c.fileActions, 0, '/dev/null', constants.O_RDONLY, 0);
    for (const f of req.fds) c.faDup2(c.fileActions, f.fd, f.target);
    if (req.cwd !== null) c.faChdir(c.fileActions, req.cwd);
    const pid = [0];
    const errno = c.spawn(pid, req.path, c.fileActions, c.attr, [...req.argv, null], [...req.env, null]);
    return errno === 0 ? { pid: pid[0] ?? 0 } : { errno };
  } finally {
    c.faDestroy(c.fileActions);
    c.attrDestroy(c.attr);
  }
}
