import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decideRestart, emptyHistory, type RestartHistory, restartDelay } from './restart-policy.ts';
import { serviceDefaults } from './service-spec.ts';

const spec = {
  restart: 'on-failure' as const,
  successExitCodes: [0],
  restartDelayMs: 100,
  backoff: { factor: 2, maxDelayMs: 1000 },
  maxRestarts: 3,
  restartWindowMs: 60_000,
};
const fail = { code: 1, signal: null, ranMs: 10 };

test('backoff doubles from restart_delay up to the cap', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((n) => restartDelay(spec, n)),
    [100, 200, 400, 800, 1000, 1000],
  );
  assert.equal(restartDelay({ ...spec, backoff: null }, 5), 100);
});

test('on-failure restarts a failure and not a success code', () => {
  assert.equal(decideRestart(spec, emptyHistory, fail, 0).verdict.kind, 'restart');
  assert.equal(
    decideRestart(spec, emptyHistory, { code: 0, signal: null, ranMs: 5 }, 0).verdict.kind,
    'exited',
  );
  const custom = { ...spec, successExitCodes: [0, 3] };
  assert.equal(
    decideRestart(custom, emptyHistory, { code: 3, signal: null, ranMs: 5 }, 0).verdict.kind,
    'exited',
  );
});

test('a signal is never a success', () => {
  assert.equal(
    decideRestart(spec, emptyHistory, { code: null, signal: 'SIGKILL', ranMs: 5 }, 0).verdict.kind,
    'restart',
  );
});

test('always restarts a success; never restarts nothing', () => {
  const ok = { code: 0, signal: null, ranMs: 5 };
  assert.equal(decideRestart({ ...spec, restart: 'always' }, emptyHistory, ok, 0).verdict.kind, 'restart');
  const never = decideRestart({ ...spec, restart: 'never' }, emptyHistory, fail, 0).verdict;
  assert.deepEqual(never, { kind: 'failed', why: 'not restarted (restart = "never")' });
  assert.equal(decideRestart({ ...spec, restart: 'never' }, emptyHistory, ok, 0).verdict.kind, 'exited');
});

test('max_restarts within the window gives up after exactly that many restarts, with growing delays', () => {
  let history: RestartHistory = emptyHistory;
  const delays: number[] = [];
  let now = 0;
  for (;;) {
    const d = decideRestart(spec, history, fail, now);
    history = d.history;
    if (d.verdict.kind !== 'restart') {
      assert.deepEqual(d.verdict, { kind: 'failed', why: 'gave up after 3 restarts within 60s' });
      break;
    }
    delays.push(d.verdict.delayMs);
    now += d.verdict.delayMs + 10;
  }
  assert.deepEqual(delays, [100, 200, 400]);
  assert.equal(history.times.length, 3);
});

test('restarts older than the window no longer count', () => {
  const history: RestartHistory = { times: [0, 1, 2], consecutive: 3 };
  const d = decideRestart(spec, history, fail, 61_000);
  assert.equal(d.verdict.kind, 'restart');
});

test('a run that lasted the backoff cap resets the delay', () => {
  const history: RestartHistory = { times: [], consecutive: 4 };
  const d = decideRestart(spec, history, { code: 1, signal: null, ranMs: 1000 }, 0);
  assert.deepEqual(d.verdict, { kind: 'restart', delayMs: 100, attempt: 1 });
});

test('no max_restarts means no limit', () => {
  const history: RestartHistory = { times: Array.from({ length: 50 }, () => 0), consecutive: 0 };
  assert.equal(decideRestart({ ...spec, maxRestarts: null }, history, fail, 1).verdict.kind, 'restart');
});

test('defaults restart on failure with backoff and a limit', () => {
  assert.equal(serviceDefaults.restart, 'on-failure');
  assert.ok(serviceDefaults.maxRestarts > 0);
});
