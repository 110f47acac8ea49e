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
  #failing = false;
  #retry: NodeJS.Timeout | null = null;
  #delayMs = firstRetryMs;

  constructor(file: string, write: () => void, report: StateReport = () => {}) {
    this.#file = file;
    this.#write = write;
    this.#report = report;
  }

  /** Writes now; when that fails, a retry is scheduled. */
  save(): void {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    try {
      this.#write();
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      if (!this.#failing) this.#report(new TendError('TEND_STATE_UNSAVED', { file: this.#file, why }));
      this.#failing = true;
      this.#retry = setTimeout(() => this.save(), this.#delayMs).unref();
      this.#delayMs = Math.min(this.#delayMs * 2, lastRetryMs);
      return;
    }
    if (this.#failing) this.#report(new TendError('TEND_STATE_SAVED', { file: this.#file }));
    this.#failing = false;
    this.#delayMs = firstRetryMs;
  }
}
