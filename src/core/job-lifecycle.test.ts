import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  initialJobRun,
  isFinished,
  type JobLifecycleSpec,
  type JobRunState,
  jobTransition,
} from './job-lifecycle.ts';

const specArb: fc.Arbitrary<JobLifecycleSpec> = fc.record({
  parallelism: fc.integer({ min: 1, max: 4 }),
  completions: fc.integer({ min: 1, max: 8 }),
  completionMode: fc.constantFrom('NonIndexed', 'Indexed'),
  backoffLimit: fc.integer({ min: 0, max: 4 }),
  backoffDelayMs: fc.constant(100),
  activeDeadlineMs: fc.constant(null),
});

test('a job run keeps Kubernetes semantics over any outcome of its pods', () => {
  fc.assert(
    fc.property(specArb, fc.array(fc.boolean(), { maxLength: 60 }), (spec, outcomes) => {
      let now = 0;
      let s: JobRunState = jobTransition(initialJobRun, { type: 'begin' }, { spec, now }).next;
      s = jobTransition(s, { type: 'pre-start-done', ok: true }, { spec, now }).next;
      const completedTimes = new Map<number, number>();
      let wrapped = 0;
      for (const ok of outcomes) {
        if (isFinished(s.phase) && s.running.size === 0) break;
        if (s.running.size === 0) {
          // waiting out the back-off: time passes, the table fills again
          now = s.notBefore;
          s = jobTransition(s, { type: 'fill-due' }, { spec, now }).next;
          continue;
        }
        const index = [...s.running][0] ?? 0;
        const step = jobTransition(s, { type: 'pod-ended', index, ok }, { spec, now });
        if (ok && !s.done.has(index) && !isFinished(s.phase))
          completedTimes.set(index, (completedTimes.get(index) ?? 0) + 1);
        wrapped += step.effects.filter((e) => e.type === 'wrap-up').length;
        s = step.next;
        assert.ok(s.running.size <= spec.parallelism, 'never more than parallelism pods');
        now += 10;
      }
      if (s.phase === 'Succeeded') assert.equal(s.succeeded, spec.completions);
      if (s.reason === 'BackoffLimitExceeded') assert.equal(s.failed, spec.backoffLimit + 1);
      if (!isFinished(s.phase)) assert.ok(s.succeeded < spec.completions && s.failed <= spec.backoffLimit);
      if (spec.completionMode === 'Indexed')
        for (const [i, n] of completedTimes)
          assert.ok(n === 1 && i < spec.completions, `index ${i} completed once`);
      assert.ok(wrapped <= 1, 'the run wraps up once');
    }),
    { numRuns: 1000 },
  );
});

test('a deadline or a stop while pre_start hooks run ends the run Failed, with nothing to stop', () => {
  const spec: JobLifecycleSpec = {
    parallelism: 2,
    completions: 3,
    completionMode: 'NonIndexed',
    backoffLimit: 1,
    backoffDelayMs: 100,
    activeDeadlineMs: 1000,
  };
  const begun = jobTransition(initialJobRun, { type: 'begin' }, { spec, now: 0 });
  assert.deepEqual(
    begun.effects.map((e) => e.type),
    ['arm-deadline', 'run-hooks'],
  );
  const late = jobTransition(begun.next, { type: 'deadline' }, { spec, now: 1000 });
  assert.equal(late.next.phase, 'Failed');
  assert.equal(late.next.reason, 'DeadlineExceeded');
  assert.deepEqual(
    late.effects.map((e) => e.type),
    ['cancel-timers', 'wrap-up'],
  );
  const hooksAfter = jobTransition(late.next, { type: 'pre-start-done', ok: true }, { spec, now: 1001 });
  assert.deepEqual(hooksAfter.effects, [], 'a finished run starts no pod');
  const failedHook = jobTransition(
    begun.next,
    { type: 'pre-start-done', ok: false, why: 'migrate failed' },
    { spec, now: 1 },
  );
  assert.equal(failedHook.next.reason, 'HookFailed: migrate failed');
});
