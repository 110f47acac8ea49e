/**
 * Sockets tend binds and holds for services (systemd's socket units, daemonproxy's fd.socket):
 * socket(), bind() and listen() through koffi, so tend owns a plain fd that it never polls or
 * accepts on; Node's net.Server would accept the connections itself. Also what a socket is
 * (getsockopt) and where it is bound (getsockname), so port 0 can be used and reported.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { closeQuietly, type FdResult } from './fds.ts';
import { lastErrno, libcFunctions, type NativeFn } from './koffi.ts';

interface SocketLib {
  socket: NativeFn;
  bind: NativeFn;
  listen: NativeFn;
  setsockopt: NativeFn;
  getsockopt: NativeFn;
  getsockname: NativeFn;
  inetPton: NativeFn;
}

const AF_UNIX = 1;
const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_STREAM = 1;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
const SO_REUSEADDR = 2;
const SO_TYPE = 3;
const SO_ACCEPTCONN = 30;
const SO_DOMAIN = 39;

let lib: SocketLib | null | undefined;

function load(): SocketLib | null {
  if (lib !== undefined) return lib;
  const c = libcFunctions();
  lib = c
    ? {
        socket: c.func('int socket(int domain, int type, int protocol)'),
        bind: c.func('int bind(int fd, const void *addr, uint32_t len)'),
        listen: c.func('int listen(int fd, int backlog)'),
        setsockopt: c.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t len)'),
        getsockopt: c.func('int getsockopt(int fd, int level, int name, void *value, _Inout_ uint32_t *len)'),
        getsockname: c.func('int getsockname(int fd, void *addr, _Inout_ uint32_t *len)'),
        inetPton: c.func('int inet_pton(int af, const char *src, void *dst)'),
      }
    : null;
  return lib;
}

export type SocketRequest =
  | {
      readonly family: 'ip';
      readonly type: 'stream' | 'dgram';
      /** An IPv4 or IPv6 literal. */
      readonly host: string;
      readonly port: number;
      readonly backlog: number;
    }
  | {
      readonly family: 'unix';
      readonly type: 'stream' | 'dgram';
      readonly path: string;
      readonly backlog: number;
    };

/** The sockaddr for a request, or null for a host that is not an IP literal (or a path too long). */
function sockaddr(c: SocketLib, req: SocketRequest): { domain: number; addr: Buffer } | null {
  if (req.family === 'unix') {
    const path = Buffer.from(req.path);
    // sun_path holds 108 bytes with its terminating NUL
    if (path.length > 107) return null;
    const addr = Buffer.alloc(110);
    addr.writeUInt16LE(AF_UNIX, 0);
    path.copy(addr, 2);
    return { domain: AF_UNIX, addr };
  }
  if (isIPv4(req.host)) {
    const addr = Buffer.alloc(16);
    addr.writeUInt16LE(AF_INET, 0);
    addr.writeUInt16BE(req.port, 2);
    if (c.inetPton(AF_INET, req.host, addr.subarray(4, 8)) !== 1) return null;
    return { domain: AF_INET, addr };
  }
  if (isIPv6(req.host)) {
    const addr = Buffer.alloc(28);
    addr.writeUInt16LE(AF_INET6, 0);
    addr.writeUInt16BE(req.port, 2);
    if (c.inetPton(AF_INET6, req.host, addr.subarray(8, 24)) !== 1) return null;
    return { domain: AF_INET6, addr };
  }
  return null;
}

/**
 * A bound socket, listening when it is a stream socket, close-on-exec. The errno on failure
 * (EADDRINUSE, EACCES…) is what the caller words; EINVAL stands for an address that is not one.
 */
export function bindSocket(req: SocketRequest): FdResult<number> | null {
  const c = load();
  if (!c) return null;
  const where = sockaddr(c, req);
  if (!where) return { errno: -22 };
  const type = (req.type === 'stream' ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC;
  const fd = c.socket(where.domain, type, 0);
  if (fd < 0) return { errno: lastErrno() };
  const fail = () => {
    const errno = lastErrno();
    closeQuietly(fd);
    return { errno };
  };
  // a port a service just let go of (TIME_WAIT) can be bound again at once
  if (req.family === 'ip' && c.setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, int32(1), 4) !== 0) return fail();
  if (c.bind(fd, where.addr, where.addr.length) !== 0) return fail();
  if (req.type === 'stream' && c.listen(fd, req.backlog) !== 0) return fail();
  return fd;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(n, 0);
  return b;
}

/** The port a TCP or UDP socket is bound to (so `:0` can be reported); null otherwise. */
export function boundPort(fd: number): number | null {
  const c = load();
  if (!c) return null;
  const addr = Buffer.alloc(128);
  const len = [addr.length];
  if (c.getsockname(fd, addr, len) !== 0) return null;
  const family = addr.readUInt16LE(0);
  return family === AF_INET || family === AF_INET6 ? addr.readUInt16BE(2) : null;
}

export interface SocketKind {
  readonly family: 'unix' | 'inet' | 'inet6' | 'other';
  readonly type: 'stream' | 'dgram' | 'other';
  readonly listening: boolean;
}

/** What a socket fd is; null when `fd` is not a socket. */
export function socketKind(fd: number): SocketKind | null {
  const c = load();
  if (!c) return null;
  const read = (name: number): number | null => {
    const v = Buffer.alloc(4);
    return c.getsockopt(fd, SOL_SOCKET, name, v, [4]) === 0 ? v.readInt32LE(0) : null;
  };
  const type = read(SO_TYPE);
  if (type === null) return null;
  const domain = read(SO_DOMAIN);
  return {
    family:
      domain === AF_UNIX ? 'unix' : domain === AF_INET ? 'inet' : domain === AF_INET6 ? 'inet6' : 'other',
    type: type === SOCK_STREAM ? 'stream' : type === SOCK_DGRAM ? 'dgram' : 'other',
    listening: read(SO_ACCEPTCONN) === 1,
  };
}
