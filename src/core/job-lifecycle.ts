/**
 * A job run's lifecycle as one pure table, Kubernetes' Job semantics: (run, event, context) →
 * next run and effects, carried out by job-run.ts, which decides nothing itself. Pods start
 * until `completions` have succeeded, never more than `parallelism` at once; a failure is
 * retried after a back-off that doubles each time; past `backoff_limit` failures, or past the
 * deadline, the run is Failed and its pods are stopped. Indexed runs complete each index once.
 */
import { unreachable } from './errors.ts';
import { type JobPhase, type JobSpec, maxBackoffMs } from './job-spec.ts';

export interface JobRunState {
  readonly phase: JobPhase;
  readonly reason: string | null;
  readonly succeeded: number;
  readonly failed: number;
  /** Indexes that succeeded (Indexed), or 0..succeeded-1. */
  readonly done: ReadonlySet<number>;
  /** Indexes with a pod now. */
  readonly running: ReadonlySet<number>;
  readonly nextIndex: number;
  /** No pod starts before this (the back-off after a failure). */
  readonly notBefore: number;
  readonly started: number;
}

export type JobRunEvent =
  | { readonly type: 'begin' }
  | { readonly type: 'pre-start-done'; readonly ok: boolean; readonly why?: string }
  | { readonly type: 'pod-ended'; readonly index: number; readonly ok: boolean; readonly why?: string }
  | { readonly type: 'fill-due' }
  | { readonly type: 'deadline' }
  | { readonly type: 'stop'; readonly reason: string };

export type JobRunEffect =
  | { readonly type: 'arm-deadline'; readonly ms: number }
  | { readonly type: 'run-hooks'; readonly phase: 'pre_start' | 'post_start' }
  | { readonly type: 'start-pod'; readonly index: number }
  | { readonly type: 'note'; readonly text: string }
  | { readonly type: 'schedule-fill'; readonly ms: number }
  /** pre_stop hooks, then the stop signal to every pod (SIGKILL after stop_timeout). */
  | { readonly type: 'stop-pods' }
  | { readonly type: 'cancel-timers' }
  /** post_stop hooks, then the run is over. */
  | { readonly type: 'wrap-up' };

export interface JobStep {
  readonly next: JobRunState;
  readonly effects: readonly JobRunEffect[];
}

export type JobLifecycleSpec = Pick<
  JobSpec,
  'parallelism' | 'completions' | 'completionMode' | 'backoffLimit' | 'backoffDelayMs' | 'activeDeadlineMs'
>;

export const initialJobRun: JobRunState = {
  phase: 'Pending',
  reason: null,
  succeeded: 0,
  failed: 0,
  done: new Set(),
  running: new Set(),
  nextIndex: 0,
  notBefore: 0,
  started: 0,
};

export function isFinished(phase: JobPhase): boolean {
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Starts pods up to `parallelism`, or waits out the back-off. */
function fill(s: JobRunState, spec: JobLifecycleSpec, now: number): JobStep {
  if (now < s.notBefore) return { next: s, effects: [{ type: 'schedule-fill', ms: s.notBefore - now }] };
  const running = new Set(s.running);
  let nextIndex = s.nextIndex;
  const effects: JobRunEffect[] = [];
  const pending = (): number | null => {
    if (spec.completionMode === 'Indexed') {
      for (let i = 0; i < spec.completions; i++) if (!s.done.has(i) && !running.has(i)) return i;
      return null;
    }
    return s.succeeded + running.size < spec.completions ? nextIndex++ : null;
  };
  while (running.size < spec.parallelism) {
    const index = pending();
    if (index === null) break;
    running.add(index);
    effects.push({ type: 'start-pod', index });
  }
  const started = s.started + effects.length;
  // a job's post_start runs once its first pod is up
  if (s.started === 0 && started > 0) effects.push({ type: 'run-hooks', phase: 'post_start' });
  return { next: { ...s, running, nextIndex, started }, effects };
}

function finish(s: JobRunState, phase: JobPhase, reason: string | null): JobStep {
  const next = { ...s, phase, reason };
  const effects: JobRunEffect[] = [{ type: 'cancel-timers' }];
  return { next, effects: [...effects, s.running.size ? { type: 'stop-pods' } : { type: 'wrap-up' }] };
}

export function jobTransition(
  s: JobRunState,
  e: JobRunEvent,
  ctx: { readonly spec: JobLifecycleSpec; readonly now: number },
): JobStep {
  const nop = { next: s, effects: [] };
  const { spec, now } = ctx;
  switch (e.type) {
    case 'begin': {
      const deadline = spec.activeDeadlineMs;
      return {
        next: s,
        effects: [
          ...(deadline !== null ? [{ type: 'arm-deadline', ms: deadline } as const] : []),
          { type: 'run-hooks', phase: 'pre_start' },
        ],
      };
    }
    case 'pre-start-done':
      if (isFinished(s.phase)) return nop;
      if (!e.ok) return finish(s, 'Failed', `HookFailed: ${e.why ?? 'pre_start failed'}`);
      return fill({ ...s, phase: 'Running' }, spec, now);
    case 'pod-ended': {
      const running = new Set(s.running);
      running.delete(e.index);
      const after = { ...s, running };
      if (isFinished(s.phase)) return { next: after, effects: running.size ? [] : [{ type: 'wrap-up' }] };
      const note: JobRunEffect[] = e.why
        ? [{ type: 'note', text: `pod ${e.index} could not start: ${e.why}` }]
        : [];
      if (e.ok && !s.done.has(e.index)) {
        const done = new Set(s.done).add(e.index);
        const next = { ...after, succeeded: s.succeeded + 1, done };
        if (next.succeeded >= spec.completions) return finish(next, 'Succeeded', null);
        return fill(next, spec, now);
      }
      if (e.ok) return fill(after, spec, now);
      const failed = s.failed + 1;
      if (failed > spec.backoffLimit) {
        const step = finish({ ...after, failed }, 'Failed', 'BackoffLimitExceeded');
        return { ...step, effects: [...note, ...step.effects] };
      }
      const delay = Math.min(maxBackoffMs, spec.backoffDelayMs * 2 ** (failed - 1));
      const step = fill({ ...after, failed, notBefore: now + delay }, spec, now);
      return { ...step, effects: [...note, ...step.effects] };
    }
    case 'fill-due':
      return isFinished(s.phase) || s.phase === 'Pending' ? nop : fill(s, spec, now);
    case 'deadline':
      return isFinished(s.phase) ? nop : finish(s, 'Failed', 'DeadlineExceeded');
    case 'stop':
      return isFinished(s.phase) ? nop : finish(s, 'Failed', e.reason);
    default:
      return unreachable(e);
  }
}
