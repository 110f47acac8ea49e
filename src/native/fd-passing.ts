/**
 * File descriptors sent over a unix socket (SCM_RIGHTS, daemonproxy's fd.take), and a socket
 * watched for readability inside libuv's loop (koffi's uv_poll) without reading it. libuv
 * reads a stream with read(), which drops any descriptor that came with the bytes, so a
 * socket that may carry descriptors is read here with recvmsg() instead, when it is readable.
 */
import { closeQuietly } from './fds.ts';
import { type Koffi, lastErrno, libcFunctions, loadKoffi, type NativeFn } from './koffi.ts';

interface PassingLib {
  koffi: Koffi;
  sendmsg: NativeFn;
  recvmsg: NativeFn;
  iovec: unknown;
  /** Stable buffers for recvmsg (koffi.alloc: the kernel writes into them). */
  data: unknown;
  iov: unknown;
  control: unknown;
}

const SOL_SOCKET = 1;
const SCM_RIGHTS = 1;
const MSG_DONTWAIT = 0x40;
const MSG_NOSIGNAL = 0x4000;
const MSG_CMSG_CLOEXEC = 0x40000000;
const EAGAIN = 11;
/** Bytes read per recvmsg; a control line is far shorter. */
const readBytes = 64 * 1024;
/** Room for this many descriptors in one message. */
const maxFds = 16;
const cmsgHeader = 16;
const controlBytes = cmsgHeader + maxFds * 4;

let lib: PassingLib | null | undefined;

function load(): PassingLib | null {
  if (lib !== undefined) return lib;
  const koffi = loadKoffi();
  const c = libcFunctions();
  if (!koffi || !c) {
    lib = null;
    return lib;
  }
  const iovec = koffi.struct('tend_iovec', { base: 'void *', len: 'size_t' });
  koffi.struct('tend_msghdr', {
    name: 'void *',
    namelen: 'uint32_t',
    iov: 'void *',
    iovlen: 'size_t',
    control: 'void *',
    controllen: 'size_t',
    flags: 'int',
  });
  const data = koffi.alloc('uint8_t', readBytes);
  const iov = koffi.alloc(iovec, 1);
  koffi.encode(iov, iovec, { base: data, len: readBytes });
  lib = {
    koffi,
    sendmsg: c.func('intptr_t sendmsg(int fd, const tend_msghdr *msg, int flags)'),
    recvmsg: c.func('intptr_t recvmsg(int fd, _Inout_ tend_msghdr *msg, int flags)'),
    iovec,
    data,
    iov,
    control: koffi.alloc('uint8_t', controlBytes),
  };
  return lib;
}

/** Sends `data` with `fds` attached (one message); the count of bytes sent, or an errno. */
export function sendWithFds(
  socket: number,
  data: Buffer,
  fds: readonly number[],
): number | { errno: number } {
  const c = load();
  if (!c) return { errno: -38 };
  const k = c.koffi;
  const body = k.alloc('uint8_t', Math.max(1, data.length));
  new Uint8Array(k.view(body, data.length)).set(data);
  const iov = k.alloc(c.iovec, 1);
  k.encode(iov, c.iovec, { base: body, len: data.length });
  const len = cmsgHeader + fds.length * 4;
  const control = Buffer.alloc(cmsgHeader + Math.ceil((fds.length * 4) / 8) * 8);
  control.writeBigUInt64LE(BigInt(len), 0);
  control.writeInt32LE(SOL_SOCKET, 8);
  control.writeInt32LE(SCM_RIGHTS, 12);
  fds.forEach((fd, i) => {
    control.writeInt32LE(fd, cmsgHeader + i * 4);
  });
  const msg = {
    name: null,
    namelen: 0,
    iov,
    iovlen: 1,
    control: fds.length ? control : null,
    controllen: fds.length ? control.length : 0,
    flags: 0,
  };
  const n = c.sendmsg(socket, msg, MSG_NOSIGNAL);
  const errno = lastErrno();
  k.free(iov);
  k.free(body);
  return n < 0 ? { errno } : n;
}

export type Received =
  | { readonly kind: 'data'; readonly data: Buffer; readonly fds: readonly number[] }
  | { readonly kind: 'again' }
  | { readonly kind: 'eof' }
  | { readonly kind: 'error'; readonly errno: number };

/** One non-blocking recvmsg: bytes with the descriptors that came with them (close-on-exec). */
export function receiveWithFds(socket: number): Received {
  const c = load();
  if (!c) return { kind: 'error', errno: -38 };
  const msg = {
    name: null,
    namelen: 0,
    iov: c.iov,
    iovlen: 1,
    control: c.control,
    controllen: controlBytes,
    flags: 0,
  };
  const n = c.recvmsg(socket, msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
  if (n < 0) {
    const errno = lastErrno();
    return errno === -EAGAIN ? { kind: 'again' } : { kind: 'error', errno };
  }
  if (n === 0) return { kind: 'eof' };
  const data = Buffer.from(c.koffi.view(c.data, n));
  const fds: number[] = [];
  const control = Buffer.from(c.koffi.view(c.control, msg.controllen));
  for (let at = 0; at + cmsgHeader <= control.length; ) {
    const len = Number(control.readBigUInt64LE(at));
    if (len < cmsgHeader) break;
    if (control.readInt32LE(at + 8) === SOL_SOCKET && control.readInt32LE(at + 12) === SCM_RIGHTS) {
      for (let i = at + cmsgHeader; i + 4 <= at + len; i += 4) fds.push(control.readInt32LE(i));
    }
    at += Math.ceil(len / 8) * 8;
  }
  // descriptors beyond the room given (MSG_CTRUNC) were closed by the kernel
  return { kind: 'data', data, fds };
}

export interface ReadWatch {
  close(): void;
}

/**
 * Calls `onReadable` from libuv's loop while `fd` has something to read (or was hung up);
 * nothing is read here. Null without koffi.
 */
export function watchReadable(fd: number, onReadable: () => void): ReadWatch | null {
  const k = load()?.koffi;
  if (!k) return null;
  const handle = k.node.poll(fd, { readable: true, disconnect: true }, () => onReadable());
  return {
    close: () => handle.close(),
  };
}

/** Closes descriptors that arrived but are not wanted. */
export function closeAll(fds: readonly number[]): void {
  for (const fd of fds) closeQuietly(fd);
}
