/**
 * The reads the web page needs beyond the protocol's methods: a service's definition as tend
 * holds it, and CPU/memory samples (a stream that runs the sampler, and the kept hour).
 * Each answers through the same auth, errors and dispatcher as every other route.
 */
import type http from 'node:http';
import { isErrorCode, TendError } from '../core/errors.ts';
import type { Dispatcher } from '../daemon/dispatcher.ts';
import type { ServiceView } from '../protocol/methods.ts';
import { matchPath } from './routes.ts';
import type { StatsSampler } from './stats-sampler.ts';

export interface PageRoutesOptions {
  readonly dispatcher: Dispatcher;
  readonly sampler: StatsSampler;
  /** The definition of a base service as the kernel holds it (defaults applied, durations in ms). */
  readonly definition: (base: string) => unknown;
}

/** What a request to one of these routes is answered with. */
export type PageAnswer = { readonly json: unknown } | { readonly streamed: true };

export const pagePaths = {
  config: '/api/services/:name/config',
  statsStream: '/api/stats/stream',
  statsHistory: '/api/stats/history',
} as const;

/** User-named maps, whose keys are data and stay as written. */
const verbatim = new Set(['env', 'requires', 'wants']);

/** camelCase keys to the protocol's snake_case (`restartDelayMs` → `restart_delay_ms`). */
export function snakeKeys(value: unknown, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => snakeKeys(v));
  if (!value || typeof value !== 'object' || verbatim.has(key)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const snake = k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      return [snake, snakeKeys(v, snake)];
    }),
  );
}

export class PageRoutes {
  readonly #opts: PageRoutesOptions;

  constructor(options: PageRoutesOptions) {
    this.#opts = options;
  }

  /** Null when the request is not one of these routes. */
  async answer(
    method: string,
    path: string,
    url: URL,
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<PageAnswer | null> {
    if (method !== 'GET') return null;
    if (path === pagePaths.statsStream) {
      this.#streamStats(req, res);
      return { streamed: true };
    }
    if (path === pagePaths.statsHistory) {
      const names = url.searchParams.getAll('names').flatMap((n) => n.split(',').filter(Boolean));
      const instances = names.length ? await this.#instances(names) : null;
      return {
        json: {
          interval_ms: this.#opts.sampler.intervalMs,
          series: this.#opts.sampler.history(instances ? new Set(instances.map((s) => s.name)) : null),
        },
      };
    }
    const config = matchPath(pagePaths.config, path);
    if (config) {
      const views = await this.#instances([config.name ?? '']);
      const bases = [...new Set(views.map((v) => v.base))];
      return {
        json: bases.map((base) => ({ name: base, definition: snakeKeys(this.#opts.definition(base)) })),
      };
    }
    return null;
  }

  /** The instances a name, base or glob selects, as `service.status` resolves them. */
  async #instances(names: readonly string[]): Promise<ServiceView[]> {
    const out: ServiceView[] = [];
    for (const name of names) {
      const answer = await this.#opts.dispatcher.callOnce('service.status', { name });
      if ('error' in answer) {
        // the method's own error, as tend declared it (not found, an invalid name…)
        const { code, ...data } = (answer.error.data ?? {}) as Record<string, unknown>;
        throw isErrorCode(code)
          ? new TendError(code, data)
          : new TendError('TEND_USAGE', { message: answer.error.message });
      }
      out.push(...(answer.result as ServiceView[]));
    }
    return out;
  }

  /**
   * One JSON object per sample (or Server-Sent Events). A client that does not read keeps no
   * queue here: samples it cannot take are skipped, and counted in the next one it gets.
   */
  #streamStats(req: http.IncomingMessage, res: http.ServerResponse): void {
    const sse = (req.headers.accept ?? '').includes('text/event-stream');
    res.writeHead(200, {
      'content-type': sse ? 'text/event-stream' : 'application/x-ndjson',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    res.flushHeaders();
    let missed = 0;
    const unsubscribe = this.#opts.sampler.subscribe((tick) => {
      if (res.writableNeedDrain) {
        missed++;
        return;
      }
      const text = JSON.stringify(missed ? { ...tick, missed } : tick);
      missed = 0;
      res.write(sse ? `data: ${text}\n\n` : `${text}\n`);
    });
    const heartbeat = setInterval(() => res.write(sse ? ': keep-alive\n\n' : '\n'), 15_000).unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }
}
