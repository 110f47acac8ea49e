/**
 * Cron jobs as Kubernetes runs them: at each scheduled time a run of the job template is
 * made, named `CRON-SECONDS`; `concurrency_policy` says what happens when the last run is
 * still going (Allow another, Forbid it, Replace the old); a time missed by more than
 * `starting_deadline_seconds` (tend was down, or busy) is skipped; finished runs beyond the
 * history limits are deleted, oldest first. Times come from the clock given, never from
 * croner's own timers, so tests drive it with a fake clock.
 */
import type { Clock, TimerHandle } from './clock.ts';
import { TendError } from './errors.ts';
import type { SupervisorEvent } from './events.ts';
import type { JobSpec, JobStatus } from './job-spec.ts';
import type { Jobs } from './jobs.ts';
import { parseSchedule, type Schedule } from './schedule.ts';

export type ConcurrencyPolicy = 'Allow' | 'Forbid' | 'Replace';

export interface CronSpec {
  readonly name: string;
  readonly schedule: string;
  readonly timeZone: string | null;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  readonly suspend: boolean;
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
  readonly startingDeadlineMs: number | null;
  /** The job each run is made from; the cron job's own hooks are already merged in, first. */
  readonly jobTemplate: JobSpec;
}

export interface CronStatus {
  readonly name: string;
  readonly schedule: string;
  readonly timeZone: string | null;
  readonly concurrencyPolicy: ConcurrencyPolicy;
  readonly suspended: boolean;
  readonly lastScheduleTime: number | null;
  readonly nextScheduleTime: number | null;
  /** Runs not started because of Forbid, or because they were too late. */
  readonly skipped: number;
  readonly active: readonly string[];
  readonly runs: number;
  readonly successes: number;
  readonly failures: number;
  readonly lastDurationMs: number | null;
}

interface Entry {
  spec: CronSpec;
  schedule: Schedule;
  suspended: boolean;
  last: number | null;
  next: number | null;
  timer: TimerHandle | null;
  skipped: number;
  runs: number;
  successes: number;
  failures: number;
  lastDurationMs: number | null;
}

export interface CronHost {
  readonly clock: Clock;
  emit(event: SupervisorEvent): void;
  /** Called with each schedule time taken, so it can be saved across restarts of tend. */
  scheduled?(cron: string, at: number): void;
}

export class CronJobs {
  readonly #jobs: Jobs;
  readonly #host: CronHost;
  readonly #entries = new Map<string, Entry>();

  constructor(jobs: Jobs, host: CronHost) {
    this.#jobs = jobs;
    this.#host = host;
  }

  /**
   * Adds or replaces a cron job. `lastScheduled` (saved by a previous tend) lets a run missed
   * while tend was down start now, if it is still within the starting deadline.
   */
  set(spec: CronSpec, lastScheduled: number | null = null): void {
    const schedule = parseSchedule(spec.schedule, spec.timeZone);
    const old = this.#entries.get(spec.name);
    old?.timer?.cancel();
    const entry: Entry = {
      spec,
      schedule,
      suspended: spec.suspend,
      last: old?.last ?? lastScheduled,
      next: null,
      timer: null,
      skipped: old?.skipped ?? 0,
      runs: old?.runs ?? 0,
      successes: old?.successes ?? 0,
      failures: old?.failures ?? 0,
      lastDurationMs: old?.lastDurationMs ?? null,
    };
    this.#entries.set(spec.name, entry);
    this.#arm(entry, true);
  }

