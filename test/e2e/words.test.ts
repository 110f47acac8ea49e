import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { spawnTend, startDaemon, tend, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

test('tend up tells a planned stop as one, with its signal and time, and a plain service as started', async (t) => {
  const e = testEnv(t);
  writeFileSync(path.join(e.dir, 'tend.toml'), '[services.web]\ncommand = "sleep 1000"\n');
  const up = spawnTend(e, ['up']);
  t.after(() => up.child.kill('SIGKILL'));
  await waitFor('web to start', () => /web started \(pid \d+\)/.test(up.output()));
  // once it answers, its Ctrl-C handler is in place
  await waitFor('tend up to answer', async () => (await tend(e, ['ping'])).code === 0);
  up.child.kill('SIGINT');
  assert.equal(await up.exited, 0);
  assert.match(up.output(), /tend +> web stopped as requested \(SIGTERM, after \d+(ms|\.\ds|s)\)/);
  assert.doesNotMatch(up.output(), /killed by|no readiness check|web is /);
});

test('tend stop says the stop was asked for, with its signal; status gives the reason, no failure', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  assert.equal((await tend(e, ['add', 'web', '--', 'sleep', '1000'])).code, 0);
  const running = await tend(e, ['status', 'web']);
  assert.doesNotMatch(running.stdout, /reason:|no readiness check/, 'a plain service is simply running');
  const stop = await tend(e, ['stop', 'web']);
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal(stop.stdout, 'web inactive: stopped as requested (SIGTERM)\n');
  const status = await tend(e, ['status', 'web']);
  assert.match(status.stdout, /^ {2}reason: {4}stopped as requested$/m);
  assert.doesNotMatch(status.stdout, /killed by|failed|crashed/);
});

test('every error, usage errors included, is "tend: what went wrong" then "hint: what to do"', async (t) => {
  const e = testEnv(t);
  for (const args of [
    ['status', '--bogus'],
    ['stauts'],
    ['add'],
    ['add', 'x', '-e', 'NOVALUE', '--', 'true'],
    ['ls'],
    ['logs', '--stream', 'both'],
  ]) {
    const r = await tend(e, args);
    assert.ok(r.code !== 0, args.join(' '));
    assert.match(r.stderr, /^tend: \S/, args.join(' '));
    assert.match(r.stderr, /\nhint: \S.*\n$/, args.join(' '));
    assert.doesNotMatch(r.stderr, /^error:/m, args.join(' '));
  }
  const usage = await tend(e, ['why']);
  assert.equal(usage.code, 2);
  assert.equal(
    usage.stderr,
    `tend: missing required argument 'name'\nhint: run "tend why --help" for usage\n`,
  );
});
