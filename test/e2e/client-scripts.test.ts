/**
 * Client scripts (`tend SCRIPT.ts`, `tend DIR/`, `tend -c`, `tend -i`): a script registers a
 * service with the builder, waits for it, reads its status and stops it, with no boilerplate.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';
import { root, startDaemon, tend, testEnv } from '../cli.ts';

const fixtures = path.join(root, 'test/fixtures/client');

test('a folder of client scripts runs in name order: register with the builder, wait, status, stop', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const r = await tend(e, [`${fixtures}/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /web running pid true\n/);
  assert.match(r.stdout, /tcp to nowhere: false\n/);
  assert.match(r.stdout, /HOME known: true, this file exists: true\n/);
  assert.match(r.stdout, /web inactive\n/);
  assert.ok(r.stdout.indexOf('web running') < r.stdout.indexOf('web inactive'), 'in name order');
});

test('tend -c and tend -i run inline code the same way; a failing script exits 1 with its error', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const code =
    "const s = await service('inline').exec('sleep 1000').register(); const [v] = await s.wait(10); console.log('inline ' + v.state); const [x] = await stop('inline'); console.log('inline ' + x.state);";
  const c = await tend(e, ['-c', code]);
  assert.equal(c.code, 0, c.stderr);
  assert.match(c.stdout, /inline running\ninline inactive\n/);

  const i = await tend(e, ['-i'], {
    input: "const [v] = await start('inline'); console.log('again ' + v.state);",
  });
  assert.equal(i.code, 0, i.stderr);
  assert.match(i.stdout, /again running/);

  const bad = await tend(e, ['-c', "await service('bad name!').exec('true').register();"]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /bad name!/);
});
