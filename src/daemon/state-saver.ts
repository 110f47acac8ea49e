/**
 * The save of one state file that a full disk or a lack of descriptors cannot turn into a
 * failed request or a dead tend: what is to be saved stays in memory, the failure is
 * reported once, and the save is tried again (after 1 s, doubling up to 30 s) until it
 * succeeds, which is reported too. A later save supersedes a pending retry.
 */
import { TendError } from '../core/errors.ts';

const firstRetryMs = 1000;
const lastRetryMs = 30_000;

export type StateReport = (problem: TendError) => void;

export class StateSaver {
  readonly #file: string;
  readonly #write: () => void;
  readonly #report: StateReport;
  #failing: string | null = null;
  #retry: NodeJS.Timeout | null = null;
  #delayMs = firstRetryMs;

  constructor(file: string, write: () => void, report: StateReport = () => {}) {
    this.#file = file;
    this.#write = write;
    this.#report = report;
  }

  /** Writes now; false when that failed and a retry is scheduled. */
  save(): boolean {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    try {
      this.#write();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (this.#failing === null)
        this.#report(new TendError('TEND_STATE_UNSAVED', { file: this.#file, why }));
      this.#failing = why;
      this.#retry = setTimeout(() => this.save(), this.#delayMs).unref();
      this.#delayMs = Math.min(this.#delayMs * 2, lastRetryMs);
      return false;
    }
    if (this.#failing !== null) this.#report(new TendError('TEND_STATE_SAVED', { file: this.#file }));
    this.#failing = null;
    this.#delayMs = firstRetryMs;
    return true;
  }

  /** Whether the file lags behind what is in memory. */
  get pending(): boolean {
    return this.#failing !== null;
  }
}
