import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type Effect,
  IllegalTransition,
  initialLifecycle,
  type Lifecycle,
  type LifecycleSpec,
  type ServiceEvent,
  type StepContext,
  serviceEventTypes,
  transition,
} from './lifecycle.ts';
import { serviceDefaults } from './service-spec.ts';

const spec: LifecycleSpec = { ...serviceDefaults, startTimeoutMs: null, hooks: { pre_start: [] } };
const ctx: StepContext = { spec, now: 1_700_000_000_000 };
const withHooks: StepContext = { spec: { ...spec, hooks: { pre_start: [{}] } }, now: ctx.now };

const sample: Record<(typeof serviceEventTypes)[number], ServiceEvent> = {
  start: { type: 'start', awaiting: false },
  stop: { type: 'stop' },
  restart: { type: 'restart', awaiting: false, cause: 'requested' },
  'deps-changed': { type: 'deps-changed', awaiting: false },
  'dep-lost': { type: 'dep-lost', failed: true, why: 'dependency db failed' },
  'hooks-done': { type: 'hooks-done' },
  'hooks-failed': { type: 'hooks-failed', why: 'pre_start hook "migrate" failed' },
  'spawn-failed': { type: 'spawn-failed', why: 'ENOENT', awaiting: false },
  ready: { type: 'ready', how: 'tcp 127.0.0.1:80: open' },
  'start-timeout': { type: 'start-timeout' },
  exited: { type: 'exited', code: 1, signal: null, ranMs: 10 },
  'health-failed': { type: 'health-failed', why: 'http 500' },
  'post-start-failed': { type: 'post-start-failed', why: 'post_start hook "warm" failed' },
  'stop-timeout': { type: 'stop-timeout' },
  'group-gone': { type: 'group-gone', awaiting: false },
  'backoff-elapsed': { type: 'backoff-elapsed', awaiting: false },
  adopted: { type: 'adopted', pid: 42 },
  restored: { type: 'restored', state: 'exited', reason: 'exited with code 0' },
};

// The expected table, written independently of the implementation. Columns follow
// serviceEventTypes: start stop restart deps-changed dep-lost hooks-done hooks-failed
// spawn-failed ready start-timeout exited health-failed post-start-failed stop-timeout
// group-gone backoff-elapsed adopted restored. "-" is a no-op, "!" a bug (rejected).
// A row names a state, with its variant in brackets: (hooks) is starting while pre_start
// hooks run, (restart) stopping to start again, (held) resting for a requirement.
const rows: [string, Lifecycle, StepContext, string][] = [
  ['inactive', at('inactive'), ctx, 'starting - starting - - ! ! ! ! ! ! ! - ! ! ! running exited'],
  [
    'inactive (held)',
    at('inactive', { hold: true }),
    ctx,
    'starting inactive starting starting - ! ! ! ! ! ! ! - ! ! ! running exited',
  ],
  ['blocked', at('blocked'), ctx, '- inactive starting starting failed ! ! ! ! ! ! ! - ! ! ! ! !'],
  [
    'starting',
    at('starting'),
    ctx,
    '- stopping stopping - stopping ! ! failed running stopping backoff ! - ! ! ! ! !',
  ],
  [
    'starting (hooks)',
    at('starting', { hooking: true }),
    withHooks,
    '- inactive starting - failed starting failed ! ! ! ! ! - ! ! ! ! !',
  ],
  [
    'running',
    at('running'),
    ctx,
    '- stopping stopping - stopping ! ! ! - ! backoff stopping stopping ! ! ! ! !',
  ],
  [
    'stopping',
    at('stopping', { intent: 'stop' }),
    ctx,
    'stopping - stopping - - ! ! inactive ! ! stopping ! - stopping inactive ! ! !',
  ],
  [
    'stopping (restart)',
    at('stopping', { intent: 'restart' }),
    ctx,
    '- stopping stopping - stopping ! ! starting ! ! stopping ! - stopping starting ! ! !',
  ],
  ['backoff', at('backoff'), ctx, 'starting inactive starting - failed ! ! ! ! ! ! ! - ! ! starting ! !'],
  ['exited', at('exited'), ctx, 'starting inactive starting - - ! ! ! ! ! ! ! - ! ! ! ! !'],
  ['failed', at('failed'), ctx, 'starting inactive starting - - ! ! ! ! ! ! ! - ! ! ! ! !'],
  [
    'failed (held)',
    at('failed', { hold: true }),
    ctx,
    'starting inactive starting starting - ! ! ! ! ! ! ! - ! ! ! ! !',
  ],
];

