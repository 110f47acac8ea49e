/**
 * CPU and memory over time, for the web page's charts and live table. Sampling runs only while
 * a page listens (`GET /api/stats/stream`): with no page open tend arms no timer and reads
 * nothing. The last hour is kept in one ring per instance, so a reopened page has its past.
 */
import type { StatsView } from '../protocol/methods.ts';

export interface StatsTick {
  readonly at: number;
  readonly stats: readonly StatsView[];
}

export interface StatsSeries {
  readonly name: string;
  readonly at: readonly number[];
  /** null where the instance was not sampled (it did not exist, or no page was open). */
  readonly cpu_percent: readonly (number | null)[];
  readonly rss_bytes: readonly (number | null)[];
}

/** Calls `fn` every `ms` until the returned function is called. */
export type Every = (ms: number, fn: () => void) => () => void;

const realEvery: Every = (ms, fn) => {
  const timer = setInterval(fn, ms);
  return () => clearInterval(timer);
};

export interface SamplerOptions {
  /** One reading of every instance (`service.stats`). */
  readonly read: () => Promise<readonly StatsView[]>;
  readonly intervalMs?: number;
  readonly keepMs?: number;
  readonly every?: Every;
  readonly now?: () => number;
}

/** Float32 halves the memory of an hour of samples; a chart needs no more precision. */
interface Ring {
  readonly cpu: Float32Array;
  readonly rss: Float32Array;
}

export class StatsSampler {
  readonly intervalMs: number;
  readonly #read: SamplerOptions['read'];
  readonly #every: Every;
  readonly #now: () => number;
  readonly #subscribers = new Set<(tick: StatsTick) => void>();
  /** The sample times, shared by every instance's ring: a tick samples them all at once. */
  readonly #times: Float64Array;
  readonly #rings = new Map<string, Ring>();
  #head = 0;
  #count = 0;
  #stop: (() => void) | null = null;
  #busy = false;
  #last: StatsTick | null = null;

  constructor(options: SamplerOptions) {
    this.intervalMs = options.intervalMs ?? 5000;
    this.#read = options.read;
    this.#every = options.every ?? realEvery;
    this.#now = options.now ?? Date.now;
    this.#times = new Float64Array(Math.max(1, Math.ceil((options.keepMs ?? 3_600_000) / this.intervalMs)));
  }

  /** Whether a timer is armed: true exactly while somebody listens. */
  get sampling(): boolean {
    return this.#stop !== null;
  }

  get listeners(): number {
    return this.#subscribers.size;
  }

  /** Starts sampling with the first listener (one reading at once), stops after the last. */
  subscribe(fn: (tick: StatsTick) => void): () => void {
    this.#subscribers.add(fn);
    if (!this.#stop) {
      this.#stop = this.#every(this.intervalMs, () => void this.#sample());
      void this.#sample();
    } else if (this.#last) {
      fn(this.#last);
    }
    return () => {
      if (!this.#subscribers.delete(fn) || this.#subscribers.size > 0) return;
      this.#stop?.();
      this.#stop = null;
    };
  }

  /** The kept samples of these instances (all when null), oldest first. */
  history(names: ReadonlySet<string> | null): StatsSeries[] {
    const order = Array.from({ length: this.#count }, (_, i) => {
      const size = this.#times.length;
      return (this.#head - this.#count + i + size) % size;
    });
    const at = order.map((slot) => this.#times[slot] ?? 0);
    const value = (a: Float32Array, slot: number) => {
      const v = a[slot] ?? Number.NaN;
      return Number.isNaN(v) ? null : v;
    };
    return [...this.#rings]
      .filter(([name]) => names === null || names.has(name))
      .map(([name, ring]) => ({
        name,
        at,
        cpu_percent: order.map((slot) => value(ring.cpu, slot)),
        rss_bytes: order.map((slot) => value(ring.rss, slot)),
      }));
  }

  async #sample(): Promise<void> {
    // a reading slower than the interval (a huge /proc) is not stacked on another
    if (this.#busy) return;
    this.#busy = true;
    let stats: readonly StatsView[];
    try {
      stats = await this.#read();
    } catch {
      // tend is closing, or /proc could not be read: the next tick tries again
      return;
    } finally {
      this.#busy = false;
    }
    if (!this.#stop) return;
    const tick: StatsTick = { at: this.#now(), stats };
    this.#record(tick);
    this.#last = tick;
    for (const fn of this.#subscribers) fn(tick);
  }

  #record(tick: StatsTick): void {
    const size = this.#times.length;
    const slot = this.#head;
    this.#times[slot] = tick.at;
    this.#head = (slot + 1) % size;
    this.#count = Math.min(this.#count + 1, size);
    const seen = new Set<string>();
    for (const s of tick.stats) {
      seen.add(s.name);
      let ring = this.#rings.get(s.name);
      if (!ring) {
        ring = { cpu: new Float32Array(size).fill(Number.NaN), rss: new Float32Array(size).fill(Number.NaN) };
        this.#rings.set(s.name, ring);
      }
      ring.cpu[slot] = s.cpu_percent;
      ring.rss[slot] = s.rss_bytes;
    }
    // an instance missing from a reading was removed (or scaled away): its past goes with it
    for (const name of this.#rings.keys()) if (!seen.has(name)) this.#rings.delete(name);
  }
}
