/**
 * The TUI's link to tend: it keeps one client connected (connecting again when tend restarts,
 * hot or not), feeds the view model from the event stream, fetches only what events do not
 * carry, reads CPU and memory of the visible rows now and then, and tells the views that
 * something changed at most once per frame.
 */
import type { Client } from '../../client/client.ts';
import type { CronView, StatsView } from '../../protocol/methods.ts';
import {
  applyEvent,
  type ConnectionState,
  emptyModel,
  mergeViews,
  type Needs,
  replaceJobs,
  type ViewModel,
} from './view-model.ts';

export interface StoreOptions {
  readonly connect: () => Promise<Client>;
  /** The socket path or URL, for the header and messages. */
  readonly where: string;
  /** How often CPU and memory of the visible rows are read (only while the TUI is open). */
  readonly statsEveryMs?: number;
  /** Changes are told to the views at most this often. */
  readonly flushMs?: number;
  /** Waits between attempts to connect again, the last one repeated. */
  readonly retryMs?: readonly number[];
}

/** Above this many instances to refresh, one `service.list` is cheaper than a `status` each. */
const listAbove = 20;

export class TuiStore {
  readonly #opts: Required<StoreOptions>;
  readonly #model = emptyModel();
  readonly #stats = new Map<string, StatsView>();
  #crons: CronView[] = [];
  #connection: ConnectionState;
  #client: Client | null = null;
  readonly #listeners = new Set<() => void>();
  readonly #clientListeners = new Set<(client: Client | null) => void>();
  #snapshot: ViewModel;
  #revision = 0;
  #flushTimer: NodeJS.Timeout | null = null;
  #closed = false;
  readonly #abort = new AbortController();
  #pending = { services: new Set<string>(), all: false, jobs: false, crons: false };
  #fetching = false;
  #visible: string[] = [];
  #statsTimer: NodeJS.Timeout | null = null;
  #tickTimer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;

  constructor(options: StoreOptions) {
    this.#opts = { statsEveryMs: 2000, flushMs: 40, retryMs: [100, 250, 500, 1000], ...options };
    this.#connection = { status: 'connecting', where: options.where };
    this.#snapshot = this.#freeze();
  }