function at(state: Lifecycle['state'], patch: Partial<Lifecycle> = {}): Lifecycle {
  return { ...initialLifecycle, state, ...patch };
}

function types(effects: readonly Effect[]): string[] {
  return effects.map((e) => e.type);
}

describe('lifecycle table', () => {
  for (const [label, from, context, expected] of rows) {
    const row = expected.split(' ');
    assert.equal(row.length, serviceEventTypes.length, `row ${label} has a cell per event`);
    serviceEventTypes.forEach((type, i) => {
      const want = row[i];
      test(`${label} × ${type} → ${want === '-' ? 'no-op' : want === '!' ? 'rejected' : want}`, () => {
        const run = () => transition(from, sample[type], context);
        if (want === '!') {
          assert.throws(run, IllegalTransition);
          return;
        }
        const step = run();
        if (want === '-') assert.equal(step.kind, 'nop');
        else {
          assert.equal(step.kind, 'move');
          if (step.kind === 'move') assert.equal(step.next.state, want);
        }
      });
    });
  }
});

// `restored`'s variants, one row each, over the states of the grid above (in its order):
// what a previous tend recorded lands only on an instance at rest with no run (inactive, as
// every instance is when it is added); "(held)" starts again with
// its requirement. A user's stop is remembered as a plain inactive.
const restoredRows: [string, ServiceEvent, string][] = [
  ['exited', { type: 'restored', state: 'exited', reason: 'exited with code 0' }, 'exited'],
  ['failed', { type: 'restored', state: 'failed', reason: 'exited with code 1' }, 'failed'],
  [
    'inactive, stopped by a user',
    { type: 'restored', state: 'inactive', reason: 'stopped as requested' },
    'inactive',
  ],
  [
    'inactive, held for a requirement',
    { type: 'restored', state: 'inactive', reason: 'stopped: requires db', hold: true },
    'inactive(held)',
  ],
];

describe('lifecycle table: restored variants', () => {
  for (const [variant, event, lands] of restoredRows) {
    for (const [label, from, context] of rows) {
      const want = label.startsWith('inactive') ? lands : '!';
      test(`${label} × restored (${variant}) → ${want === '!' ? 'rejected' : want}`, () => {
        const run = () => transition(from, event, context);
        if (want === '!') {
          assert.throws(run, IllegalTransition);
          return;
        }
        const step = run();
        assert.ok(step.kind === 'move');
        const held = want.endsWith('(held)');
        assert.equal(step.next.state, want.replace('(held)', ''));
        assert.equal(step.next.hold, held);
        assert.deepEqual(step.effects, [], 'a restore starts nothing');
        assert.equal(step.reason, event.type === 'restored' ? event.reason : '');
      });
    }
  }
});

