/**
 * How a start, restart or add waits when asked to tell what happened: until each instance is
 * up (ready), has ended, has crashed (its first exit), or was held for a requirement; then,
 * for an instance with no readiness check, a short settle in which an exit still counts as
 * the outcome (PM2's min_uptime plays the same part). The kernel decides every state; this
 * only watches.
 */
import { TendError } from '../core/errors.ts';
import type { ServiceState } from '../core/lifecycle.ts';
import type { Supervisor } from '../core/supervisor.ts';

/** States that answer "what happened": up, ended, crashed (waiting to restart), or held at rest. */
const decided: readonly ServiceState[] = ['running', 'exited', 'failed', 'backoff', 'inactive'];

export interface OutcomeOptions {
  /** At most this long for the instances to be decided (TEND_TIMEOUT after it). */
  readonly waitMs: number;
  /** Then this long more for an instance without a readiness check that has just started. */
  readonly settleMs: number;
}

export async function awaitOutcome(
  sup: Supervisor,
  names: readonly string[],
  { waitMs, settleMs }: OutcomeOptions,
): Promise<void> {
  if (names.length === 0) return;
  // resolved once: checked at every event, a lookup by name over every instance would make a
  // start of N instances cost N² per event
  const runners = sup.select(names);
  const allDecided = () => runners.every((r) => decided.includes(r.state));
  const what = `${names.join(', ')} to start`;
  const end = Date.now() + waitMs;
  /**
   * `until` sees the states while an event is being told, before what it sets off (a
   * dependent stopped for it) has happened; decided means decided once that is done too.
   */
  const untilDecided = async () => {
    do await until(sup, allDecided, end - Date.now(), what);
    while (!allDecided());
  };
  await untilDecided();
  if (settleMs <= 0) return;
  const now = sup.clock.now();
  // only an instance that came up just now is watched: one running for hours has settled
  const fresh = runners.filter(
    (r) =>
      r.state === 'running' && r.startedAt !== null && now - r.startedAt < settleMs && r.spec.ready === null,
  );
  if (fresh.length === 0) return;
  const deadline = Math.max(...fresh.map((r) => (r.startedAt ?? now) + settleMs));
  const left = () => fresh.every((r) => r.state !== 'running');
  // the settle ends early when every watched instance has left running; otherwise at its end
  await until(sup, left, deadline - now, '').catch((e: unknown) => {
    if (!(e instanceof TendError && e.code === 'TEND_TIMEOUT')) throw e;
  });
  // one that left running is on its way somewhere (stopped for a requirement, restarting):
  // where it lands is the outcome
  await untilDecided();
}

/** Resolves when `done()` holds, checked at each event; TEND_TIMEOUT after `ms`. */
function until(sup: Supervisor, done: () => boolean, ms: number, what: string): Promise<void> {
  if (done()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const finish = (error?: TendError) => {
      off();
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const off = sup.events.add(() => {
      if (done()) finish();
    });
    const timer = setTimeout(() => finish(new TendError('TEND_TIMEOUT', { ms, what })), Math.max(0, ms));
  });
}
