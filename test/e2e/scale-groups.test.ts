/** `tend scale` changes instances live, touching only the difference; `tend group` acts on a config's groups. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, startDaemon, tend, tendJson, testEnv } from '../cli.ts';

test('tend scale web 4 then tend scale web 2 leaves exactly web:0 and web:1, the same processes throughout', async (t) => {
  const e = testEnv(t);
  writeFileSync(path.join(e.dir, 'tend.toml'), '[services.web]\nargs = ["sleep", "1000"]\ninstances = 2\n');
  await startDaemon(t, e, ['tend.toml']);
  const pids = async () =>
    Object.fromEntries(
      (await tendJson<ServiceView[]>(e, ['ls'])).map((s) => [s.name, `${s.state}:${s.pid}`]),
    );
  const before = await pids();
  const up = await tendJson<ServiceView[]>(e, ['scale', 'web', '4']);
  assert.deepEqual(
    up.map((s) => `${s.name}=${s.state}`),
    ['web:0=running', 'web:1=running', 'web:2=running', 'web:3=running'],
  );
  const four = await pids();
  assert.equal(four['web:0'], before['web:0']);
  assert.equal(four['web:1'], before['web:1']);
  await tendJson(e, ['scale', 'web', '2']);
  assert.deepEqual(await pids(), before);

  for (const bad of ['-1', '0', 'two', '1001']) {
    const r = await tend(e, ['scale', 'web', bad]);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /instances: expected a whole number from 1 to 1000/);
  }
  const notBase = await tend(e, ['scale', 'web:1', '3']);
  assert.equal(notBase.code, 2);
  assert.match(notBase.stderr, /base name, not the instance "web:1"/);
  assert.deepEqual(await pids(), before, 'bad input changed nothing');
});

test('tend group ls, stop, start and restart act on the members; config errors name unknown members and clashing names', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[services.web]\nargs = ["sleep", "1000"]\ninstances = 2\n[services.db]\nargs = ["sleep", "1000"]\n[services.other]\nargs = ["sleep", "1000"]\n[groups.stack]\nmembers = ["web", "db"]\n`,
  );
  const [stack] = await tendJson<{ name: string; members: string[]; instances: { name: string }[] }[]>(e, [
    'group',
    'ls',
  ]);
  assert.deepEqual(stack?.members, ['web', 'db']);
  assert.deepEqual(stack?.instances.map((i) => i.name).sort(), ['db', 'web:0', 'web:1']);
  const stopped = await tendJson<ServiceView[]>(e, ['group', 'stop', 'stack']);
  assert.deepEqual(stopped.map((s) => `${s.name}=${s.state}`).sort(), [
    'db=inactive',
    'web:0=inactive',
    'web:1=inactive',
  ]);
  const states = async () =>
    Object.fromEntries((await tendJson<ServiceView[]>(e, ['ls'])).map((s) => [s.name, s.state]));
  assert.equal((await states()).other, 'running');
  await tendJson(e, ['group', 'start', 'stack']);
  assert.deepEqual(await states(), {
    'web:0': 'running',
    'web:1': 'running',
    db: 'running',
    other: 'running',
  });
  const restarted = await tendJson<ServiceView[]>(e, ['group', 'restart', 'stack']);
  assert.ok(restarted.every((s) => s.state === 'running'));
  const missing = await tend(e, ['group', 'start', 'nope']);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /group "nope" not found/);

  writeFileSync(
    path.join(e.dir, 'bad.toml'),
    '[services.web]\nargs = ["sleep", "1"]\n[groups.web]\nmembers = ["web"]\n[groups.g]\nmembers = ["web", "ghost"]\n',
  );
  const check = await tend(e, ['config', 'check', 'bad.toml']);
  assert.equal(check.code, 1);
  assert.match(check.stderr, /groups\.web: "web" is already a service's name/);
  assert.match(check.stderr, /bad\.toml:6:\d+ groups\.g\.members\[1\]: unknown service "ghost"/);
});