  remove(name: string): void {
    const entry = this.#get(name);
    entry.timer?.cancel();
    this.#entries.delete(name);
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  has(name: string): boolean {
    return this.#entries.has(name);
  }

  suspend(name: string, suspended: boolean): CronStatus {
    const entry = this.#get(name);
    entry.suspended = suspended;
    entry.timer?.cancel();
    entry.timer = null;
    // resuming looks ahead from now: times passed while suspended are not made up
    if (!suspended) entry.last = Math.max(entry.last ?? 0, this.#host.clock.now());
    this.#arm(entry, false);
    return this.#status(entry);
  }

  /** Runs the job now, outside the schedule (the concurrency policy still applies). */
  trigger(name: string): JobStatus | null {
    return this.#fire(this.#get(name), this.#host.clock.now());
  }

  list(): CronStatus[] {
    return [...this.#entries.values()].map((e) => this.#status(e));
  }

  status(name: string): CronStatus {
    return this.#status(this.#get(name));
  }

  stopAll(): void {
    for (const e of this.#entries.values()) e.timer?.cancel();
  }

  /** The cron job's runs that have not finished. */
  #active(name: string): JobStatus[] {
    return this.#jobs.runsOf(name).filter((r) => r.phase === 'Pending' || r.phase === 'Running');
  }

  #get(name: string): Entry {
    const entry = this.#entries.get(name);
    if (!entry) throw new TendError('TEND_CRON_NOT_FOUND', { name });
    return entry;
  }

  #arm(entry: Entry, catchUp: boolean): void {
    entry.timer = null;
    const now = this.#host.clock.now();
    if (entry.suspended) {
      entry.next = null;
      return;
    }
    // a time missed while tend was down: the latest one, if its deadline has not passed
    if (catchUp && entry.last !== null) {
      let missed: number | null = null;
      for (let t = entry.schedule.next(entry.last), n = 0; t !== null && t <= now && n < 1000; n++) {
        missed = t;
        t = entry.schedule.next(t);
      }
      if (missed !== null) this.#due(entry, missed);
    }
    // from the last time taken, so `@every` keeps its rhythm; times already past are not due
    let next = entry.schedule.next(entry.last ?? now);
    for (let n = 0; next !== null && next <= now && n < 100_000; n++) next = entry.schedule.next(next);
    entry.next = next;
    if (entry.next === null) return;
    const at = entry.next;
    entry.timer = this.#host.clock.setTimer(at - now, () => {
      this.#due(entry, at);
      if (this.#entries.get(entry.spec.name) === entry) this.#arm(entry, false);
    });
  }

  /** A scheduled time has come (perhaps late): run, or skip it when past its deadline. */
  #due(entry: Entry, at: number): void {
    entry.last = at;
    this.#host.scheduled?.(entry.spec.name, at);
    const late = this.#host.clock.now() - at;
    const deadline = entry.spec.startingDeadlineMs;
    if (deadline !== null && late > deadline) {
      entry.skipped++;
      return;
    }
    this.#fire(entry, at);
  }

  #fire(entry: Entry, at: number): JobStatus | null {
    const { spec } = entry;
    const active = this.#active(spec.name);
    if (active.length && spec.concurrencyPolicy === 'Forbid') {
      entry.skipped++;
      return null;
    }
    if (active.length && spec.concurrencyPolicy === 'Replace') {
      for (const r of active) void this.#jobs.remove(r.name).catch(() => {});
    }
    let name = `${spec.name}-${Math.floor(at / 1000)}`;
    for (let i = 1; this.#jobs.has(name); i++) name = `${spec.name}-${Math.floor(at / 1000)}-${i}`;
    const status = this.#jobs.run(name, { spec: { ...spec.jobTemplate, name: spec.name }, cron: spec.name });
    entry.runs++;
    void this.#jobs.ended(name)?.then(() => this.#finished(entry, name));
    return status;
  }

  #finished(entry: Entry, name: string): void {
    const run = this.#jobs.runsOf(entry.spec.name).find((r) => r.name === name);
    if (run) {
      if (run.phase === 'Succeeded') entry.successes++;
      else entry.failures++;
      if (run.startTime !== null && run.completionTime !== null)
        entry.lastDurationMs = run.completionTime - run.startTime;
    }
    this.#prune(entry);
  }

  /** Finished runs beyond the history limits go, oldest first; running ones are never touched. */
  #prune(entry: Entry): void {
    const runs = this.#jobs.runsOf(entry.spec.name);
    const drop = (phase: 'Succeeded' | 'Failed', keep: number) => {
      const done = runs.filter((r) => r.phase === phase);
      for (const r of done.slice(0, Math.max(0, done.length - keep)))
        void this.#jobs.remove(r.name).catch(() => {});
    };
    drop('Succeeded', entry.spec.successfulJobsHistoryLimit);
    drop('Failed', entry.spec.failedJobsHistoryLimit);
  }

  #status(e: Entry): CronStatus {
    return {
      name: e.spec.name,
      schedule: e.spec.schedule,
      timeZone: e.spec.timeZone,
      concurrencyPolicy: e.spec.concurrencyPolicy,
      suspended: e.suspended,
      lastScheduleTime: e.last,
      nextScheduleTime: e.suspended ? null : e.next,
      skipped: e.skipped,
      active: this.#active(e.spec.name).map((r) => r.name),
      runs: e.runs,
      successes: e.successes,
      failures: e.failures,
      lastDurationMs: e.lastDurationMs,
    };
  }
}
