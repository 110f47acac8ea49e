/**
 * The last schedule time of each cron job, saved so that a run missed while tend was down
 * can start when tend comes back (within its starting deadline). Written at most once a
 * second; losing the last write only means one fewer catch-up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { writePrivateFile } from '../process/write-private.ts';
import { type StateReport, StateSaver } from './state-saver.ts';

export class CronState {
  readonly #file: string;
  #times: Record<string, number> | null = null;
  #pending: NodeJS.Timeout | null = null;
  readonly #saver: StateSaver;

  constructor(stateDir: string, report?: StateReport) {
    this.#file = path.join(stateDir, 'cron.json');
    this.#saver = new StateSaver(
      this.#file,
      () => writePrivateFile(this.#file, JSON.stringify(this.#times)),
      report,
    );
  }

  load(): Record<string, number> {
    if (this.#times) return this.#times;
    try {
      const data = JSON.parse(readFileSync(this.#file, 'utf8')) as unknown;
      this.#times = data && typeof data === 'object' ? (data as Record<string, number>) : {};
    } catch {
      this.#times = {};
    }
    return this.#times;
  }

  set(name: string, at: number): void {
    this.load()[name] = at;
    this.#pending ??= setTimeout(() => this.#save(), 1000).unref();
  }

  #save(): void {
    this.#pending = null;
    this.#saver.save();
  }
}