  /** The current view model; a new object after each change (for useSyncExternalStore). */
  get model(): ViewModel {
    return this.#snapshot;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /** The connected client, or null while there is none. */
  get client(): Client | null {
    return this.#client;
  }

  /** Called with each new client after a connection, and with null when it is lost. */
  onClient(listener: (client: Client | null) => void): () => void {
    this.#clientListeners.add(listener);
    return () => this.#clientListeners.delete(listener);
  }

  /**
   * Reads job runs and cron jobs again: suspending, resuming or adding a cron job changes no
   * run, so no event says it.
   */
  refreshJobs(): void {
    this.#need({ services: [], allServices: false, jobs: true, crons: true });
  }

  /** The instances on screen: only their stats are read. */
  setVisible(names: readonly string[]): void {
    const same = names.length === this.#visible.length && names.every((n, i) => n === this.#visible[i]);
    if (same) return;
    const first = this.#visible.length === 0;
    this.#visible = [...names];
    if (first) void this.#readStats();
  }

  start(): Promise<void> {
    this.#running ??= this.#run();
    this.#statsTimer = setInterval(() => void this.#readStats(), this.#opts.statsEveryMs);
    // uptimes and "next run in" move with the clock
    this.#tickTimer = setInterval(() => this.#changed(), 1000);
    this.#statsTimer.unref();
    this.#tickTimer.unref();
    return this.#running;
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    for (const t of [this.#statsTimer, this.#tickTimer, this.#flushTimer]) if (t) clearTimeout(t);
    this.#client?.close();
    await this.#running;
  }

  async #run(): Promise<void> {
    let attempt = 0;
    let reconnects = -1;
    while (!this.#closed) {
      let client: Client;
      try {
        client = await this.#opts.connect();
      } catch (e) {
        this.#lost(e instanceof Error ? e.message : String(e));
        const waits = this.#opts.retryMs;
        await this.#sleep(waits[Math.min(attempt++, waits.length - 1)] ?? 1000);
        continue;
      }
      if (this.#closed) {
        client.close();
        break;
      }
      attempt = 0;
      reconnects++;
      // a snapshot cut short by the lost connection starts over
      this.#model.snapshotNames = null;
      this.#client = client;
      this.#connection = { status: 'connected', where: this.#opts.where, since: Date.now(), reconnects };
      for (const l of this.#clientListeners) l(client);
      this.#changed();
      let why = 'the connection closed';
      try {
        for await (const e of client.events({ snapshot: true, signal: this.#abort.signal })) {
          this.#need(applyEvent(this.#model, e));
          this.#changed();
        }
      } catch (e) {
        why = e instanceof Error ? e.message : String(e);
      }
      client.close();
      this.#client = null;
      for (const l of this.#clientListeners) l(null);
      this.#lost(why);
    }
  }

  #lost(error: string): void {
    if (this.#closed) return;
    const since = this.#connection.status === 'lost' ? this.#connection.since : Date.now();
    this.#connection = { status: 'lost', where: this.#opts.where, since, error };
    this.#changed();
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.#abort.signal.addEventListener('abort', done, { once: true });
    });
  }

  #need(n: Needs): void {
    for (const s of n.services) this.#pending.services.add(s);
    this.#pending.all ||= n.allServices;
    this.#pending.jobs ||= n.jobs;
    this.#pending.crons ||= n.crons;
    if (this.#model.loaded) void this.#fetch();
  }

  /** One round of fetches at a time; what is asked meanwhile goes in the next round. */
  async #fetch(): Promise<void> {
    if (this.#fetching) return;
    this.#fetching = true;
    try {
      for (;;) {
        const client = this.#client;
        const p = this.#pending;
        if (!client || (!p.all && !p.jobs && !p.crons && p.services.size === 0)) return;
        this.#pending = { services: new Set(), all: false, jobs: false, crons: false };
        const tasks: Promise<unknown>[] = [];
        if (p.all || p.services.size > listAbove) {
          tasks.push(client.service.list().then((views) => mergeViews(this.#model, views)));
        } else {
          for (const name of p.services) {
            // gone meanwhile: its `removed` event says so
            tasks.push(client.service.status({ name }).then((views) => mergeViews(this.#model, views)));
          }
        }
        if (p.jobs) tasks.push(client.job.list().then((jobs) => replaceJobs(this.#model, jobs)));
        if (p.crons)
          tasks.push(
            client.cron.list().then((crons) => {
              this.#crons = crons;
            }),
          );
        await Promise.allSettled(tasks);
        this.#changed();
      }
    } finally {
      this.#fetching = false;
    }
  }

  async #readStats(): Promise<void> {
    const client = this.#client;
    const names = this.#visible.filter((n) => this.#model.services.get(n)?.view.pid != null);
    if (!client || names.length === 0) return;
    try {
      for (const s of await client.service.stats({ names })) this.#stats.set(s.name, s);
      this.#changed();
    } catch {
      // an instance went away between the render and the read; the next read catches up
    }
  }

  #changed(): void {
    if (this.#flushTimer || this.#closed) return;
    this.#flushTimer = setTimeout(() => {
      this.#flushTimer = null;
      this.#snapshot = this.#freeze();
      for (const l of this.#listeners) l();
    }, this.#opts.flushMs);
  }

  #freeze(): ViewModel {
    return {
      connection: this.#connection,
      loaded: this.#model.loaded,
      services: new Map(this.#model.services),
      stats: new Map(this.#stats),
      exits: new Map(this.#model.exits),
      jobs: new Map(this.#model.jobs),
      crons: this.#crons,
      revision: ++this.#revision,
    };
  }
}
