/** Lifecycle hooks around a real service: their order, failure modes, run modes and output. */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

const hook = (name: string, command: string, extra = '') =>
  `{ name = "${name}", command = ${JSON.stringify(command)}${extra ? `, ${extra}` : ''} }`;

test('hooks run in order around the service: pre_start, service, post_start, pre_stop, stop, post_stop; their output is in its log, marked', async (t) => {
  const e = testEnv(t);
  const order = path.join(e.dir, 'order');
  const add = (word: string) => `echo ${word} >> ${order}`;
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.web]
command = "${add('service')}; echo up; trap '${add('stop')}; exit 0' TERM; while true; do sleep 0.05; done"
ready = { log = "up" }
[services.web.hooks]
pre_start = [${hook('prepare', `echo preparing; ${add('pre_start')}`)}]
post_start = [${hook('announce', add('post_start'))}]
pre_stop = [${hook('drain', add('pre_stop'))}]
post_stop = [${hook('cleanup', add('post_stop'))}]
`,
  );
  await startDaemon(t, e, ['tend.toml']);
  await waitFor('post_start', () => existsSync(order) && linesOf(order).includes('post_start'));
  assert.equal((await tend(e, ['stop', 'web'])).code, 0);
  await waitFor('post_stop', () => linesOf(order).includes('post_stop'));
  assert.deepEqual(linesOf(order), ['pre_start', 'service', 'post_start', 'pre_stop', 'stop', 'post_stop']);
  const logs = await tend(e, ['logs', 'web', '-n', '50']);
  assert.match(logs.stdout, /\[pre_start prepare\] preparing/);
});

test('a failing blocking pre_start with fail prevents the start, naming the hook; ignore starts anyway; retry tries again; async does not hold the start', async (t) => {
  const e = testEnv(t);
  const tries = path.join(e.dir, 'tries');
  const order = path.join(e.dir, 'order');
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.guarded]
args = ["sleep", "1000"]
hooks = { pre_start = [${hook('check', 'echo nope; exit 3')}] }
[services.lenient]
args = ["sleep", "1000"]
hooks = { pre_start = [${hook('check', 'exit 3', 'failure_mode = "ignore"')}] }
[services.stubborn]
args = ["sleep", "1000"]
hooks = { pre_start = [${hook('flaky', `echo try >> ${tries}; [ $(wc -l < ${tries}) -ge 3 ]`, 'failure_mode = "retry"')}] }
[services.hopeless]
args = ["sleep", "1000"]
hooks = { pre_start = [${hook('never', 'exit 1', 'failure_mode = "retry"')}] }
[services.quick]
command = "echo service >> ${order}; exec sleep 1000"
hooks = { pre_start = [${hook('slow', `until [ -e ${order} ]; do sleep 0.05; done; echo async >> ${order}`, 'run_mode = "async"')}] }
[services.timed]
args = ["sleep", "1000"]
hooks = { pre_start = [${hook('hang', 'sleep 100', 'timeout = "300ms"')}] }
`,
  );
  await startDaemon(t, e, ['tend.toml']);
  const state = async (name: string) => (await tendJson<ServiceView[]>(e, ['status', name]))[0];
  const settled = (name: string, want: string) =>
    waitFor(`${name} ${want}`, async () => {
      const s = await state(name);
      return s?.state === want && s;
    });

  const guarded = await settled('guarded', 'failed');
  assert.match(guarded.reason, /pre_start hook "check" failed: exit 3/);
  assert.equal(guarded.pid, null);
  assert.match((await tend(e, ['logs', 'guarded'])).stdout, /\[pre_start check\] nope/);
  await settled('lenient', 'running');
  await settled('stubborn', 'running');
  assert.equal(linesOf(tries).length, 3);
  const hopeless = await settled('hopeless', 'failed');
  assert.match(hopeless.reason, /pre_start hook "never" failed: exit 1 \(after 3 tries\)/);
  await settled('quick', 'running');
  await waitFor('the async hook', () => linesOf(order).includes('async'));
  assert.deepEqual(linesOf(order), ['service', 'async']);
  const timed = await settled('timed', 'failed');
  assert.match(timed.reason, /timed out after 0\.3s/);
});

test('a stop while pre_start runs abandons the hook and the service ends inactive; a failing post_start stops the service as failed', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[services.waiting]
args = ["sleep", "1000"]
hooks = { pre_start = [${hook('forever', 'sleep 1000')}] }
[services.rejected]
args = ["sleep", "1000"]
hooks = { post_start = [${hook('verify', 'exit 2')}] }
`,
  );
  await waitFor(
    'the hook running',
    async () => (await tendJson<ServiceView[]>(e, ['status', 'waiting']))[0]?.state === 'starting',
  );
  const stopped = await tendJson<ServiceView[]>(e, ['stop', 'waiting']);
  assert.equal(stopped[0]?.state, 'inactive');
  const rejected = await waitFor('rejected failed', async () => {
    const s = (await tendJson<ServiceView[]>(e, ['status', 'rejected']))[0];
    return s?.state === 'failed' && s;
  });
  assert.match(rejected.reason, /post_start hook "verify" failed: exit 2/);
  assert.equal(rejected.pid, null);
});

test('an unknown failure_mode is a config error naming the field', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'bad.toml'),
    `[services.web]\nargs = ["sleep", "1"]\nhooks = { pre_start = [${hook('x', 'true', 'failure_mode = "explode"')}] }\n`,
  );
  const r = await tend(e, ['config', 'check', 'bad.toml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /services\.web\.hooks\.pre_start\[0\]\.failure_mode: .*"fail".*"ignore".*"retry"/);
});
