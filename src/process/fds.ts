/**
 * Opens what a handle declaration names (a pipe, a file, a listening socket, /dev/null) as
 * fds tend holds, and prepares a child's fd map for posix_spawn. The handle table in
 * core/handles.ts decides names and users; this file only talks to the operating system.
 */
import { chmodSync, chownSync, closeSync, constants, fstatSync, lstatSync, openSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { getSystemErrorName } from 'node:util';
import { closeQuietly, dupAbove, growPipe, hasFdSupport, makePipe, makeSocketPair } from '../native/fds.ts';
import { bindSocket, boundPort, socketKind } from '../native/sockets.ts';
import { resolveGroup, resolveUser } from './users.ts';

export type FileFlag = 'read' | 'write' | 'append' | 'create' | 'truncate';

export type SocketAddress =
  | { readonly scheme: 'tcp' | 'udp'; readonly host: string; readonly port: number }
  | { readonly scheme: 'unix'; readonly path: string };

/** What `[fds.NAME]` (or `fd.add`) declares. */
export type HandleDecl =
  | { readonly kind: 'pipe' }
  | { readonly kind: 'file'; readonly path: string; readonly flags: readonly FileFlag[] }
  | {
      readonly kind: 'socket';
      readonly listen: SocketAddress;
      readonly backlog: number;
      /** A unix socket's file mode and owner ("user" or "user:group"). */
      readonly mode: number | null;
      readonly owner: string | null;
    }
  | { readonly kind: 'null' };

/** One fd tend holds, with what a service may do with it. */
export interface OpenFd {
  /** The declared name plus `.r`/`.w` for a pipe's ends. */
  readonly name: string;
  readonly fd: number;
  readonly readable: boolean;
  readonly writable: boolean;
  /** A bound socket (listening, or a datagram socket): what `sockets` may name. */
  readonly socket: boolean;
  /** `tcp://127.0.0.1:8080` (the port bound, for `:0`), a path, `pipe`, `/dev/null`. */
  readonly detail: string;
}

export type Opened =
  | { readonly fds: readonly OpenFd[] }
  | { readonly problem: string; readonly field: string };

/** Where a pipe's content waits while its consumer restarts. */
const pipeBytes = 1024 * 1024;

export function formatAddress(a: SocketAddress): string {
  if (a.scheme === 'unix') return `unix://${a.path}`;
  return `${a.scheme}://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}`;
}

/** `tcp://host:port`, `udp://host:port`, `unix:///path`; the host an IP literal or localhost. */
export function parseAddress(text: string): SocketAddress | { readonly problem: string } {
  const unix = /^unix:\/\/(\/.+)$/.exec(text);
  if (unix) return { scheme: 'unix', path: unix[1] ?? '' };
  const ip = /^(tcp|udp):\/\/(\[[0-9A-Fa-f:.]+\]|[^:/[\]\s]+):(\d{1,5})$/.exec(text);
  if (!ip) {
    return {
      problem: `expected "tcp://HOST:PORT", "udp://HOST:PORT" or "unix:///PATH", got ${JSON.stringify(text)}`,
    };
  }
  const port = Number(ip[3]);
  if (port > 65535) return { problem: `port ${port} is out of range (0-65535)` };
  let host = (ip[2] ?? '').replace(/^\[(.*)\]$/, '$1');
  if (host === 'localhost') host = '127.0.0.1';
  if (host === '*') host = '0.0.0.0';
  if (!/^[\d.]+$/.test(host) && !host.includes(':')) {
    return { problem: `the host must be an IP address (or localhost), got ${JSON.stringify(host)}` };
  }
  return { scheme: ip[1] === 'udp' ? 'udp' : 'tcp', host, port };
}

function errnoText(errno: number): string {
  const name = getSystemErrorName(errno);
  const words: Record<string, string> = {
    EADDRINUSE: 'the address is already in use',
    EACCES: 'permission denied',
    EADDRNOTAVAIL: 'the address is not on this machine',
    ENOENT: 'no such file or folder',
    EEXIST: 'the file exists',
    EISDIR: 'it is a folder',
    ENOSYS: 'handles need koffi and glibc, which did not load',
  };
  return `${words[name] ?? 'failed'} (${name})`;
}

/** Opens a declaration; a problem names the field of the declaration it is about. */
export async function openDecl(name: string, decl: HandleDecl): Promise<Opened> {
  if (!hasFdSupport()) return { problem: errnoText(-38), field: 'type' };
  switch (decl.kind) {
    case 'pipe': {
      const ends = makePipe();
      if ('errno' in ends)
        return { problem: `could not make the pipe: ${errnoText(ends.errno)}`, field: 'type' };
      growPipe(ends[1], pipeBytes);
      return {
        fds: [
          { name: `${name}.r`, fd: ends[0], readable: true, writable: false, socket: false, detail: 'pipe' },
          { name: `${name}.w`, fd: ends[1], readable: false, writable: true, socket: false, detail: 'pipe' },
        ],
      };
    }
    case 'null':
      return { fds: [openFile(name, '/dev/null', constants.O_RDWR, true, true)] };
    case 'file':
      return openFileDecl(name, decl.path, decl.flags);
    case 'socket':
      return openSocketDecl(name, decl);
  }
}

function openFile(name: string, path: string, flags: number, readable: boolean, writable: boolean): OpenFd {
  return { name, fd: openSync(path, flags, 0o600), readable, writable, socket: false, detail: path };
}

/** What a file opened with these flags allows: read unless only write or append is asked. */
export function fileAccess(flags: readonly FileFlag[]): { readable: boolean; writable: boolean } {
  const writable = flags.includes('append') || flags.includes('write');
  return { readable: flags.includes('read') || !writable, writable };
}

function openFileDecl(name: string, path: string, flags: readonly FileFlag[]): Opened {
  const append = flags.includes('append');
  const { readable, writable } = fileAccess(flags);
  let o = readable && writable ? constants.O_RDWR : writable ? constants.O_WRONLY : constants.O_RDONLY;
  if (append) o |= constants.O_APPEND;
  if (flags.includes('create')) o |= constants.O_CREAT;
  if (flags.includes('truncate')) o |= constants.O_TRUNC;
  try {
    return { fds: [openFile(name, path, o, readable, writable)] };
  } catch (e) {
    return {
      problem: `cannot open ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
      field: 'path',
    };
  }
}

async function openSocketDecl(name: string, decl: Extract<HandleDecl, { kind: 'socket' }>): Promise<Opened> {
  const a = decl.listen;
  const type = a.scheme === 'udp' ? 'dgram' : 'stream';
  if (a.scheme === 'unix') {
    const stale = await clearUnixPath(a.path);
    if (stale) return { problem: stale, field: 'listen' };
  }
  const req =
    a.scheme === 'unix'
      ? ({ family: 'unix', type, path: a.path, backlog: decl.backlog } as const)
      : ({ family: 'ip', type, host: a.host, port: a.port, backlog: decl.backlog } as const);
  const fd = bindSocket(req);
  if (fd === null) return { problem: errnoText(-38), field: 'listen' };
  if (typeof fd !== 'number')
    return { problem: `${formatAddress(a)}: ${errnoText(fd.errno)}`, field: 'listen' };
  const detail =
    a.scheme === 'unix' ? formatAddress(a) : formatAddress({ ...a, port: boundPort(fd) ?? a.port });
  if (a.scheme === 'unix') {
    const problem = applyOwnership(a.path, decl.mode, decl.owner);
    if (problem) {
      closeSync(fd);
      rmSync(a.path, { force: true });
      return { problem, field: problem.startsWith('owner') ? 'owner' : 'mode' };
    }
  }
  return { fds: [{ name, fd, readable: true, writable: true, socket: true, detail }] };
}

/**
 * A unix socket path left by an earlier run is removed; a live one (something answers) or
 * anything that is not a socket is never touched: the problem is returned instead.
 */
async function clearUnixPath(path: string): Promise<string | null> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch {
    return null;
  }
  if (!isSocket) return `${path} exists and is not a socket; tend will not replace it`;
  const live = await new Promise<boolean>((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (live) return `${path} is a socket something is listening on (the address is already in use)`;
  rmSync(path, { force: true });
  return null;
}

function applyOwnership(path: string, mode: number | null, owner: string | null): string | null {
  try {
    if (mode !== null) chmodSync(path, mode);
  } catch (e) {
    return `mode: cannot chmod ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`;
  }
  if (owner === null) return null;
  const [user = '', group] = owner.split(':');
  const u = resolveUser(user);
  if (!u) return `owner: unknown user ${JSON.stringify(user)}`;
  const gid = group === undefined ? u.gid : resolveGroup(group);
  if (gid === null) return `owner: unknown group ${JSON.stringify(group)}`;
  try {
    chownSync(path, u.uid, gid);
  } catch (e) {
    return `owner: cannot chown ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)} (tend must run as root)`;
  }
  return null;
}

/** A received or inherited fd described as a handle: what it is, read from the kernel. */
export function describeFd(name: string, fd: number): OpenFd | null {
  let stat: ReturnType<typeof fstatSync>;
  try {
    stat = fstatSync(fd);
  } catch {
    return null;
  }
  const kind = stat.isSocket() ? socketKind(fd) : null;
  const port = kind ? boundPort(fd) : null;
  const detail = kind
    ? `${kind.family} ${kind.type}${kind.listening ? ' listening' : ''}${port !== null ? ` :${port}` : ''}`
    : stat.isFIFO()
      ? 'pipe'
      : stat.isCharacterDevice()
        ? 'character device'
        : 'file';
  return {
    name,
    fd,
    readable: true,
    writable: true,
    socket: kind !== null && (kind.listening || kind.type === 'dgram'),
    detail,
  };
}

/** The identity of an open fd (device and inode), to check one passed across an execve. */
export function fdIdentity(fd: number): string | null {
  try {
    const s = fstatSync(fd);
    return `${s.dev}:${s.ino}`;
  } catch {
    return null;
  }
}

/** A controller's control channel: [tend's end, the child's end]. */
export function controlPair(): readonly [number, number] | { readonly problem: string } {
  const pair = makeSocketPair();
  return 'errno' in pair ? { problem: errnoText(pair.errno) } : pair;
}

export interface ChildFd {
  /** The fd number in the child. */
  readonly target: number;
  /** The fd in tend that it is a copy of. */
  readonly fd: number;
}

/**
 * Copies every source above the highest target, so that posix_spawn's dup2s, done in order,
 * never overwrite a source a later one still needs. `release` closes the copies (the child
 * has its own after the spawn).
 */
export function spawnSafeFds(fds: readonly ChildFd[]): { fds: ChildFd[]; release(): void } | null {
  const floor = Math.max(3, ...fds.map((f) => f.target + 1), ...fds.map((f) => f.fd + 1));
  const copies: ChildFd[] = [];
  for (const f of fds) {
    const copy = dupAbove(f.fd, floor);
    if (typeof copy !== 'number') {
      for (const c of copies) closeQuietly(c.fd);
      return null;
    }
    copies.push({ target: f.target, fd: copy });
  }
  return {
    fds: copies,
    release: () => {
      for (const c of copies) closeQuietly(c.fd);
    },
  };
}
