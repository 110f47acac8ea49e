/**
 * The credentials of the process at the other end of a unix socket (SO_PEERCRED), so tend
 * knows which user a connection on its socket belongs to. null without koffi, or for a
 * socket that is not a unix one.
 */
import { libcFunctions, type NativeFn } from './koffi.ts';

const SOL_SOCKET = 1;
const SO_PEERCRED = 17;

let getsockopt: NativeFn | null | undefined;

function load(): NativeFn | null {
  if (getsockopt !== undefined) return getsockopt;
  try {
    getsockopt =
      libcFunctions()?.func('int getsockopt(int fd, int level, int name, void *value, void *length)') ?? null;
  } catch {
    getsockopt = null;
  }
  return getsockopt;
}

export interface PeerCred {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

export function peerCred(fd: number): PeerCred | null {
  const call = load();
  if (!call || fd < 0) return null;
  // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
  const value = Buffer.alloc(12);
  const length = Buffer.alloc(4);
  length.writeUInt32LE(12);
  if (call(fd, SOL_SOCKET, SO_PEERCRED, value, length) !== 0) return null;
  return { pid: value.readInt32LE(0), uid: value.readUInt32LE(4), gid: value.readUInt32LE(8) };
}
