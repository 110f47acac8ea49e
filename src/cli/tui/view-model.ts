/**
 * The TUI's view model: what the API said about services, jobs and cron jobs, kept current by
 * the event stream. Pure functions over plain maps; the store owns the one instance.
 */
import { unreachable } from '../../core/errors.ts';
import { serviceStates } from '../../core/lifecycle.ts';
import { splitInstanceName } from '../../core/names.ts';
import type { CronView, EventView, JobView, ServiceView, StatsView } from '../../protocol/methods.ts';

export type ConnectionState =
  | { readonly status: 'connecting'; readonly where: string }
  | {
      readonly status: 'connected';
      readonly where: string;
      readonly since: number;
      readonly reconnects: number;
    }
  | { readonly status: 'lost'; readonly where: string; readonly since: number; readonly error: string };

export interface ExitRecord {
  readonly code: number | null;
  readonly signal: string | null;
  readonly at: number;
}

/** A service instance as the table shows it. */
export interface ServiceEntry {
  readonly view: ServiceView;
  /** False until a `service.list`/`status` answer filled in what events do not carry (class, restarts…). */
  readonly detailed: boolean;
  /** When the event that last set the state happened (tend's clock); null: none yet. */
  readonly stateAt: number | null;
}

export interface ViewModel {
  readonly connection: ConnectionState;
  /** True once the first snapshot of the event stream is complete. */
  readonly loaded: boolean;
  readonly services: ReadonlyMap<string, ServiceEntry>;
  readonly stats: ReadonlyMap<string, StatsView>;
  /** Exits seen on the event stream since the TUI opened, newest last, a few per instance. */
  readonly exits: ReadonlyMap<string, readonly ExitRecord[]>;
  readonly jobs: ReadonlyMap<string, JobView>;
  readonly crons: readonly CronView[];
  /** Bumped on every change, so views can memoise on it. */
  readonly revision: number;
}

/** What an event asks the store to fetch, since the event alone does not say it. */
export interface Needs {
  /** Instances whose details (restarts, started_at, class…) to read again. */
  readonly services: string[];
  readonly allServices: boolean;
  readonly jobs: boolean;
  readonly crons: boolean;
}

export interface MutableModel {
  services: Map<string, ServiceEntry>;
  exits: Map<string, ExitRecord[]>;
  jobs: Map<string, JobView>;
  /** During a snapshot: the instances it named, so the ones it did not are dropped at its end. */
  snapshotNames: Set<string> | null;
  loaded: boolean;
}

export const exitsKept = 5;

export function emptyModel(): MutableModel {
  return { services: new Map(), exits: new Map(), jobs: new Map(), snapshotNames: null, loaded: false };
}

