/**
 * `GET /metrics` in Prometheus' text format, through prom-client. Everything is read when
 * scraped, through the same protocol methods every client uses (service.list, service.stats):
 * nothing polls between scrapes. tend's own process metrics use the standard names.
 */
import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import { Counter, Gauge, Registry } from 'prom-client';
import { restartCauses, serviceStates } from '../core/lifecycle.ts';
import { startedAtSeconds } from '../process/proc.ts';
import type { ResultOf } from '../protocol/methods.ts';

export interface MetricsSource {
  list(): Promise<ResultOf<'service.list'>>;
  stats(): Promise<ResultOf<'service.stats'>>;
  jobs(): Promise<ResultOf<'job.list'>>;
  cron(): Promise<ResultOf<'cron.list'>>;
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
    const job = ['job'] as const;
    const cron = ['cron'] as const;
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
        help: 'Restarts tend performed since the service was added, by cause: exit, health, memory, watch, cron, requested, dependency.',
        labelNames: [...service, 'reason'],
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
      jobPhase: new Gauge({
        name: 'tend_job_phase',
        help: 'The phase of each job run: 1 for its current phase.',
        labelNames: ['job', 'phase'] as const,
        registers,
      }),
      jobActive: new Gauge({
        name: 'tend_job_active',
        help: 'Pods of the run running now.',
        labelNames: job,
        registers,
      }),
      jobSucceeded: new Gauge({
        name: 'tend_job_succeeded',
        help: 'Pods of the run that succeeded.',
        labelNames: job,
        registers,
      }),
      jobFailed: new Gauge({
        name: 'tend_job_failed',
        help: 'Pods of the run that failed.',
        labelNames: job,
        registers,
      }),
      jobDuration: new Gauge({
        name: 'tend_job_duration_seconds',
        help: "From the run's start to its completion (or to now while it runs).",
        labelNames: job,
        registers,
      }),
      cronRuns: new Counter({
        name: 'tend_cron_runs_total',
        help: 'Runs a cron job started.',
        labelNames: cron,
        registers,
      }),
      cronSuccesses: new Counter({
        name: 'tend_cron_successes_total',
        help: 'Runs that succeeded.',
        labelNames: cron,
        registers,
      }),
      cronFailures: new Counter({
        name: 'tend_cron_failures_total',
        help: 'Runs that failed.',
        labelNames: cron,
        registers,
      }),
      cronSkipped: new Counter({
        name: 'tend_cron_skipped_total',
        help: 'Times not run: Forbid while a run went on, or past the starting deadline.',
        labelNames: cron,
        registers,
      }),
      cronActive: new Gauge({
        name: 'tend_cron_active',
        help: 'Runs of the cron job running now.',
        labelNames: cron,
        registers,
      }),
      cronLast: new Gauge({
        name: 'tend_cron_last_schedule_time_seconds',
        help: 'The last scheduled time taken, seconds since the epoch.',
        labelNames: cron,
        registers,
      }),
      cronNext: new Gauge({
        name: 'tend_cron_next_schedule_time_seconds',
        help: 'The next scheduled time, seconds since the epoch (absent when suspended).',
        labelNames: cron,
        registers,
      }),
      cronDuration: new Gauge({
        name: 'tend_cron_last_duration_seconds',
        help: 'How long the last finished run took.',
        labelNames: cron,
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
    const [services, stats, jobs, crons] = await Promise.all([
      this.#source.list(),
      this.#source.stats(),
      this.#source.jobs(),
      this.#source.cron(),
    ]);
    const m = this.#m;
    this.#registry.resetMetrics();
    for (const s of services) {
      const service = s.name;
      for (const state of serviceStates) m.state.set({ service, state }, s.state === state ? 1 : 0);
      m.up.set({ service }, s.pid !== null ? 1 : 0);
      m.ready.set({ service }, s.state === 'running' ? 1 : 0);
      for (const reason of restartCauses)
        m.restarts.inc({ service, reason }, s.restarts_by_cause[reason] ?? 0);
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
    const now = Date.now();
    for (const j of jobs) {
      for (const phase of ['Pending', 'Running', 'Succeeded', 'Failed'])
        m.jobPhase.set({ job: j.name, phase }, j.phase === phase ? 1 : 0);
      m.jobActive.set({ job: j.name }, j.active);
      m.jobSucceeded.set({ job: j.name }, j.succeeded);
      m.jobFailed.set({ job: j.name }, j.failed);
      if (j.start_time !== null)
        m.jobDuration.set({ job: j.name }, ((j.completion_time ?? now) - j.start_time) / 1000);
    }
    for (const c of crons) {
      const l = { cron: c.name };
      m.cronRuns.inc(l, c.runs);
      m.cronSuccesses.inc(l, c.successes);
      m.cronFailures.inc(l, c.failures);
      m.cronSkipped.inc(l, c.skipped);
      m.cronActive.set(l, c.active.length);
      if (c.last_schedule_time !== null) m.cronLast.set(l, c.last_schedule_time / 1000);
      if (c.next_schedule_time !== null) m.cronNext.set(l, c.next_schedule_time / 1000);
      if (c.last_duration_ms !== null) m.cronDuration.set(l, c.last_duration_ms / 1000);
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
