/**
 * The restart policy as a pure function: given how a run ended and the restarts so far,
 * decide between restarting (after which delay), exited and failed. No restart storms:
 * delays grow exponentially up to a cap, and `max_restarts` within `restart_window` gives up.
 */
import type { Landing } from './lifecycle.ts';
import type { ServiceSpec } from './service-spec.ts';

export interface RestartHistory {
  /** When each restart within the window was scheduled (ms since the epoch). */
  readonly times: readonly number[];
  /** Restarts since the service last stayed up for the backoff cap; the backoff exponent. */
  readonly consecutive: number;
}

export const emptyHistory: RestartHistory = { times: [], consecutive: 0 };

export interface RunEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** How long the run lasted; a long run resets the backoff. */
  readonly ranMs: number;
  /** A health or start timeout failure: never a success whatever the exit code. */
  readonly forcedFailure?: boolean;
}

export type PolicySpec = Pick<
  ServiceSpec,
  'restart' | 'successExitCodes' | 'restartDelayMs' | 'backoff' | 'maxRestarts' | 'restartWindowMs'
>;

export function isSuccess(spec: Pick<ServiceSpec, 'successExitCodes'>, end: RunEnd): boolean {
  return (
    !end.forcedFailure && end.signal === null && end.code !== null && spec.successExitCodes.includes(end.code)
  );
}

export function restartDelay(spec: PolicySpec, consecutive: number): number {
  if (!spec.backoff) return spec.restartDelayMs;
  return Math.min(spec.restartDelayMs * spec.backoff.factor ** consecutive, spec.backoff.maxDelayMs);
}

export function decideRestart(
  spec: PolicySpec,
  history: RestartHistory,
  end: RunEnd,
  now: number,
): { verdict: Landing; history: RestartHistory } {
  const ok = isSuccess(spec, end);
  const wanted = spec.restart === 'always' || (spec.restart === 'on-failure' && !ok);
  if (!wanted) {
    const verdict: Landing = ok
      ? { kind: 'exited' }
      : { kind: 'failed', why: `not restarted (restart = "${spec.restart}")` };
    return { verdict, history };
  }
  const times = history.times.filter((t) => now - t < spec.restartWindowMs);
  if (spec.maxRestarts !== null && times.length >= spec.maxRestarts) {
    const window = Math.round(spec.restartWindowMs / 1000);
    return {
      verdict: { kind: 'failed', why: `gave up after ${times.length} restarts within ${window}s` },
      history: { ...history, times },
    };
  }
  const stable = spec.backoff !== null && end.ranMs >= spec.backoff.maxDelayMs;
  const consecutive = stable ? 0 : history.consecutive;
  const delayMs = restartDelay(spec, consecutive);
  return {
    verdict: { kind: 'restart', delayMs, attempt: times.length + 1 },
    history: { times: [...times, now], consecutive: consecutive + 1 },
  };
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `killed by ${signal}`;
  return `exited with code ${code ?? 'unknown'}`;
}