describe('lifecycle effects', () => {
  test('a start without dependencies spawns, for a restart cause the runner counts only after the first run', () => {
    const step = transition(initialLifecycle, { type: 'start', awaiting: false }, ctx);
    assert.ok(step.kind === 'move');
    assert.deepEqual(
      step.effects.find((e) => e.type === 'spawn'),
      { type: 'spawn', cause: 'requested' },
    );
  });

  test('a start that awaits dependencies is blocked and spawns nothing', () => {
    const step = transition(initialLifecycle, { type: 'start', awaiting: true }, ctx);
    assert.ok(step.kind === 'move');
    assert.equal(step.next.state, 'blocked');
    assert.ok(!step.effects.some((e) => e.type === 'spawn'));
  });

  test('pre_start hooks run before the process; the spawn comes when they are done', () => {
    const hooking = transition(initialLifecycle, { type: 'start', awaiting: false }, withHooks);
    assert.ok(hooking.kind === 'move' && hooking.next.hooking);
    assert.deepEqual(types(hooking.effects), ['cancel-timers', 'run-pre-start']);
    const done = transition(hooking.next, { type: 'hooks-done' }, withHooks);
    assert.ok(done.kind === 'move' && !done.next.hooking && done.effects.some((e) => e.type === 'spawn'));
  });

  test('a stop while pre_start hooks run abandons them, with no process to signal', () => {
    const step = transition(at('starting', { hooking: true }), { type: 'stop' }, withHooks);
    assert.ok(step.kind === 'move' && step.next.state === 'inactive');
    assert.deepEqual(types(step.effects), ['abandon-hooks', 'cancel-timers']);
  });

  test('a stop ends the watches, signals the group and arms the stop timeout', () => {
    const step = transition(at('running'), { type: 'stop' }, ctx);
    assert.ok(step.kind === 'move');
    assert.deepEqual(types(step.effects), ['cancel-timers', 'end-watch', 'signal-group', 'arm-stop-timeout']);
    assert.equal(step.next.intent, 'stop');
  });

  test('readiness cancels the start timeout, starts the liveness check and the post_start hooks', () => {
    const step = transition(at('starting'), { type: 'ready', how: 'no readiness check' }, ctx);
    assert.ok(step.kind === 'move');
    assert.deepEqual(types(step.effects), ['cancel-timers', 'start-health', 'run-post-start']);
    assert.equal(step.reason, 'running');
  });

  test('a start timeout is armed with the spawn when one is configured', () => {
    const timed: StepContext = { spec: { ...spec, startTimeoutMs: 5000 }, now: ctx.now };
    const step = transition(initialLifecycle, { type: 'start', awaiting: false }, timed);
    assert.ok(step.kind === 'move');
    assert.deepEqual(
      step.effects.find((e) => e.type === 'arm-start-timeout'),
      { type: 'arm-start-timeout', ms: 5000 },
    );
  });

  test('stop_timeout escalates to SIGKILL of the group', () => {
    const step = transition(at('stopping', { intent: 'stop' }), { type: 'stop-timeout' }, ctx);
    assert.ok(step.kind === 'move' && step.effects.some((e) => e.type === 'kill-group'));
  });

  test('an unexpected exit kills what is left of the group, runs post_stop, and schedules the restart', () => {
    const step = transition(at('running'), sample.exited, ctx);
    assert.ok(step.kind === 'move');
    assert.deepEqual(types(step.effects), [
      'kill-group',
      'end-watch',
      'run-post-stop',
      'cancel-timers',
      'schedule-restart',
    ]);
    assert.match(step.reason, /exited with code 1; restarting in 100ms/);
    assert.equal(step.next.cause, 'exit');
    assert.equal(step.next.history.times.length, 1, 'the policy remembers the restart');
  });

  test('the restart policy is the table: exits past max_restarts within the window end failed', () => {
    const strict: StepContext = { spec: { ...spec, maxRestarts: 1 }, now: ctx.now };
    const once = transition(at('running'), sample.exited, strict);
    assert.ok(once.kind === 'move' && once.next.state === 'backoff');
    const twice = transition({ ...once.next, state: 'running' }, sample.exited, strict);
    assert.ok(twice.kind === 'move' && twice.next.state === 'failed');
    assert.match(twice.reason, /gave up after 1 restarts/);
  });

  test('an exit the policy does not restart ends exited or failed', () => {
    const ok = transition(at('running'), { type: 'exited', code: 0, signal: null, ranMs: 10 }, ctx);
    assert.ok(ok.kind === 'move' && ok.next.state === 'exited');
    const never: StepContext = { spec: { ...spec, restart: 'never' }, now: ctx.now };
    const bad = transition(at('running'), sample.exited, never);
    assert.ok(bad.kind === 'move' && bad.next.state === 'failed');
    assert.match(bad.reason, /not restarted \(restart = "never"\)/);
  });

  test('a restart of a running service stops it, then starts it once the group is gone, with its cause', () => {
    const stopping = transition(
      at('running'),
      { type: 'restart', awaiting: false, cause: 'memory', why: 'max_memory' },
      ctx,
    );
    assert.ok(stopping.kind === 'move' && stopping.next.intent === 'restart');
    assert.match(stopping.reason, /restart requested: max_memory/);
    const gone = transition(stopping.next, { type: 'group-gone', awaiting: false }, ctx);
    assert.ok(gone.kind === 'move' && gone.next.state === 'starting');
    assert.deepEqual(
      gone.effects.find((e) => e.type === 'spawn'),
      { type: 'spawn', cause: 'memory' },
    );
    assert.ok(gone.effects.some((e) => e.type === 'run-post-stop'));
  });

  test('a health failure stops the service and then follows the verdict, counted as a health restart', () => {
    const stopping = transition(at('running'), sample['health-failed'], ctx);
    assert.ok(stopping.kind === 'move' && stopping.next.intent === 'fail');
    const gone = transition(stopping.next, { type: 'group-gone', awaiting: false }, ctx);
    assert.ok(gone.kind === 'move' && gone.next.state === 'backoff');
    const again = transition(gone.next, { type: 'backoff-elapsed', awaiting: false }, ctx);
    assert.deepEqual(again.kind === 'move' && again.effects.find((e) => e.type === 'spawn'), {
      type: 'spawn',
      cause: 'health',
    });
  });

  test('a requirement that fails stops a running service, which lands failed and held', () => {
    const stopping = transition(at('running'), sample['dep-lost'], ctx);
    assert.ok(stopping.kind === 'move' && stopping.next.intent === 'hold');
    const gone = transition(stopping.next, { type: 'group-gone', awaiting: false }, ctx);
    assert.ok(gone.kind === 'move' && gone.next.state === 'failed' && gone.next.hold);
    assert.equal(gone.reason, 'dependency db failed');
    const back = transition(gone.next, { type: 'deps-changed', awaiting: false }, ctx);
    assert.deepEqual(back.kind === 'move' && back.effects.find((e) => e.type === 'spawn'), {
      type: 'spawn',
      cause: 'dependency',
    });
  });

  test('a stop for a requirement going away holds; a user stop of a held service ends the hold', () => {
    const step = transition(
      at('running'),
      { type: 'stop', why: 'stopped: requires db, which is being stopped', hold: true },
      ctx,
    );
    assert.ok(step.kind === 'move');
    const gone = transition(step.next, { type: 'group-gone', awaiting: false }, ctx);
    assert.ok(gone.kind === 'move' && gone.next.state === 'inactive' && gone.next.hold);
    assert.match(gone.reason, /requires db/);
    const stillWaiting = transition(gone.next, { type: 'deps-changed', awaiting: true }, ctx);
    assert.equal(stillWaiting.kind, 'nop');
    const failedHeld = at('failed', { hold: true });
    const stopped = transition(failedHeld, { type: 'stop' }, ctx);
    assert.ok(stopped.kind === 'move' && !stopped.next.hold);
  });

  test('a stop requested during a restart wins', () => {
    const restarting = at('stopping', { intent: 'restart' });
    const step = transition(restarting, { type: 'stop' }, ctx);
    assert.ok(step.kind === 'move' && step.next.intent === 'stop');
    const gone = transition(
      step.kind === 'move' ? step.next : restarting,
      { type: 'group-gone', awaiting: false },
      ctx,
    );
    assert.ok(gone.kind === 'move' && gone.next.state === 'inactive');
  });

  test('a start requested while stopping turns the stop into a restart', () => {
    const step = transition(at('stopping', { intent: 'stop' }), sample.start, ctx);
    assert.ok(step.kind === 'move' && step.next.intent === 'restart');
  });

  test('a planned stop is not worded as a failure', () => {
    const step = transition(
      at('stopping', { intent: 'stop' }),
      { type: 'exited', code: null, signal: 'SIGTERM', ranMs: 5 },
      ctx,
    );
    assert.ok(step.kind === 'move');
    assert.match(step.reason, /^stopped by SIGTERM/);
    const gone = transition(step.next, { type: 'group-gone', awaiting: false }, ctx);
    assert.ok(gone.kind === 'move' && gone.reason === 'stopped as requested');
  });
});
