/**
 * CPU and memory of services' process groups, read from /proc when somebody asks (nothing is
 * sampled in between). CPU percent is over the time since the previous reading of the same
 * instance, or since its start.
 */
import { groupStats } from '../process/proc.ts';
import type { LastExit } from './service-runner.ts';
import type { ServiceState } from './states.ts';

export interface ServiceStats {
  readonly name: string;
  readonly state: ServiceState;
  readonly pid: number | null;
  readonly pids: readonly number[];
  readonly cpuPercent: number;
  /** CPU time of the current process group (user + system), reset when the service restarts. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly uptimeMs: number;
  readonly restarts: number;
  readonly lastExit: LastExit | null;
}

export interface MeasuredInstance {
  readonly name: string;
  readonly state: ServiceState;
  readonly pgid: number | null;
  readonly pid: number | null;
  readonly startedAt: number | null;
  readonly restarts: number;
  readonly lastExit: LastExit | null;
}

export class StatsReader {
  readonly #samples = new Map<string, { at: number; cpu: number }>();

  read(instances: readonly MeasuredInstance[], now: number): ServiceStats[] {
    const live = (i: MeasuredInstance) => i.pgid !== null && i.pid !== null;
    const groups = groupStats(instances.flatMap((i) => (live(i) && i.pgid !== null ? [i.pgid] : [])));
    return instances.map((i) => {
      const g = live(i) && i.pgid !== null ? groups.get(i.pgid) : undefined;
      const cpu = g?.cpuSeconds ?? 0;
      const prev = this.#samples.get(i.name);
      const since = prev && prev.cpu <= cpu ? prev : { at: i.startedAt ?? now, cpu: 0 };
      const elapsed = (now - since.at) / 1000;
      if (g) this.#samples.set(i.name, { at: now, cpu });
      return {
        name: i.name,
        state: i.state,
        pid: i.pid,
        pids: g?.pids ?? [],
        cpuPercent: g && elapsed > 0 ? Math.round(((cpu - since.cpu) / elapsed) * 1000) / 10 : 0,
        cpuSeconds: cpu,
        rssBytes: g?.rssBytes ?? 0,
        uptimeMs: i.pid !== null && i.startedAt !== null ? Math.max(0, now - i.startedAt) : 0,
        restarts: i.restarts,
        lastExit: i.lastExit,
      };
    });
  }

  forget(name: string): void {
    this.#samples.delete(name);
  }
}
