/**
 * Feedback for actions: what was done, or the error tend gave, announced to screen readers
 * (a status region for success, an alert for a refusal) and kept until the next one.
 */
import { describeError } from './api.ts';
import { Observable } from './observable.ts';

export interface Notice {
  readonly id: number;
  readonly kind: 'ok' | 'error' | 'busy';
  readonly text: string;
}

export const notice = new Observable<Notice | null>(null);
let next = 1;

/** Runs an action with feedback: "…" while it runs, then what it did or why it was refused. */
export async function act<T>(label: string, run: () => Promise<T>, done: (r: T) => string): Promise<boolean> {
  const id = next++;
  notice.set({ id, kind: 'busy', text: `${label}…` });
  try {
    const result = await run();
    notice.set({ id, kind: 'ok', text: done(result) });
    return true;
  } catch (e) {
    notice.set({ id, kind: 'error', text: `${label} failed: ${describeError(e)}` });
    return false;
  }
}
