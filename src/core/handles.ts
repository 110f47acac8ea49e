/**
 * Named handles (daemonproxy's named fds): pipes, files, sockets and /dev/null that tend holds
 * open, so a producer and its consumer each restart without losing the pipe between them, and
 * a listening socket outlives every restart of the server behind it. The table maps names to
 * fds; a service's `fds` and `sockets` name handles, resolved to fds at each spawn. Opening
 * and passing are process/fds.ts's; the rules about names and directions are here.
 */
import { closeQuietly, setCloseOnExec } from '../native/fds.ts';
import {
  type ChildFd,
  controlPair,
  describeFd,
  fdIdentity,
  fileAccess,
  type HandleDecl,
  type OpenFd,
  openDecl,
} from '../process/fds.ts';
import { TendError } from './errors.ts';

export type { HandleDecl } from '../process/fds.ts';

/** Where a handle came from: the config, an RPC or CLI call, a controller's fd.take, a proxy. */
export type HandleOrigin = 'config' | 'runtime' | 'controller' | 'on_demand';

export interface Handle extends OpenFd {
  /** The declared name (a pipe's `logpipe` for `logpipe.r`). */
  readonly declared: string;
  readonly kind: HandleDecl['kind'] | 'taken';
  readonly origin: HandleOrigin;
  readonly at: number;
}

/** A service's fd N is a copy of handle `handle`. */
export interface FdAssignment {
  readonly fd: number;
  readonly handle: string;
  /** Where it was written (`["fds", "3"]`, `["sockets", 0]`), to locate a problem. */
  readonly at?: readonly (string | number)[];
}

/** The handle a controller names to get its control socket at that fd. */
export const controlHandle = 'control';

/** What a service may do with a handle, for the checks. */
export interface HandleShape {
  readonly readable: boolean;
  readonly writable: boolean;
  readonly socket: boolean;
}

/** The handles a declaration makes, as shapes: a pipe makes two. */
export function declShapes(name: string, decl: HandleDecl): { name: string; shape: HandleShape }[] {
  switch (decl.kind) {
    case 'pipe':
      return [
        { name: `${name}.r`, shape: { readable: true, writable: false, socket: false } },
        { name: `${name}.w`, shape: { readable: false, writable: true, socket: false } },
      ];
    case 'file':
      return [{ name, shape: { ...fileAccess(decl.flags), socket: false } }];
    case 'socket':
      return [{ name, shape: { readable: true, writable: true, socket: true } }];
    case 'null':
      return [{ name, shape: { readable: true, writable: true, socket: false } }];
  }
}

export interface AssignmentProblem {
  /** The path under the service (`["fds", "stdin"]`, `["sockets", 0]`). */
  readonly at: readonly (string | number)[];
  readonly handle: string;
  readonly message: string;
}

const stdNames = ['stdin', 'stdout', 'stderr'];

/** What is wrong with a service's fds: unknown names, wrong directions, a number used twice. */
export function assignmentProblems(
  spec: {
    readonly fds: readonly FdAssignment[];
    readonly sockets: readonly string[];
    readonly controller: string | null;
  },
  shapeOf: (name: string) => HandleShape | undefined,
): AssignmentProblem[] {
  const out: AssignmentProblem[] = [];
  const problem = (a: FdAssignment, message: string) =>
    out.push({ at: a.at ?? ['fds', String(a.fd)], handle: a.handle, message });
  const seen = new Map<number, FdAssignment>();
  const socketFds = new Set(spec.sockets.map((_, i) => 3 + i));
  for (const a of spec.fds) {
    const where = stdNames[a.fd] ?? `fd ${a.fd}`;
    const first = seen.get(a.fd);
    if (first) {
      problem(a, `${where} is given twice (also by ${(first.at ?? ['fds']).join('.')})`);
      continue;
    }
    seen.set(a.fd, a);
    const shape = a.handle === controlHandle ? undefined : shapeOf(a.handle);
    if (a.handle === controlHandle) {
      if (spec.controller === null) problem(a, '"control" is for controllers only');
    } else if (!shape) {
      problem(a, `unknown handle "${a.handle}"`);
    } else if (socketFds.has(a.fd) && a.at?.[0] === 'sockets' && !shape.socket) {
      problem(a, `handle "${a.handle}" is not a bound socket`);
    } else if (a.fd === 0 && !shape.readable) {
      problem(a, `stdin needs a readable handle; "${a.handle}" is write-only`);
    } else if ((a.fd === 1 || a.fd === 2) && !shape.writable) {
      problem(a, `${where} needs a writable handle; "${a.handle}" is read-only`);
    }
  }
  return out;
}

/** What the table says about a handle passed across a hot restart. */
export interface PassedHandle {
  readonly handle: Omit<Handle, 'at'> & { readonly at: number };
  /** Device and inode, checked in the new image before the fd is trusted. */
  readonly identity: string;
}

export type HandleChange =
  | { readonly change: 'open'; readonly handle: Handle }
  | { readonly change: 'closed'; readonly name: string };

/** A child's fds for one spawn: copies of handles at their numbers, and the control socket. */
export interface ResolvedFds {
  readonly fds: readonly ChildFd[];
  /** tend's end of a controller's control socket (the child's is in `fds`). */
  readonly control: number | null;
  /** Closes what was made for this spawn only (the child's end of the control socket). */
  release(): void;
}

export class HandleTable {
  readonly #handles = new Map<string, Handle>();
  readonly #decls = new Map<string, HandleDecl>();
  #listener: (c: HandleChange) => void = () => {};
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  onChange(fn: (c: HandleChange) => void): void {
    this.#listener = fn;
  }

