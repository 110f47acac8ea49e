/**
 * Helpers for tests that drive a Supervisor in-process with real processes: one that is shut
 * down (and its groups killed) after the test, and waits on its events with a deadline.
 */
import type { TestContext } from 'node:test';
import type { Clock } from '../src/core/clock.ts';
import type { SupervisorEvent } from '../src/core/events.ts';
import { Supervisor } from '../src/core/supervisor.ts';

export function supervisor(t: TestContext, options: { clock?: Clock } = {}): Supervisor {
  const sup = new Supervisor(options);
  t.after(async () => {
    sup.killAll();
    await sup.shutdown({ timeoutMs: 5000 }).catch(() => sup.killAll());
  });
  return sup;
}

export function nextEvent(
  sup: Supervisor,
  match: (e: SupervisorEvent) => boolean,
  { timeoutMs = 10_000 } = {},
): Promise<SupervisorEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = sup.events.add((e) => {
      if (!match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Collects every event from now on, for assertions on order and reasons. */
export function record(t: TestContext, sup: Supervisor): SupervisorEvent[] {
  const seen: SupervisorEvent[] = [];
  t.after(sup.events.add((e) => seen.push(e)));
  return seen;
}

export const stateTo = (service: string, to: string) => (e: SupervisorEvent) =>
  e.type === 'state' && e.service === service && e.to === to;
