/**
 * The kernel's camelCase records as the protocol shows them: snake_case names, the same in
 * RPC results, `--json` output and the HTTP API.
 */

import type { CronStatus } from '../core/cron.ts';
import type { SupervisorEvent } from '../core/events.ts';
import type { JobStatus } from '../core/job-spec.ts';
import type { ServiceSpec } from '../core/service-spec.ts';
import type { ServiceStats, ServiceStatus } from '../core/supervisor.ts';
import type { CronView, EventView, JobView, ServiceView, SpecView, StatsView } from './methods.ts';

export function serviceView(s: ServiceStatus): ServiceView {
  return {
    name: s.name,
    base: s.base,
    instance: s.instance,
    state: s.state,
    reason: s.reason,
    since: s.since,
    pid: s.pid,
    started_at: s.startedAt,
    uptime_ms: s.uptimeMs,
    restarts: s.restarts,
    restarts_by_cause: { ...s.restartsByCause },
    last_restart: s.lastRestart,
    last_exit: s.lastExit,
    held: s.held,
    class: s.class,
    critical: s.critical,
    command: s.command,
    cwd: s.cwd,
    health: s.health,
  };
}

export function specView(s: ServiceSpec): SpecView {
  return {
    name: s.name,
    command: s.commandText,
    argv: [...s.argv],
    cwd: s.cwd,
    env: { ...s.env },
    user: s.user,
    group: s.group,
    instances: s.instances,
    class: s.class,
    critical: s.critical,
    autostart: s.autostart,
    restart: s.restart,
    max_restarts: s.maxRestarts,
    stop_signal: s.stopSignal,
    stop_timeout_ms: s.stopTimeoutMs,
    requires: { ...s.requires },
    wants: { ...s.wants },
    after: [...s.after],
    conflicts: [...s.conflicts],
    ready: s.ready ? (s.ready.kind === 'probe' ? s.ready.probe.kind : s.ready.kind) : null,
    health: s.health ? s.health.probe.kind : null,
  };
}

export function statsView(s: ServiceStats): StatsView {
  return {
    name: s.name,
    state: s.state,
    pid: s.pid,
    pids: [...s.pids],
    cpu_percent: s.cpuPercent,
    cpu_seconds: s.cpuSeconds,
    rss_bytes: s.rssBytes,
    uptime_ms: s.uptimeMs,
    restarts: s.restarts,
    last_exit: s.lastExit,
  };
}

export function eventView(e: SupervisorEvent): EventView {
  return { ...e };
}

export function jobView(s: JobStatus): JobView {
  return {
    name: s.name,
    job: s.job,
    cron: s.cron,
    phase: s.phase,
    reason: s.reason,
    active: s.active,
    succeeded: s.succeeded,
    failed: s.failed,
    completed_indexes: [...s.completedIndexes],
    start_time: s.startTime,
    completion_time: s.completionTime,
    max_active: s.maxActive,
    completions: s.completions,
    parallelism: s.parallelism,
    command: s.command,
  };
}

export function cronView(s: CronStatus): CronView {
  return {
    name: s.name,
    schedule: s.schedule,
    time_zone: s.timeZone,
    concurrency_policy: s.concurrencyPolicy,
    suspended: s.suspended,
    last_schedule_time: s.lastScheduleTime,
    next_schedule_time: s.nextScheduleTime,
    skipped: s.skipped,
    active: [...s.active],
    runs: s.runs,
    successes: s.successes,
    failures: s.failures,
    last_duration_ms: s.lastDurationMs,
  };
}
