/**
 * The protocol table's methods carried out on a Supervisor. Each handler is a few lines: it
 * calls the kernel and shapes the result; the kernel holds all state.
 */
import { randomUUID } from 'node:crypto';
import { cronSpecFromObject, serviceSpecFromObject } from '../config/index.ts';
import type { CronJobs } from '../core/cron.ts';
import { TendError } from '../core/errors.ts';
import type { Jobs } from '../core/jobs.ts';
import type { ServiceState } from '../core/lifecycle.ts';
import { splitInstanceName } from '../core/names.ts';
import type { ServiceSpec } from '../core/service-spec.ts';
import type { ServiceStatus, Supervisor } from '../core/supervisor.ts';
import type { LogHub } from '../logs/log-hub.ts';
import type { StoredLine } from '../logs/log-line.ts';
import { normalizeSignal } from '../process/group.ts';
import { readStat } from '../process/proc.ts';
import type { EventView, ResultOf, ServiceView } from '../protocol/methods.ts';
import { openRpcDocument } from '../protocol/openrpc.ts';
import { cronView, eventView, jobView, serviceView, specView, statsView } from '../protocol/views.ts';
import type { CallContext, Handlers } from './dispatcher.ts';
import { type FdApi, makeFdHandlers } from './fd-handlers.ts';
import { type History, pointInTime } from './history.ts';
import { awaitOutcome } from './outcome.ts';
import type { Definition, ServiceStore } from './service-store.ts';

export interface DaemonApi {
  readonly sup: Supervisor;
  readonly jobs: Jobs;
  readonly cron: CronJobs;
  readonly logs: LogHub;
  /** Where run-time additions persist; null when nothing is persisted. */
  readonly store: ServiceStore | null;
  /** Relative paths in added definitions resolve against this directory. */
  readonly baseDir: string;
  readonly version: string;
  reload(): Promise<{ added: string[]; updated: string[]; removed: string[] }>;
  /** The config's groups: name → member services. */
  groups(): Readonly<Record<string, readonly string[]>>;
  shutdown(code?: number): void;
  /** Re-executes tend in place, services kept running. */
  hotRestart(): void;
  /** Handles, proxies, signal counts and the exit guard (fd-handlers.ts). */
  readonly fd: FdApi;
  readonly history: History;
  /** Instances a user asked to stop: they stay stopped across restarts of tend (user-stops.ts). */
  readonly userStopped?: (names: readonly string[]) => void;
}

const started: readonly ServiceState[] = ['running', 'exited', 'failed'];
const stopped: readonly ServiceState[] = ['inactive', 'exited', 'failed'];

function grepOf(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch (e) {
    throw new TendError('TEND_USAGE', { message: `--grep: ${e instanceof Error ? e.message : String(e)}` });
  }
}

