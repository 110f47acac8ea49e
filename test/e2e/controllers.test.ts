/**
 * Controllers (daemonproxy's idea): a service with `controller` gets tend's event stream on
 * stdin and drives tend with commands on stdout, in shell (TSV, text commands) or TypeScript
 * (JSON-RPC). Killing one changes nothing for the services, and after its restart it resumes
 * from the snapshot.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { root, startDaemon, tendJson, testEnv } from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

const status = async (e: ReturnType<typeof testEnv>, name: string) =>
  (await tendJson<ServiceView[]>(e, ['status', name]))[0];

test('a shell controller starts a service again on its exited event, survives being killed, and resumes', async (t) => {
  const e = testEnv(t);
  const runs = path.join(e.dir, 'runs');
  const runCount = () => linesOf(runs).length;
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.job]
args = ["sh", "-c", "echo run >> ${runs}; sleep 0.2"]
restart = "never"

[services.keeper]
args = ["sh", ${JSON.stringify(path.join(root, 'examples/controllers/restart-on-exit.sh'))}, "job"]
controller = true
restart = "always"

[services.steady]
args = ["sleep", "1000"]
`,
  );
  await startDaemon(t, e, [path.join(e.dir, 'tend.toml')]);
  await waitFor('the controller to start the job again', () => runCount() >= 3, { timeoutMs: 20_000 });

  const steady = await status(e, 'steady');
  const keeper = await status(e, 'keeper');
  assert.ok(keeper?.pid);
  process.kill(keeper.pid, 'SIGKILL');
  const back = await waitFor('the controller restarted', async () => {
    const k = await status(e, 'keeper');
    return k?.state === 'running' && k.pid !== keeper.pid && k;
  });
  assert.equal(back.restarts, 1);
  const after = await status(e, 'steady');
  assert.equal(after?.pid, steady?.pid, 'the services did not notice');
  assert.equal(after?.state, 'running');

  const count = runCount();
  await waitFor('the job started again by the new controller', () => runCount() >= count + 2, {
    timeoutMs: 20_000,
  });
});

test('a TypeScript controller speaks JSON-RPC: it restarts a service when a file appears', async (t) => {
  const e = testEnv(t);
  const triggers = path.join(e.dir, 'triggers');
  mkdirSync(triggers);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.web]
args = ["sleep", "1000"]

[services.reloader]
args = [${JSON.stringify(process.execPath)}, ${JSON.stringify(path.join(root, 'examples/controllers/restart-on-file.ts'))}, ${JSON.stringify(triggers)}, "web"]
controller = "json"
`,
  );
  await startDaemon(t, e, [path.join(e.dir, 'tend.toml')]);
  const before = await waitFor('both running', async () => {
    const [w, r] = [await status(e, 'web'), await status(e, 'reloader')];
    return w?.state === 'running' && r?.state === 'running' && w;
  });
  writeFileSync(path.join(triggers, 'deploy'), '');
  const after = await waitFor('web restarted', async () => {
    const w = await status(e, 'web');
    return w?.state === 'running' && w.pid !== before.pid && w;
  });
  assert.equal(after.restarts, 1, 'the controller restarted it once');
  assert.equal(after.restarts_by_cause.requested, 1, 'a requested restart, not a crash');
  assert.equal(after.restarts_by_cause.exit, 0);
  await waitFor('the controller logged the answer', async () => {
    const logs = readFileSync(path.join(e.home, 'logs', 'reloader.log'), 'utf8');
    return logs.includes('restarted web');
  });
});
