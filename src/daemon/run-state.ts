/**
 * What tend needs to find its services again after it was killed: each live instance's PID,
 * the PID's start time (so a reused PID is never adopted), when it started and how often it
 * was restarted. Written (write + rename) at most once per turn of the event loop.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { RestartCause } from '../core/lifecycle.ts';
import type { LastExit } from '../core/service-runner.ts';
import { readStat } from '../process/proc.ts';
import { writePrivateFile } from '../process/write-private.ts';
import { checkStateFormat, formatFields } from './state-format.ts';
import { type StateReport, StateSaver } from './state-saver.ts';

export interface RunRecord {
  /** 0 for an instance with no process at a hot restart: only its counters carry over. */
  readonly pid: number;
  readonly startTicks: number;
  readonly startedAt: number;
  readonly restarts: number;
  readonly restartsByCause?: Partial<Record<RestartCause, number>>;
  readonly lastRestart?: { readonly cause: RestartCause; readonly at: number } | null;
  readonly lastExit?: LastExit | null;
  /** With pid 0: it was waiting to restart, so the new image starts it. */
  readonly resume?: boolean;
  /**
   * With pid 0: it completed (or failed) and stays so; or a user stopped it (inactive), or it
   * was stopped for a requirement a user stopped (inactive, held), and it stays stopped.
   */
  readonly ended?: {
    readonly state: 'exited' | 'failed' | 'inactive';
    readonly reason: string;
    readonly held?: boolean;
  };
}

export class RunState {
  readonly file: string;
  #records: Record<string, RunRecord> = {};
  #scheduled = false;
  readonly #unresolved = new Set<string>();
  readonly #saver: StateSaver;

  constructor(stateDir: string, report?: StateReport) {
    this.file = path.join(stateDir, 'run.json');
    this.#saver = new StateSaver(this.file, () => this.#write(), report);
  }

  /** The records a previous tend left; an unreadable file counts as none, another format is refused. */
  load(): Map<string, RunRecord> {
    let data: { services?: Record<string, RunRecord> };
    try {
      data = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return new Map();
    }
    checkStateFormat(this.file, data);
    return new Map(Object.entries(data.services ?? {}));
  }

  /** `startTicks: null`: read from /proc when the state is written. */
  set(name: string, record: (Omit<RunRecord, 'startTicks'> & { startTicks: number | null }) | null): void {
    if (record) {
      this.#records[name] = { ...record, startTicks: record.startTicks ?? 0 };
      if (record.startTicks === null) this.#unresolved.add(name);
    } else delete this.#records[name];
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => this.flush());
  }

  flush(): void {
    this.#scheduled = false;
    for (const name of this.#unresolved) {
      const r = this.#records[name];
      if (r) this.#records[name] = { ...r, startTicks: readStat(r.pid)?.startTicks ?? 0 };
    }
    this.#unresolved.clear();
    this.#saver.save();
  }

  #write(): void {
    writePrivateFile(this.file, JSON.stringify({ ...formatFields(), services: this.#records }));
  }

  /** Every record at once, written now (before tend re-executes itself); a failure throws. */
  replace(records: Record<string, RunRecord>): void {
    this.#records = { ...records };
    this.#unresolved.clear();
    this.#write();
  }

  /**
   * After a clean shutdown nothing runs: nothing to adopt. With `keepStopped`, what a user
   * stopped (and what was held for it) is kept, to stay stopped in the next tend.
   */
  clear({ keepStopped = false } = {}): void {
    const kept = Object.entries(this.#records).filter(
      ([, r]) => keepStopped && r.ended?.state === 'inactive',
    );
    this.#records = Object.fromEntries(kept);
    this.#unresolved.clear();
    if (kept.length) this.flush();
    else rmSync(this.file, { force: true });
  }
}
