/**
 * The log pane's lines: the scroll-back of the selected service from tend's ring buffer
 * (logs.get), then its new lines as they come (logs.follow), a bounded number kept; the view
 * is told at most once per frame, however fast the service writes.
 */
import type { Client } from '../../client/client.ts';
import type { LogLineView } from '../../protocol/methods.ts';
import { type LogEntry, sanitize } from './log-lines.ts';

export interface LogState {
  readonly target: string | null;
  readonly entries: readonly LogEntry[];
  readonly status: 'idle' | 'loading' | 'following' | 'offline' | 'error';
  readonly error: string | null;
  /** Lines tend could not send this reader because it fell behind. */
  readonly missed: number;
  readonly revision: number;
}

export interface FeedOptions {
  /** Lines of scroll-back read when a service is selected. */
  readonly backlog?: number;
  /** Lines kept in memory; older ones are dropped. */
  readonly max?: number;
  readonly flushMs?: number;
}

export class LogFeed {
  readonly #opts: Required<FeedOptions>;
  #client: Client | null = null;
  #target: string | null = null;
  #entries: LogEntry[] = [];
  #next = 0;
  #lastSeq = new Map<string, number>();
  #status: LogState['status'] = 'idle';
  #error: string | null = null;
  #missed = 0;
  #follow: AbortController | null = null;
  #snapshot: LogState;
  #revision = 0;
  #flushTimer: NodeJS.Timeout | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(options: FeedOptions = {}) {
    this.#opts = { backlog: 2000, max: 10_000, flushMs: 100, ...options };
    this.#snapshot = this.#freeze();
  }

  get state(): LogState {
    return this.#snapshot;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  /**
   * A new connection (after tend restarted) follows the same service again; while there is
   * none, the lines already shown stay.
   */
  setClient(client: Client | null): void {
    this.#client = client;
    if (client) {
      this.#restart();
      return;
    }
    this.#follow?.abort();
    this.#follow = null;
    if (this.#target !== null) this.#status = 'offline';
    this.#changed(true);
  }

  setTarget(target: string | null): void {
    if (target === this.#target) return;
    this.#target = target;
    this.#restart();
  }

  close(): void {
    this.#follow?.abort();
    if (this.#flushTimer) clearTimeout(this.#flushTimer);
  }

  #restart(): void {
    this.#follow?.abort();
    this.#follow = null;
    this.#entries = [];
    this.#lastSeq = new Map();
    this.#missed = 0;
    this.#error = null;
    const client = this.#client;
    const target = this.#target;
    this.#status = target === null ? 'idle' : client ? 'loading' : 'offline';
    this.#changed(true);
    if (!client || target === null) return;
    const abort = new AbortController();
    this.#follow = abort;
    this.#run(client, target, abort.signal).catch((e: unknown) => {
      if (abort.signal.aborted) return;
      this.#status = this.#client === client ? 'error' : 'offline';
      this.#error = e instanceof Error ? e.message : String(e);
      this.#changed(true);
    });
  }

  async #run(client: Client, target: string, signal: AbortSignal): Promise<void> {
    // subscribe before reading the scroll-back, so no line falls between the two
    const stream = client.followLogs({ names: [target] }, { signal });
    await stream.ready;
    const backlog = await client.logs.get({ names: [target], lines: this.#opts.backlog });
    if (signal.aborted) return;
    for (const l of backlog.lines) this.#push(l);
    this.#status = 'following';
    this.#changed(true);
    for await (const batch of stream) {
      if (signal.aborted) return;
      if (batch.missed) this.#missed += batch.missed;
      for (const l of batch.lines) this.#push(l);
      this.#changed(false);
    }
    if (!signal.aborted) {
      this.#status = 'offline';
      this.#changed(true);
    }
  }

  #push(l: LogLineView): void {
    if (l.seq <= (this.#lastSeq.get(l.service) ?? -1)) return;
    this.#lastSeq.set(l.service, l.seq);
    this.#entries.push({ n: this.#next++, stream: l.stream, at: l.at, text: sanitize(l.text) });
    // trimmed in steps, not at every line
    if (this.#entries.length > this.#opts.max * 1.25) this.#entries = this.#entries.slice(-this.#opts.max);
  }

  #changed(now: boolean): void {
    if (this.#flushTimer) {
      if (!now) return;
      clearTimeout(this.#flushTimer);
    }
    this.#flushTimer = setTimeout(
      () => {
        this.#flushTimer = null;
        this.#snapshot = this.#freeze();
        for (const l of this.#listeners) l();
      },
      now ? 0 : this.#opts.flushMs,
    );
  }

  #freeze(): LogState {
    return {
      target: this.#target,
      entries: this.#entries.slice(),
      status: this.#status,
      error: this.#error,
      missed: this.#missed,
      revision: ++this.#revision,
    };
  }
}