  list(): Handle[] {
    return [...this.#handles.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  get(name: string): Handle | undefined {
    return this.#handles.get(name);
  }

  shape(name: string): HandleShape | undefined {
    return this.#handles.get(name);
  }

  /** The declaration behind a handle or declared name (none for a taken fd). */
  declaration(declared: string): HandleDecl | undefined {
    return this.#decls.get(declared);
  }

  /** Every declared name that is open, with its declaration. */
  declarations(): Map<string, HandleDecl> {
    return new Map(this.#decls);
  }

  /** Opens a declaration; nothing changes when it cannot be opened or a name is taken. */
  async declare(name: string, decl: HandleDecl, origin: HandleOrigin): Promise<Handle[]> {
    for (const { name: n } of declShapes(name, decl)) {
      if (this.#handles.has(n) || this.#decls.has(name)) throw new TendError('TEND_FD_EXISTS', { name: n });
    }
    const opened = await openDecl(name, decl);
    if ('problem' in opened)
      throw new TendError('TEND_FD_OPEN_FAILED', { name, why: opened.problem, field: opened.field });
    // another declare may have finished meanwhile
    if (this.#decls.has(name) || opened.fds.some((f) => this.#handles.has(f.name))) {
      for (const f of opened.fds) closeQuietly(f.fd);
      throw new TendError('TEND_FD_EXISTS', { name });
    }
    this.#decls.set(name, decl);
    return opened.fds.map((f) =>
      this.#add({ ...f, declared: name, kind: decl.kind, origin, at: this.#now() }),
    );
  }

  /** Takes over an fd (a controller's fd.take): the name is replaced if it was in use. */
  take(name: string, fd: number, origin: HandleOrigin): Handle {
    const described = describeFd(name, fd);
    if (!described) throw new TendError('TEND_FD_TAKE_FAILED', { name, why: 'the descriptor is not open' });
    setCloseOnExec(fd, true);
    if (this.#handles.has(name)) this.remove(name);
    return this.#add({ ...described, declared: name, kind: 'taken', origin, at: this.#now() });
  }

  #add(h: Handle): Handle {
    this.#handles.set(h.name, h);
    this.#listener({ change: 'open', handle: h });
    return h;
  }

  /** Closes a handle, or both ends of a declared pipe. */
  remove(name: string): string[] {
    const names = this.#handles.has(name)
      ? [name]
      : [...this.#handles.values()].filter((h) => h.declared === name).map((h) => h.name);
    if (names.length === 0) throw new TendError('TEND_FD_NOT_FOUND', { name });
    for (const n of names) {
      const h = this.#handles.get(n);
      if (!h) continue;
      closeQuietly(h.fd);
      this.#handles.delete(n);
      if (![...this.#handles.values()].some((o) => o.declared === h.declared)) this.#decls.delete(h.declared);
      this.#listener({ change: 'closed', name: n });
    }
    return names;
  }

  /** The names a removal of `name` would close. */
  namesOf(name: string): string[] {
    if (this.#handles.has(name)) return [name];
    return [...this.#handles.values()].filter((h) => h.declared === name).map((h) => h.name);
  }

  /** Resolves a service's assignments to fds for one spawn; an unknown handle is an error. */
  resolve(service: string, fds: readonly FdAssignment[]): ResolvedFds {
    const out: ChildFd[] = [];
    let control: readonly [number, number] | null = null;
    for (const a of fds) {
      if (a.handle === controlHandle) {
        if (!control) {
          const pair = controlPair();
          if ('problem' in pair)
            throw new TendError('TEND_FD_OPEN_FAILED', { name: controlHandle, why: pair.problem });
          control = pair;
        }
        out.push({ target: a.fd, fd: control[1] });
        continue;
      }
      const h = this.#handles.get(a.handle);
      if (!h) throw new TendError('TEND_FD_NOT_FOUND', { name: a.handle, service });
      out.push({ target: a.fd, fd: h.fd });
    }
    const child = control?.[1];
    return {
      fds: out,
      control: control?.[0] ?? null,
      release: () => {
        if (child !== undefined) closeQuietly(child);
      },
    };
  }

  /** Every handle made inheritable for the execve of a hot restart, with what identifies it. */
  passAcrossExec(): PassedHandle[] {
    const out: PassedHandle[] = [];
    for (const h of this.#handles.values()) {
      const identity = fdIdentity(h.fd);
      if (identity && setCloseOnExec(h.fd, false)) out.push({ handle: h, identity });
    }
    return out;
  }

  /** After a failed execve: the handles are close-on-exec again. */
  keepFromExec(): void {
    for (const h of this.#handles.values()) setCloseOnExec(h.fd, true);
  }

  /**
   * The new image takes the handles the old one passed: each fd is checked to be the same
   * file (device and inode) before it is trusted. Returns the names that could not be taken.
   */
  adoptPassed(passed: readonly PassedHandle[], decls: ReadonlyMap<string, HandleDecl>): string[] {
    const lost: string[] = [];
    for (const { handle, identity } of passed) {
      if (fdIdentity(handle.fd) !== identity || this.#handles.has(handle.name)) {
        lost.push(handle.name);
        continue;
      }
      setCloseOnExec(handle.fd, true);
      const decl = decls.get(handle.declared);
      if (decl) this.#decls.set(handle.declared, decl);
      this.#add(handle);
    }
    return lost;
  }

  closeAll(): void {
    for (const name of [...this.#handles.keys()]) this.remove(name);
  }
}
