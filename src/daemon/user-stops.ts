/**
 * A user's stop is remembered: an instance stopped on request (the CLI, HTTP, a controller, a
 * script) stays stopped across restarts of tend, hot or not, until it is started again, as
 * PM2 keeps stopped apps stopped. The memory is a record in the run state, beside the live
 * PIDs; the instances held because a requirement they need was stopped get one too, so they
 * come back with it rather than pulling it up at the next bring-up.
 */
import type { ServiceStatus, Supervisor } from '../core/supervisor.ts';
import type { RunRecord, RunState } from './run-state.ts';

export class UserStops {
  readonly #names = new Set<string>();

  /** The instances a previous tend recorded as stopped by a user. */
  constructor(records: ReadonlyMap<string, RunRecord>) {
    for (const [name, r] of records)
      if (r.ended?.state === 'inactive' && !r.ended.held) this.#names.add(name);
  }

  /** Instances a user asked to stop (not those stopped with them for a requirement). */
  stopped(names: readonly string[]): void {
    for (const n of names) this.#names.add(n);
  }

  /** Started again, or removed: nothing to remember. */
  forget(name: string): void {
    this.#names.delete(name);
  }

  has(name: string): boolean {
    return this.#names.has(name);
  }

  /** The record that keeps an inactive instance so in the next tend, or null when nothing should. */
  restingRecord(s: ServiceStatus): RunRecord | null {
    if (s.state !== 'inactive' || !(this.#names.has(s.name) || s.held)) return null;
    return {
      pid: 0,
      startTicks: 0,
      startedAt: s.startedAt ?? s.since,
      restarts: s.restarts,
      restartsByCause: { ...s.restartsByCause },
      lastRestart: s.lastRestart,
      lastExit: s.lastExit,
      ended: { state: 'inactive', reason: s.reason, ...(this.#names.has(s.name) ? {} : { held: true }) },
    };
  }
}

/**
 * Keeps the run state's records of stopped instances: written when one comes to rest
 * stopped (and at once for one a user stops that rests already), dropped when it starts again
 * or is removed. A shutdown's own stops are not a user's and leave the records as they are.
 */
export function rememberUserStops(
  sup: Supervisor,
  runState: RunState,
  stops: UserStops,
): (names: readonly string[]) => void {
  const write = (name: string) => {
    const s = sup.status(name)[0];
    const record = s ? stops.restingRecord(s) : null;
    if (record) runState.set(name, record);
  };
  sup.events.add((e) => {
    if (e.type === 'removed') stops.forget(e.service);
    if (e.type !== 'state' || sup.closing) return;
    if (e.to === 'inactive') write(e.service);
    else if (e.to === 'starting' || e.to === 'blocked') {
      // on its way up again: a resting record (or an ended one) no longer says how it is
      stops.forget(e.service);
      runState.set(e.service, null);
    }
  });
  return (names) => {
    stops.stopped(names);
    for (const n of names) write(n);
  };
}
