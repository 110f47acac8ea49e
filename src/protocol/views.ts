/**
 * The kernel's camelCase records as the protocol shows them: snake_case names, the same in
 * RPC results, `--json` output and the HTTP API.
 */
import type { SupervisorEvent } from '../core/events.ts';
import type { ServiceStats, ServiceStatus } from '../core/supervisor.ts';
import type { EventView, ServiceView, StatsView } from './methods.ts';

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
    last_exit: s.lastExit,
    class: s.class,
    critical: s.critical,
    command: s.command,
    health: s.health,
  };
}

export function statsView(s: ServiceStats): StatsView {
  return {
    name: s.name,
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
