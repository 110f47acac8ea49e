import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ExitVerdict,
  IllegalTransition,
  initialLifecycle,
  type Lifecycle,
  type ServiceEvent,
  type ServiceState,
  serviceEventTypes,
  serviceStates,
  transition,
} from './lifecycle.ts';

const restartVerdict: ExitVerdict = { kind: 'restart', delayMs: 100, attempt: 1 };

const sample: Record<(typeof serviceEventTypes)[number], ServiceEvent> = {
  start: { type: 'start', awaiting: false },
  stop: { type: 'stop' },
  restart: { type: 'restart', awaiting: false },
  'deps-met': { type: 'deps-met' },
  'dep-failed': { type: 'dep-failed', why: 'db failed' },
  'spawn-failed': { type: 'spawn-failed', why: 'ENOENT' },
  ready: { type: 'ready' },
  'start-timeout': { type: 'start-timeout', verdict: restartVerdict },
  exited: { type: 'exited', status: 'exited with code 1', verdict: restartVerdict },
  'health-failed': { type: 'health-failed', why: 'http 500', verdict: restartVerdict },
  'stop-timeout': { type: 'stop-timeout' },
  'group-gone': { type: 'group-gone', awaiting: false },
  'backoff-elapsed': { type: 'backoff-elapsed', awaiting: false },
  adopted: { type: 'adopted', pid: 42 },
};

// The expected table, written independently of the implementation. Columns follow
// serviceEventTypes: start stop restart deps-met dep-failed spawn-failed ready start-timeout
// exited health-failed stop-timeout group-gone backoff-elapsed adopted. "-" is a no-op, "!" a bug.
const expected: Record<ServiceState, string> = {
  inactive: 'starting - starting - - ! ! ! ! ! ! ! ! running',
  blocked: '- inactive starting starting failed ! ! ! ! ! ! ! ! !',
  starting: '- stopping stopping - - failed running stopping backoff - ! ! ! !',
  running: '- stopping stopping - - ! - ! backoff stopping ! ! ! !',
  stopping: 'stopping - stopping - - ! - ! stopping - stopping inactive ! !',
  backoff: 'starting inactive starting - - ! ! ! ! ! ! ! starting !',
  exited: 'starting inactive starting - - ! ! ! ! ! ! ! ! !',
  failed: 'starting inactive starting - - ! ! ! ! ! ! ! ! !',
};

function at(state: ServiceState): Lifecycle {
  return state === 'stopping' ? { state, intent: 'stop', pending: null } : { ...initialLifecycle, state };
}

describe('lifecycle table', () => {
  for (const state of serviceStates) {
    const row = expected[state].split(' ');
    serviceEventTypes.forEach((type, i) => {
      const want = row[i];
      test(`${state} × ${type} → ${want === '-' ? 'no-op' : want === '!' ? 'rejected' : want}`, () => {
        const run = () => transition(at(state), sample[type]);
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

describe('lifecycle effects', () => {
  test('a start without dependencies spawns', () => {
    const step = transition(initialLifecycle, { type: 'start', awaiting: false });
    assert.ok(step.kind === 'move' && step.effects.some((e) => e.type === 'spawn'));
  });

  test('a start that awaits dependencies is blocked and spawns nothing', () => {
    const step = transition(initialLifecycle, { type: 'start', awaiting: true });
    assert.ok(step.kind === 'move');
    assert.equal(step.next.state, 'blocked');
    assert.ok(!step.effects.some((e) => e.type === 'spawn'));
  });

  test('a stop signals the group and arms the stop timeout', () => {
    const step = transition(at('running'), { type: 'stop' });
    assert.ok(step.kind === 'move');
    assert.deepEqual(
      step.effects.map((e) => e.type),
      ['cancel-timers', 'signal-group', 'arm-stop-timeout'],
    );
    assert.equal(step.next.intent, 'stop');
  });

  test('stop_timeout escalates to SIGKILL of the group', () => {
    const step = transition(at('stopping'), { type: 'stop-timeout' });
    assert.ok(step.kind === 'move' && step.effects.some((e) => e.type === 'kill-group'));
  });

  test('an unexpected exit kills what is left of the group and schedules the restart', () => {
    const step = transition(at('running'), sample.exited);
    assert.ok(step.kind === 'move');
    assert.deepEqual(
      step.effects.map((e) => e.type),
      ['kill-group', 'cancel-timers', 'schedule-restart'],
    );
    assert.match(step.reason, /exited with code 1; restarting in 100ms/);
  });

  test('an exit the policy does not restart ends exited or failed', () => {
    const ok = transition(at('running'), {
      type: 'exited',
      status: 'exited with code 0',
      verdict: { kind: 'exited' },
    });
    assert.ok(ok.kind === 'move' && ok.next.state === 'exited');
    const bad = transition(at('running'), {
      type: 'exited',
      status: 'exited with code 1',
      verdict: { kind: 'failed', why: 'gave up after 3 restarts within 60s' },
    });
    assert.ok(bad.kind === 'move' && bad.next.state === 'failed');
    assert.match(bad.reason, /gave up after 3 restarts/);
  });

  test('a restart of a running service stops it, then starts it once the group is gone', () => {
    const stopping = transition(at('running'), { type: 'restart', awaiting: false });
    assert.ok(stopping.kind === 'move' && stopping.next.intent === 'restart');
    const gone = transition(stopping.next, { type: 'group-gone', awaiting: false });
    assert.ok(gone.kind === 'move' && gone.next.state === 'starting');
  });

  test('a health failure stops the service and then follows the verdict', () => {
    const stopping = transition(at('running'), sample['health-failed']);
    assert.ok(stopping.kind === 'move' && stopping.next.intent === 'fail');
    const gone = transition(stopping.next, { type: 'group-gone', awaiting: false });
    assert.ok(gone.kind === 'move' && gone.next.state === 'backoff');
  });

  test('a stop requested during a restart wins', () => {
    const restarting: Lifecycle = { state: 'stopping', intent: 'restart', pending: null };
    const step = transition(restarting, { type: 'stop' });
    assert.ok(step.kind === 'move' && step.next.intent === 'stop');
    const gone = transition(step.kind === 'move' ? step.next : restarting, {
      type: 'group-gone',
      awaiting: false,
    });
    assert.ok(gone.kind === 'move' && gone.next.state === 'inactive');
  });

  test('a start requested while stopping turns the stop into a restart', () => {
    const step = transition(at('stopping'), sample.start);
    assert.ok(step.kind === 'move' && step.next.intent === 'restart');
  });
});
