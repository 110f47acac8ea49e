/**
 * CPU and memory, live: the page listens to `/api/stats/stream` for as long as it is open,
 * which is what makes tend sample at all (it reads nothing while no page listens).
 */
import type { Api } from './api.ts';
import { jsonLines, pause } from './lines.ts';
import { Observable } from './observable.ts';
import type { StatsView } from './types.ts';

export interface Figures {
  readonly cpu: number;
  readonly rss: number;
}

export interface StatsTick {
  readonly at: number;
  readonly stats: readonly StatsView[];
}

export class LiveStats {
  readonly #api: Api;
  readonly #abort = new AbortController();
  /** Instance name → its last figures; unchanged figures keep their object. */
  readonly figures = new Observable<ReadonlyMap<string, Figures>>(new Map());
  readonly ticks = new Observable<StatsTick | null>(null);

  constructor(api: Api) {
    this.#api = api;
    void this.#run();
  }

  close(): void {
    this.#abort.abort();
  }

  async #run(): Promise<void> {
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        const res = await this.#api.stream('/api/stats/stream', signal);
        for await (const tick of jsonLines(res)) this.#take(tick as StatsTick);
      } catch (e) {
        if (signal.aborted || (e as { status?: number }).status === 401) return;
      }
      await pause(2000, signal);
    }
  }

  #take(tick: StatsTick): void {
    const old = this.figures.value;
    const next = new Map<string, Figures>();
    for (const s of tick.stats) {
      const before = old.get(s.name);
      next.set(
        s.name,
        before && before.cpu === s.cpu_percent && before.rss === s.rss_bytes
          ? before
          : { cpu: s.cpu_percent, rss: s.rss_bytes },
      );
    }
    this.figures.set(next);
    this.ticks.set(tick);
  }
}
