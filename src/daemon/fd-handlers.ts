/**
 * The protocol's handle, proxy, signal and exit-guard methods carried out on the runtime's
 * parts (protocol/fd-methods.ts lists them). A few lines each: the table and the kernel
 * hold the state.
 */
import { handleDeclFromObject } from '../config/index.ts';
import { TendError } from '../core/errors.ts';
import type { FdAssignment, Handle, HandleTable } from '../core/handles.ts';
import type { Supervisor } from '../core/supervisor.ts';
import type { FdView, fdMethods, ProxyView } from '../protocol/fd-methods.ts';
import type { CallContext, Handlers } from './dispatcher.ts';
import type { ExitControl } from './exit-control.ts';
import type { HandleState } from './handle-state.ts';
import type { ServiceStore } from './service-store.ts';
import type { SignalCounts } from './signal-counts.ts';

export interface FdApi {
  readonly sup: Supervisor;
  readonly handles: HandleTable;
  readonly handleState: HandleState;
  readonly store: ServiceStore | null;
  readonly baseDir: string;
  readonly signals: SignalCounts;
  readonly exit: ExitControl;
  proxies(name?: string): ProxyView[];
}

const stdKeys: Record<string, number> = { stdin: 0, stdout: 1, stderr: 2 };
const keyOf = (fd: number) => ['stdin', 'stdout', 'stderr'][fd] ?? String(fd);

/** A handle as the protocol shows it, with the services that name it. */
export function fdView(h: Handle, sup: Supervisor): FdView {
  const users = sup.specs().flatMap((spec) =>
    spec.fds
      .filter((a) => a.handle === h.name)
      .map((a) => ({
        service: spec.name,
        fd: a.fd,
        instances: sup.status(spec.name).map((s) => ({ name: s.name, pid: s.pid })),
      })),
  );
  return {
    name: h.name,
    declared: h.declared,
    kind: h.kind,
    fd: h.fd,
    readable: h.readable,
    writable: h.writable,
    socket: h.socket,
    detail: h.detail,
    origin: h.origin,
    at: h.at,
    users,
  };
}

type FdHandlers = Pick<Handlers, keyof typeof fdMethods>;

export function makeFdHandlers(api: FdApi): Omit<FdHandlers, 'events.statedump'> {
  const { sup, handles } = api;
  const users = (names: readonly string[]) =>
    sup.specs().filter((s) => s.fds.some((a) => names.includes(a.handle)));
  return {
    'fd.list': () => handles.list().map((h) => fdView(h, sup)),
    'fd.add': async (p) => {
      const decl = handleDeclFromObject(p.name, p.handle, api.baseDir);
      const opened = await handles.declare(p.name, decl, 'runtime');
      api.handleState.saveDeclared(handles);
      return opened.map((h) => fdView(h, sup));
    },
    'fd.remove': (p) => {
      const names = handles.namesOf(p.name);
      if (names.length === 0) throw new TendError('TEND_FD_NOT_FOUND', { name: p.name });
      const using = users(names);
      if (using.length)
        throw new TendError('TEND_FD_IN_USE', { name: p.name, users: using.map((s) => s.name).join(', ') });
      const removed = handles.remove(p.name);
      api.handleState.saveDeclared(handles);
      return { removed };
    },
    'fd.take': (p, ctx: CallContext) => {
      if (!ctx.takeFd)
        throw new TendError('TEND_FD_TAKE_FAILED', {
          name: p.name,
          why: "only over a controller's control socket",
        });
      const fd = ctx.takeFd();
      if (fd === null)
        throw new TendError('TEND_FD_TAKE_FAILED', { name: p.name, why: 'no descriptor came with it' });
      return [fdView(handles.take(p.name, fd, 'controller'), sup)];
    },
    'service.fds': async (p) => {
      const spec = sup.spec(p.name);
      const given: FdAssignment[] = Object.entries(p.fds).map(([key, handle]) => ({
        fd: stdKeys[key] ?? Number(key),
        handle,
        at: ['fds', key],
      }));
      const sockets = spec.fds.filter((a) => a.at?.[0] === 'sockets');
      const fds = [...sockets, ...given];
      await sup.update({ ...spec, fds }, { restart: p.restart });
      const saved = api.store?.get(p.name);
      if (saved) api.store?.set(p.name, { ...saved, fds: { ...p.fds } });
      return { ok: true, fds: Object.fromEntries(fds.map((a) => [keyOf(a.fd), a.handle])) };
    },
    'proxy.status': (p) => {
      const found = api.proxies(p?.name);
      if (p?.name && found.length === 0) throw new TendError('TEND_PROXY_NOT_FOUND', { name: p.name });
      return found;
    },
    'signal.list': () => api.signals.snapshot(),
    'signal.clear': (p) => api.signals.clear(normalized(p.signal), p.count),
    'system.exit_guard': (p) => {
      api.exit.setGuard(p.enable, p.code);
      return { guarded: api.exit.guard !== null };
    },
    'system.exec_on_exit': (p) => {
      api.exit.setExecOnExit(p.args);
      return { args: api.exit.execOnExit ? [...api.exit.execOnExit] : null };
    },
  };
}

function normalized(signal: string): string {
  const upper = signal.toUpperCase();
  return upper.startsWith('SIG') ? upper : `SIG${upper}`;
}
