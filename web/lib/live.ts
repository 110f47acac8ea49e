/**
 * Where every service stands, kept current by tend's event stream: the list is read once when
 * the stream opens, then each event updates the one instance it names. Details an event does
 * not carry (restart counts) are read back in one batched call per burst of events. A stream
 * that ends is opened again; an `overflow` reads everything again.
 */
import type { Api } from './api.ts';
import { FramedMap } from './framed-map.ts';
import { jsonLines, pause } from './lines.ts';
import { Observable } from './observable.ts';
import type { EventView, ServiceView } from './types.ts';

export type Connection = 'connecting' | 'live' | 'reconnecting';

/** The events kept for the session's event log. */
const keptEvents = 2000;
/** The least time between two renders of what events changed, and the most rows per frame. */
const minGapMs = 100;
const rowsPerFrame = 250;

export class Live {
  readonly #api: Api;
  readonly #abort = new AbortController();
  readonly #map = new FramedMap<string, ServiceView>({
    chunk: rowsPerFrame,
    minGapMs,
    afterFlush: () => this.#flushEvents(),
  });
  /** Instance name → its view; a changed instance gets a new object, an unchanged one keeps its. */
  readonly services = this.#map.published;
  /** The instance names in order, changed only when one comes or goes. */
  readonly names = new Observable<readonly string[]>([]);
  readonly loaded = new Observable(false);
  readonly connection = new Observable<Connection>('connecting');
  /** This session's events, newest last. */
  readonly events = new Observable<readonly EventView[]>([]);
  /** Bumped on job events, so the jobs view reads again. */
  readonly jobsChanged = new Observable(0);
  /** Bumped when services are added or removed, so the graph reads again. */
  readonly shapeChanged = new Observable(0);
  #pendingEvents: EventView[] = [];
  readonly #stale = new Set<string>();
  #refreshing = false;
  #wholeList = false;

  constructor(api: Api) {
    this.#api = api;
    this.services.subscribe((m) => {
      const names = this.names.value;
      if (names.length !== m.size || names.some((n) => !m.has(n)))
        this.names.set([...m.keys()].sort(collate));
    });
    void this.#run();
  }

  close(): void {
    this.#abort.abort();
    this.#map.close();
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    let delay = 250;
    while (!signal.aborted) {
      try {
        // the stream first, then the list: nothing that happens in between is missed
        const res = await this.#api.stream('/api/events', signal);
        await this.#readAll();
        this.connection.set('live');
        delay = 250;
        for await (const e of jsonLines(res)) this.#apply(e as EventView);
      } catch (e) {
        if (signal.aborted || (e as { status?: number }).status === 401) return;
      }
      this.connection.set('reconnecting');
      await pause(delay, signal);
      delay = Math.min(delay * 2, 5000);
    }
  }

  async #readAll(): Promise<void> {
    const list = await this.#api.get<ServiceView[]>('/api/services', this.#abort.signal);
    const old = this.services.value;
    const next = new Map<string, ServiceView>();
    for (const s of list) {
      const before = old.get(s.name);
      next.set(s.name, before && sameView(before, s) ? before : s);
    }
    this.#map.replace(next);
    this.loaded.set(true);
  }

  #change(name: string, fn: (s: ServiceView) => ServiceView | null): void {
    const s = this.#map.get(name);
    if (!s) return;
    const next = fn(s);
    if (next) this.#map.set(name, next);
    else this.#map.delete(name);
  }

  #flushEvents(): void {
    if (!this.#pendingEvents.length) return;
    const all = [...this.events.value, ...this.#pendingEvents];
    this.#pendingEvents = [];
    this.events.set(all.length > keptEvents ? all.slice(-keptEvents) : all);
  }

  #apply(e: EventView): void {
    if (e.type === 'snapshot' || e.type === 'snapshot-end') return;
    this.#pendingEvents.push(e);
    this.#map.schedule();
    const f = e as Record<string, unknown>;
    switch (e.type) {
      case 'state':
        this.#change(e.service, (s) => ({
          ...s,
          state: f.to as ServiceView['state'],
          reason: String(f.reason ?? ''),
          since: e.at,
          pid: (f.pid as number | null) ?? null,
        }));
        break;
      case 'spawn':
        this.#change(e.service, (s) => ({ ...s, pid: f.pid as number, started_at: e.at }));
        break;
      case 'exit':
        this.#change(e.service, (s) => ({
          ...s,
          last_exit: {
            code: (f.code as number | null) ?? null,
            signal: (f.signal as string | null) ?? null,
            at: e.at,
          },
        }));
        break;
      case 'health':
        this.#change(e.service, (s) => ({
          ...s,
          health: {
            ok: f.ok === true,
            detail: String(f.detail ?? ''),
            at: e.at,
            passes: (s.health?.passes ?? 0) + (f.ok === true ? 1 : 0),
            failures: (s.health?.failures ?? 0) + (f.ok === true ? 0 : 1),
          },
        }));
        break;
      case 'removed':
        this.#change(e.service, () => null);
        this.shapeChanged.set(this.shapeChanged.value + 1);
        return;
      case 'added':
        this.shapeChanged.set(this.shapeChanged.value + 1);
        break;
      case 'job':
        this.jobsChanged.set(this.jobsChanged.value + 1);
        return;
      case 'overflow':
        void this.#readAll().catch(() => {});
        return;
      case 'log-error':
        return;
    }
    // an instance the page does not know (scaling renames web to web:0, web:1 and emits no
    // added/removed for them): the set of instances changed, so the whole list is read
    if (!this.#map.has(e.service)) this.#wholeList = true;
    this.#stale.add(e.service);
    void this.#refresh();
  }

  /** Reads back the instances events touched: one batch per burst, the whole list for a big one. */
  async #refresh(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      await pause(150, this.#abort.signal);
      while (this.#stale.size && !this.#abort.signal.aborted) {
        const names = [...this.#stale];
        this.#stale.clear();
        if (names.length > 50 || this.#wholeList) {
          this.#wholeList = false;
          await this.#readAll();
          this.shapeChanged.set(this.shapeChanged.value + 1);
          continue;
        }
        const answers = await this.#api.batch(
          names.map((name) => ({ method: 'service.status', params: { name } })),
        );
        for (const [i, a] of answers.entries()) {
          if ('result' in a) for (const s of a.result as ServiceView[]) this.#merge(s);
          // gone between the event and the read: scaled away or removed
          else if (a.error.code === 'TEND_SERVICE_NOT_FOUND') this.#drop(names[i] ?? '');
        }
      }
    } catch {
      // the stream's own reconnect reads everything again
    } finally {
      this.#refreshing = false;
    }
  }

  #drop(name: string): void {
    this.#map.delete(name);
  }

  #merge(s: ServiceView): void {
    const before = this.#map.get(s.name);
    if (before && sameView(before, s)) return;
    this.#map.set(s.name, s);
  }
}

/** web:2 before web:10. */
const collate = new Intl.Collator(undefined, { numeric: true }).compare;

/** Equal for display: uptime is computed on the page from started_at, so it is left out. */
function sameView(a: ServiceView, b: ServiceView): boolean {
  return (
    a.state === b.state &&
    a.reason === b.reason &&
    a.pid === b.pid &&
    a.restarts === b.restarts &&
    a.started_at === b.started_at &&
    a.since === b.since &&
    JSON.stringify(a.last_exit) === JSON.stringify(b.last_exit) &&
    JSON.stringify(a.health) === JSON.stringify(b.health) &&
    a.command === b.command
  );
}