function withTimeout(p: Promise<void>, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new TendError('TEND_TIMEOUT', { ms, what })), ms);
    p.then(
      () => {
        clearTimeout(timer);
        resolve();
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

export function makeHandlers(api: DaemonApi): Handlers {
  const { sup } = api;
  const subscriptions = new Map<string, () => void>();
  /** Each connection's event subscriptions, for a statedump sent on them. */
  const streams = new Map<number, Set<(event: EventView) => void>>();
  /** A subscription ends on unsubscribe or when its connection closes, whichever comes first. */
  const track = (ctx: CallContext, start: (subscription: string) => () => void) => {
    const subscription = randomUUID();
    const off = start(subscription);
    subscriptions.set(subscription, off);
    ctx.onClose(() => untrack(subscription));
    return { subscription };
  };
  const untrack = (subscription: string) => {
    subscriptions.get(subscription)?.();
    subscriptions.delete(subscription);
    return { ok: true as const };
  };
  /** The kernel's view, with the log file's trouble (a full disk) when it has one. */
  const view = (s: ServiceStatus): ServiceView => {
    const p = api.logs.problem(s.name);
    return p
      ? {
          ...serviceView(s),
          log_error: {
            file: p.file,
            error: p.error,
            since: p.since,
            held_bytes: p.heldBytes,
            dropped_lines: p.dropped.lines,
            dropped_bytes: p.dropped.bytes,
          },
        }
      : serviceView(s);
  };
  const list = (names: readonly string[]) => names.flatMap((n) => sup.status(n)).map(view);
  /**
   * Waits (if asked) until the instances are in one of `states`; with `settleMs`, until each
   * has an outcome instead (outcome.ts), so a crash right after the start is what is reported.
   */
  const settle = async (
    names: readonly string[],
    states: readonly ServiceState[],
    wait?: number,
    settleMs?: number,
  ) => {
    if (!wait || !names.length) return;
    if (settleMs !== undefined) await awaitOutcome(sup, names, { waitMs: wait, settleMs });
    else await sup.waitFor(names, states, { timeoutMs: wait });
  };
  /** After a verb: wait (if asked) for exactly the instances it touched, then report them. */
  const act = async (
    touched: readonly { name: string }[],
    states: readonly ServiceState[],
    wait?: number,
    settleMs?: number,
  ) => {
    const names = touched.map((s) => s.name);
    await settle(names, states, wait, settleMs);
    return list(names);
  };
  /** A job's or cron job's log by its name (their runs write there); otherwise service patterns. */
  const logNamesOf = (name: string): string[] => {
    if (api.cron.has(name)) return [name];
    if (api.jobs.has(name)) return jobLogNames(name);
    return sup.select([name]).map((r) => r.name);
  };
  /** A job's log, and its runs' (a cron job's runs write to the cron job's); unknown: an error. */
  const jobLogNames = (name: string): string[] => [
    ...new Set([name, ...api.jobs.status(name).map((r) => r.cron ?? r.name)]),
  ];
  /** Service patterns resolved to instance names here, so the hub needs no name rules of its own. */
  const logQuery = (p?: {
    names?: string[];
    stream?: 'stdout' | 'stderr';
    grep?: string;
    lines?: number;
    since?: number;
  }) => ({
    names: p?.names ? p.names.flatMap(logNamesOf) : undefined,
    stream: p?.stream,
    grep: p?.grep === undefined ? undefined : grepOf(p.grep),
    lines: p?.lines,
    since: p?.since,
  });
  /** A group's members that exist now (a removed service leaves its group smaller). */
  const groupMembers = (name: string) => {
    const members = api.groups()[name];
    if (!members) throw new TendError('TEND_GROUP_NOT_FOUND', { name });
    const present = members.filter((m) => sup.specs().some((s) => s.name === m));
    if (!present.length) throw new TendError('TEND_SERVICE_NOT_FOUND', { name: members.join(', ') });
    return present;
  };
  /** A user's stop: carried out, then remembered for exactly the instances it named. */
  const userStop = (patterns: readonly string[]) => {
    const named = sup.select(patterns, { spareSystem: true }).map((r) => r.name);
    const touched = sup.stop(patterns);
    api.userStopped?.(named);
    return touched;
  };
  const specs = (services: Record<string, Definition>): ServiceSpec[] =>
    Object.entries(services).map(([name, def]) => serviceSpecFromObject(name, def, api.baseDir));

  return {
    'system.ping': () => ({ pong: true }),
    'system.version': () => ({
      version: api.version,
      node: process.version,
      pid: process.pid,
      start_ticks: readStat(process.pid)?.startTicks,
    }),
    'system.shutdown': (p) => {
      const guard = api.fd.exit.guard;
      if (guard !== null && p?.guard !== guard) throw new TendError('TEND_EXIT_GUARDED');
      // answer first, then stop: the caller learns the request was taken
      setImmediate(() => api.shutdown(p?.code));
      return { ok: true };
    },
    'system.reload': () => api.reload(),
    'system.restart': () => {
      setImmediate(() => api.hotRestart());
      return { ok: true };
    },
    'service.list': () => sup.list().map(view),
    'service.status': (p) =>
      sup.status(p.name).map((s) => ({
        ...view(s),
        log_files: [...new Set([api.logs.fileOf(s.name), api.logs.fileOf(s.name, 'stderr')])],
      })),
    'service.start': (p) => act(sup.start(p.names), started, p.wait, p.settle),
    'service.stop': (p) => act(userStop(p.names), stopped, p.wait),
    'service.restart': (p) => act(sup.restart(p.names), started, p.wait, p.settle),
    'service.kill': (p) => {
      const signal = normalizeSignal(p.signal);
      if (!signal) throw new TendError('TEND_SIGNAL_INVALID', { signal: p.signal });
      return { signalled: sup.kill(p.names, signal) };
    },
    'service.add': async (p) => {
      // every definition is checked before any is added, so bad input changes nothing
      const all = specs(p.services);
      const out = sup.addAll(all, { start: p.start });
      api.store?.setAll(p.services);
      const names = out.map((s) => s.name);
      if (p.start) await settle(names, started, p.wait, p.settle);
      return p.wait ? list(names) : out.map(view);
    },
    'service.update': async (p) => {
      const [spec] = specs({ [p.name]: p.service });
      if (!spec) throw new TendError('TEND_USAGE', { message: 'no service given' });
      const out = await sup.update(spec, p.wait ? { timeoutMs: p.wait } : {});
      api.store?.set(p.name, p.service);
      return out.map(view);
    },
    'service.scale': async (p) => {
      const out = await sup.scale(p.name, p.instances, p.wait ? { timeoutMs: p.wait } : {});
      const saved = api.store?.get(p.name);
      if (saved) api.store?.set(p.name, { ...saved, instances: p.instances });
      // only the instances on their way up are waited for; a stopped service stays stopped
      const rising = out.filter((s) => s.state === 'starting' || s.state === 'blocked').map((s) => s.name);
      await settle(rising, started, p.wait);
      return list(out.map((s) => s.name));
    },
    'group.list': () =>
      Object.entries(api.groups()).map(([name, members]) => ({
        name,
        members: [...members],
        instances: sup.select(members.filter((m) => sup.specs().some((s) => s.name === m))).map((r) => ({
          name: r.name,
          state: r.state,
        })),
      })),
    'group.start': (p) => act(sup.start(groupMembers(p.name)), started, p.wait, p.settle),
    'group.stop': (p) => act(userStop(groupMembers(p.name)), stopped, p.wait),
    'group.restart': (p) => act(sup.restart(groupMembers(p.name)), started, p.wait, p.settle),
    'service.remove': async (p) => {
      const bases = [...new Set(sup.select(p.names, { spareSystem: true }).map((r) => r.spec.name))];
      for (const b of bases) await sup.remove(b, p.wait ? { timeoutMs: p.wait } : {});
      // one write for the batch: a tend killed half-way finds all of it saved, never a part
      api.store?.deleteAll(bases);
      return { removed: bases };
    },
    'service.describe': (p) =>
      [...new Set(sup.status(p.name).map((s) => s.base))].map((base) => specView(sup.spec(base))),
    'service.why': (p) => sup.why(p.name),
    'service.tree': (p) => sup.tree(p?.name),
    'service.stats': (p) => sup.stats(p?.names ?? ['all']).map(statsView),
    'service.start_all': async (p) => {
      const out = sup.startAll();
      // those left at rest (a conflict decided against them) are not waited for
      await settle(
        out.filter((s) => s.state !== 'inactive').map((s) => s.name),
        started,
        p?.wait,
        p?.settle,
      );
      return list(out.map((s) => s.name));
    },
    'service.stop_all': async (p) => {
      const out = sup.stopAll();
      api.userStopped?.(
        sup
          .list()
          .filter((s) => s.class !== 'system')
          .map((s) => s.name),
      );
      await settle(
        out.map((s) => s.name),
        stopped,
        p?.wait,
      );
      return list(out.map((s) => s.name));
    },
    'job.list': () => api.jobs.list().map(jobView),
    'job.status': (p) => api.jobs.status(p.name).map(jobView),
    'job.run': async (p) => {
      const run = api.jobs.run(p.name);
      if (p.wait) {
        await withTimeout(api.jobs.ended(run.name) ?? Promise.resolve(), p.wait, `job ${run.name} to finish`);
      }
      return jobView(api.jobs.status(run.name).find((r) => r.name === run.name) ?? run);
    },
    'job.logs': (p) => {
      const names = api.cron.has(p.name) ? [p.name] : jobLogNames(p.name);
      return { lines: api.logs.get({ names, lines: p.lines }) };
    },
    'job.remove': async (p) => ({ removed: await api.jobs.remove(p.name) }),
    'cron.list': () => api.cron.list().map(cronView),
    'cron.add': (p) => {
      if (
        sup.specs().some((s) => s.name === p.name) ||
        api.jobs.definitions().some((j) => j.name === p.name)
      ) {
        throw new TendError('TEND_SERVICE_EXISTS', { name: p.name });
      }
      api.cron.set(cronSpecFromObject(p.name, p.cron, api.baseDir));
      return cronView(api.cron.status(p.name));
    },
    'cron.remove': (p) => {
      api.cron.remove(p.name);
      return { ok: true };
    },
    'cron.suspend': (p) => cronView(api.cron.suspend(p.name, true)),
    'cron.resume': (p) => cronView(api.cron.suspend(p.name, false)),
    'cron.trigger': (p) => {
      const run = api.cron.trigger(p.name);
      return run ? jobView(run) : null;
    },
    'events.subscribe': (p, ctx) => {
      // names, not patterns resolved now: a subscriber may wait for a service not yet added
      const only = p?.services ? new Set(p.services) : null;
      const wanted = (service: string) =>
        !only || only.has(service) || only.has(splitInstanceName(service).base);
      return track(ctx, (subscription) => {
        const send = (event: EventView) => ctx.notify('events.event', { subscription, event });
        const mine = streams.get(ctx.connectionId) ?? new Set();
        streams.set(ctx.connectionId, mine);
        mine.add(send);
        ctx.onClose(() => {
          mine.delete(send);
          if (mine.size === 0) streams.delete(ctx.connectionId);
        });
        // a snapshot first, so a consumer needs no separate query (daemonproxy's stream does this)
        const snapshot = () => {
          const at = Date.now();
          for (const s of sup.list()) {
            if (wanted(s.name))
              send({ type: 'snapshot', service: s.name, at, state: s.state, pid: s.pid, reason: s.reason });
          }
          send({ type: 'snapshot-end', service: '', at });
        };
        if (p?.snapshot) queueMicrotask(snapshot);
        // drops counted up to the last overflow line this reader has actually received
        let reported = ctx.dropped();
        return sup.events.add((e) => {
          if (!wanted(e.service)) return;
          if (p?.snapshot && ctx.dropped() > reported) {
            // never a silent gap: say how much was missed, then where things stand now
            const before = ctx.dropped();
            send({ type: 'overflow', service: '', at: Date.now(), missed: before - reported });
            // still behind, the overflow line was dropped too: the next event tries again
            if (ctx.dropped() === before) {
              reported = before;
              snapshot();
            }
          }
          send(eventView(e));
        });
      });
    },
    'events.unsubscribe': (p) => untrack(p.subscription),
    'events.statedump': (_p, ctx) => {
      // daemonproxy's statedump: every state again, so a controller can get back in sync
      const at = Date.now();
      const events: EventView[] = [
        ...sup.list().map((s) => ({
          type: 'snapshot' as const,
          service: s.name,
          at,
          state: s.state,
          pid: s.pid,
          reason: s.reason,
        })),
        ...api.fd.handles.list().map((h) => ({
          type: 'fd' as const,
          service: '',
          at,
          name: h.name,
          state: 'open',
          kind: h.kind,
          detail: h.detail,
        })),
        ...Object.entries(api.fd.signals.snapshot()).map(([signal, count]) => ({
          type: 'signal' as const,
          service: '',
          at,
          signal,
          count,
        })),
        { type: 'statedump-end', service: '', at },
      ];
      for (const send of streams.get(ctx.connectionId) ?? []) for (const e of events) send(e);
      return { ok: true };
    },
    ...makeFdHandlers(api.fd),
    'logs.get': (p) => ({ lines: api.logs.get(logQuery(p)) }),
    'logs.follow': (p, ctx) =>
      track(ctx, (subscription) => {
        let missed = 0;
        let waiting = false;
        let stopped = false;
        const sendOne = (lines: readonly StoredLine[]) => {
          // a batch the socket cannot take is counted and told to the follower with the next one
          const before = ctx.dropped();
          const compact = lines.map((l) => [l.service, l.stream === 'stdout' ? 0 : 1, l.at, l.seq, l.text]);
          ctx.notify(
            'logs.lines',
            missed ? { subscription, lines: compact, missed } : { subscription, lines: compact },
          );
          missed = ctx.dropped() > before ? missed + lines.length : 0;
          // a burst that ends while the reader is behind has no next batch: it is told once it
          // has read what was queued
          if (missed && !waiting) {
            waiting = true;
            ctx.onDrain(() => {
              waiting = false;
              if (missed && !stopped) sendOne([]);
            });
          }
        };
        const off = api.logs.follow(logQuery(p), (all) => {
          for (const lines of slices(all)) sendOne(lines);
        });
        return () => {
          stopped = true;
          off();
        };
      }),
    'logs.unfollow': (p) => untrack(p.subscription),
    'history.query': (p) => {
      const q = { ...p, since: pointInTime(p?.since, 'since'), until: pointInTime(p?.until, 'until') };
      return api.history.query(q) as ResultOf<'history.query'>;
    },
    'rpc.discover': () => openRpcDocument(api.version),
  };
}

/** Text per logs.lines notification: its JSON stays a small string, which V8 frees cheaply. */
const sliceChars = 32 * 1024;

/** A batch of lines cut into notifications of about `sliceChars` of text each. */
function* slices(lines: readonly StoredLine[]): Generator<readonly StoredLine[]> {
  let start = 0;
  let chars = 0;
  for (let i = 0; i < lines.length; i++) {
    chars += (lines[i]?.text.length ?? 0) + 32;
    if (chars >= sliceChars) {
      yield lines.slice(start, i + 1);
      start = i + 1;
      chars = 0;
    }
  }
  if (start < lines.length) yield lines.slice(start);
}
