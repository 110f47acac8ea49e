/**
 * `GET /metrics` in Prometheus' text format, through prom-client. Everything is read when
 * scraped, through the same protocol methods every client uses (service.list, service.stats):
 * nothing polls between scrapes. tend's own process metrics use the standard names.
 */
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { Counter, Gauge, Registry } from 'prom-client';
import { serviceStates } from '../core/lifecycle.ts';
import { startedAtSeconds } from '../process/proc.ts';
import type { ResultOf } from '../protocol/methods.ts';

export interface MetricsSource {
  list(): Promise<ResultOf<'service.list'>>;
  stats(): Promise<ResultOf<'service.stats'>>;
  readonly version: string;
}

export class Metrics {
  readonly #registry = new Registry();
  readonly #source: MetricsSource;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #m;

  constructor(source: MetricsSource) {
    this.#source = source;
    const registers = [this.#registry];
    const service = ['service'] as const;
    this.#m = {
      state: new Gauge({
        name: 'tend_service_state',
        help: 'The state of each service instance: 1 for its current state, 0 for the others.',
        labelNames: ['service', 'state'] as const,
        registers,
      }),
      up: new Gauge({
        name: 'tend_service_up',
        help: '1 when the service has a live process.',
        labelNames: service,
        registers,
      }),
      ready: new Gauge({
        name: 'tend_service_ready',
        help: '1 when the service is running and ready (its readiness check passed).',
        labelNames: service,
        registers,
      }),
      restarts: new Counter({
        name: 'tend_service_restarts_total',
        help: 'Restarts of the service since it was added.',
        labelNames: service,
        registers,
      }),
      lastExit: new Gauge({
        name: 'tend_service_last_exit_code',
        help: 'The exit status of the last process: the code, or 128 + the signal number when killed.',
        labelNames: service,
        registers,
      }),
      uptime: new Gauge({
        name: 'tend_service_uptime_seconds',
        help: 'Seconds since the current process started.',
        labelNames: service,
        registers,
      }),
      cpu: new Counter({
        name: 'tend_service_cpu_seconds_total',
        help: 'CPU time of the current process group (user + system); resets when the service restarts.',
        labelNames: service,
        registers,
      }),
      rss: new Gauge({
        name: 'tend_service_resident_memory_bytes',
        help: 'Resident memory of the process group.',
        labelNames: service,
        registers,
      }),
      healthy: new Gauge({
        name: 'tend_service_healthy',
        help: "The last health check's result: 1 passed, 0 failed (absent before the first check).",
        labelNames: service,
        registers,
      }),
      checks: new Counter({
        name: 'tend_service_health_checks_total',
        help: 'Health checks run since tend started, by result.',
        labelNames: ['service', 'result'] as const,
        registers,
      }),
      info: new Gauge({
        name: 'tend_info',
        help: 'The version of tend and of Node.js; always 1.',
        labelNames: ['version', 'node'] as const,
        registers,
      }),
      processCpu: new Counter({
        name: 'process_cpu_seconds_total',
        help: "tend's own CPU time (user + system).",
        registers,
      }),
      processRss: new Gauge({
        name: 'process_resident_memory_bytes',
        help: "tend's resident memory.",
        registers,
      }),
      processHeap: new Gauge({
        name: 'process_heap_bytes',
        help: "tend's JavaScript heap in use.",
        registers,
      }),
      processFds: new Gauge({
        name: 'process_open_fds',
        help: 'File descriptors tend holds open.',
        registers,
      }),
      processStart: new Gauge({
        name: 'process_start_time_seconds',
        help: 'When tend started, seconds since the epoch.',
        registers,
      }),
    };
  }

  get contentType(): string {
    return this.#registry.contentType;
  }

  /** One scrape: read now, render; concurrent scrapes take turns so none sees another's reset. */
  scrape(): Promise<string> {
    const next = this.#queue.then(() => this.#render());
    this.#queue = next.catch(() => {});
    return next;
  }

  async #render(): Promise<string> {
    const [services, stats] = await Promise.all([this.#source.list(), this.#source.stats()]);
    const m = this.#m;
    this.#registry.resetMetrics();
    for (const s of services) {
      const service = s.name;
      for (const state of serviceStates) m.state.set({ service, state }, s.state === state ? 1 : 0);
      m.up.set({ service }, s.pid !== null ? 1 : 0);
      m.ready.set({ service }, s.state === 'running' ? 1 : 0);
      m.restarts.inc({ service }, s.restarts);
      if (s.last_exit) m.lastExit.set({ service }, exitStatus(s.last_exit));
      m.uptime.set({ service }, s.uptime_ms / 1000);
      if (s.health) {
        m.healthy.set({ service }, s.health.ok ? 1 : 0);
        m.checks.inc({ service, result: 'pass' }, s.health.passes);
        m.checks.inc({ service, result: 'fail' }, s.health.failures);
      }
    }
    for (const s of stats) {
      m.cpu.inc({ service: s.name }, s.cpu_seconds);
      m.rss.set({ service: s.name }, s.rss_bytes);
    }
    m.info.set({ version: this.#source.version, node: process.version }, 1);
    const usage = process.cpuUsage();
    m.processCpu.inc((usage.user + usage.system) / 1e6);
    m.processRss.set(process.memoryUsage.rss());
    m.processHeap.set(process.memoryUsage().heapUsed);
    m.processFds.set(openFds());
    const started = startedAtSeconds(process.pid);
    if (started !== null) m.processStart.set(started);
    return this.#registry.metrics();
  }
}

function exitStatus(e: { code: number | null; signal: string | null }): number {
  if (e.code !== null) return e.code;
  const n = e.signal ? constants.signals[e.signal as keyof typeof constants.signals] : undefined;
  return n === undefined ? -1 : 128 + n;
}

function openFds(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}
