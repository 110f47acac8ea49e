import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

const stack = `[services.cache]
command = "sleep 1000"

[services.web]
command = "sleep 1001"
requires = ["cache"]

[services.other]
command = "sleep 1002"
`;

async function states(e: ReturnType<typeof testEnv>): Promise<Record<string, ServiceView>> {
  return Object.fromEntries((await tendJson<ServiceView[]>(e, ['ls'])).map((s) => [s.name, s]));
}

test('a stop is remembered across restarts of the daemon, for config and run-time services, until a start', async (t) => {
  const e = testEnv(t);
  const first = await daemonWithConfig(t, e, stack);
  assert.equal((await tend(e, ['add', 'extra', '--', 'sleep', '1003'])).code, 0);
  assert.equal((await tend(e, ['stop', 'cache', 'extra'])).code, 0);

  // a clean restart of the daemon (SIGTERM, as systemd does), then a new one on the same home
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0);
  await startDaemon(t, e, ['tend.toml']);
  const after = await states(e);
  assert.equal(after.other?.state, 'running');
  assert.equal(after.cache?.state, 'inactive');
  assert.equal(after.cache?.reason, 'stopped as requested');
  assert.equal(after.extra?.state, 'inactive', 'a service added at run time stays stopped too');
  // what requires cache was stopped with it, and waits for it rather than pulling it up
  assert.equal(after.web?.state, 'inactive');
  assert.equal(after.web?.held, true);

  // a start ends it: cache runs, web comes back with it
  const started = await tend(e, ['start', 'cache']);
  assert.equal(started.code, 0, started.stderr);
  await waitFor('web back with cache', async () => (await states(e)).web?.state === 'running');
  const run = JSON.parse(readFileSync(path.join(e.home, 'state', 'run.json'), 'utf8'));
  assert.equal(run.services.cache.ended, undefined, 'the record of the stop is gone');
  assert.equal(run.services.extra.ended.state, 'inactive');
});

test('a stop is remembered across a hot restart and a kill -9 of tend', async (t) => {
  const e = testEnv(t);
  const first = await daemonWithConfig(t, e, stack);
  assert.equal((await tend(e, ['stop', 'other'])).code, 0);
  const before = await states(e);

  const hot = await tend(e, ['system', 'restart']);
  assert.equal(hot.code, 0, hot.stderr);
  const afterHot = await states(e);
  assert.equal(afterHot.other?.state, 'inactive');
  assert.equal(afterHot.other?.reason, 'stopped as requested');
  assert.equal(afterHot.cache?.pid, before.cache?.pid, 'the running ones are adopted as they are');

  first.child.kill('SIGKILL');
  await first.exited;
  await startDaemon(t, e, ['tend.toml']);
  const afterKill = await states(e);
  assert.equal(afterKill.other?.state, 'inactive');
  assert.equal(afterKill.cache?.pid, before.cache?.pid);
  assert.equal(afterKill.web?.state, 'running');
});