/** An instance known only from an event, until its details arrive. */
function placeholder(name: string, at: number): ServiceView {
  const { base, index } = splitInstanceName(name);
  return {
    name,
    base,
    instance: index ?? 0,
    state: 'inactive',
    reason: '',
    since: at,
    pid: null,
    started_at: null,
    uptime_ms: 0,
    restarts: 0,
    restarts_by_cause: { exit: 0, health: 0, memory: 0, watch: 0, cron: 0, requested: 0, dependency: 0 },
    last_restart: null,
    last_exit: null,
    held: false,
    class: 'user',
    critical: false,
    command: '',
    health: null,
  };
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

function isState(v: unknown): v is ServiceView['state'] {
  return typeof v === 'string' && (serviceStates as readonly string[]).includes(v);
}

/**
 * Scaling between one instance and several renames them (`web` ↔ `web:0`, `web:1`) without
 * `removed` events for the old names: the first event of a new name retires the other form.
 */
function retireOtherForm(m: MutableModel, name: string): void {
  const { base, index } = splitInstanceName(name);
  for (const other of [...m.services.keys()]) {
    const o = splitInstanceName(other);
    if (other !== name && o.base === base && (o.index === null) !== (index === null)) {
      m.services.delete(other);
      m.exits.delete(other);
    }
  }
}

function setState(m: MutableModel, name: string, e: EventView, patch: Partial<ServiceView>): void {
  const old = m.services.get(name);
  if (!old) retireOtherForm(m, name);
  const view = { ...(old?.view ?? placeholder(name, e.at)), ...patch };
  m.services.set(name, { view, detailed: old?.detailed ?? false, stateAt: e.at });
}

/** Applies one event to the model and says what must be fetched to complete it. */
export function applyEvent(m: MutableModel, e: EventView): Needs {
  const needs = { services: [] as string[], allServices: false, jobs: false, crons: false };
  const name = e.service;
  switch (e.type) {
    case 'snapshot': {
      m.snapshotNames ??= new Set();
      m.snapshotNames.add(name);
      const state = isState(e.state) ? e.state : 'inactive';
      const old = m.services.get(name);
      // a snapshot line says where an instance stands now, not since when
      const since = old && old.view.state === state ? old.view.since : e.at;
      setState(m, name, e, { state, pid: num(e.pid), reason: str(e.reason) ?? '', since });
      if (!old?.detailed) needs.services.push(name);
      break;
    }
    case 'snapshot-end': {
      const seen = m.snapshotNames ?? new Set<string>();
      for (const n of [...m.services.keys()]) if (!seen.has(n)) m.services.delete(n);
      m.snapshotNames = null;
      m.loaded = true;
      needs.allServices = true;
      needs.jobs = true;
      needs.crons = true;
      break;
    }
    case 'overflow':
      // a fresh snapshot follows; until then what we hold may be stale
      m.snapshotNames = new Set();
      break;
    case 'state': {
      if (!isState(e.to)) break;
      setState(m, name, e, { state: e.to, reason: str(e.reason) ?? '', since: e.at, pid: num(e.pid) });
      break;
    }
    case 'spawn':
      if (m.services.has(name)) {
        setState(m, name, e, { pid: num(e.pid), started_at: e.at });
        needs.services.push(name);
      }
      break;
    case 'exit': {
      const record = { code: num(e.code), signal: str(e.signal), at: e.at };
      const list = [...(m.exits.get(name) ?? []), record].slice(-exitsKept);
      m.exits.set(name, list);
      const old = m.services.get(name);
      if (old) m.services.set(name, { ...old, view: { ...old.view, last_exit: record } });
      needs.services.push(name);
      break;
    }
    case 'health': {
      const old = m.services.get(name);
      if (!old) break;
      const ok = e.ok === true;
      const h = old.view.health;
      const health = {
        ok,
        detail: str(e.detail) ?? '',
        at: e.at,
        passes: (h?.passes ?? 0) + (ok ? 1 : 0),
        failures: (h?.failures ?? 0) + (ok ? 0 : 1),
      };
      m.services.set(name, { ...old, view: { ...old.view, health } });
      break;
    }
    case 'added':
      if (!m.services.has(name)) retireOtherForm(m, name);
      if (!m.services.has(name))
        m.services.set(name, { view: placeholder(name, e.at), detailed: false, stateAt: null });
      needs.services.push(name);
      break;
    case 'removed':
      m.services.delete(name);
      m.exits.delete(name);
      break;
    case 'job': {
      const old = m.jobs.get(name);
      const phase = str(e.phase);
      if (
        !old ||
        (phase !== 'Pending' && phase !== 'Running' && phase !== 'Succeeded' && phase !== 'Failed')
      ) {
        needs.jobs = true;
      } else {
        m.jobs.set(name, {
          ...old,
          phase,
          reason: str(e.reason),
          active: num(e.active) ?? old.active,
          succeeded: num(e.succeeded) ?? old.succeeded,
          failed: num(e.failed) ?? old.failed,
        });
      }
      // a run that starts or ends moves its cron job's last and next times
      if (e.changed === true || !old) needs.crons = true;
      break;
    }
    case 'log-error':
    case 'illegal':
    case 'fd':
    case 'signal':
    case 'statedump-end':
      break;
    default:
      return unreachable(e.type);
  }
  return needs;
}

/**
 * Merges fetched views into the model: details always, the state only when the view is newer
 * than the last event that set it (an answer can be overtaken by events sent after it).
 * Instances the event stream has not named are not added: events decide what exists.
 */
export function mergeViews(m: MutableModel, views: readonly ServiceView[]): void {
  for (const v of views) {
    const old = m.services.get(v.name);
    if (!old) continue;
    const keepState = old.stateAt !== null && old.stateAt > v.since;
    const view = keepState
      ? { ...v, state: old.view.state, reason: old.view.reason, since: old.view.since, pid: old.view.pid }
      : v;
    m.services.set(v.name, { view, detailed: true, stateAt: keepState ? old.stateAt : v.since });
  }
}

export function replaceJobs(m: MutableModel, jobs: readonly JobView[]): void {
  m.jobs = new Map(jobs.map((j) => [j.name, j]));
}
