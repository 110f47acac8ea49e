import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { daemonWithConfig, startDaemon, tend, testEnv } from '../cli.ts';

/** Crashes 100 ms after it starts, having said why: what "reports running" used to hide. */
const lateCrash = "console.error('cannot open the queue'); setTimeout(() => process.exit(3), 100);\n";

test('add, start and restart wait, and report a crash right after the start with its exit and its last lines', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  writeFileSync(path.join(e.dir, 'late.js'), lateCrash);

  const added = await tend(e, ['add', 'late', '-r', 'always', '--', 'node', 'late.js']);
  assert.equal(added.code, 1, added.stdout);
  assert.match(
    added.stderr,
    /^tend: late was added but crashed: exited with code 3; restarting in \d+ms \(restart 1\)$/m,
  );
  assert.match(added.stderr, /^ {2}! cannot open the queue$/m);
  assert.match(
    added.stderr,
    /^hint: "tend logs late" shows its output, "tend status late" where and how it runs$/m,
  );

  for (const verb of ['restart', 'start']) {
    if (verb === 'start') assert.equal((await tend(e, ['stop', 'late'])).code, 0);
    const r = await tend(e, [verb, 'late']);
    assert.equal(r.code, 1, `${verb}: ${r.stdout}`);
    assert.match(r.stderr, /^tend: late crashed: exited with code 3/m, verb);
    assert.match(r.stderr, /! cannot open the queue/, verb);
  }

  // fire and forget, for scripts that want it
  assert.equal((await tend(e, ['stop', 'late'])).code, 0);
  const noWait = await tend(e, ['start', 'late', '--no-wait']);
  assert.equal(noWait.code, 0, noWait.stderr);
  assert.match(noWait.stdout, /^late (starting|running)$/m);

  // one that stays up is simply running, after the settle
  const steady = await tend(e, ['add', 'steady', '--', 'sleep', '1000']);
  assert.equal(steady.code, 0, steady.stderr);
  assert.match(steady.stdout, /^added steady running \(pid \d+\) in /);
  const restarted = await tend(e, ['restart', 'steady', '--json']);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.equal(JSON.parse(restarted.stdout)[0].state, 'running');
});

test('a start that a failed requirement holds, or one still blocked at --timeout, says so', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[services.db]
args = ["sh", "-c", "exit 2"]
restart = "never"
autostart = false

[services.web]
command = "sleep 1000"
requires = ["db"]
autostart = false

[services.slowdb]
command = "sleep 1000"
ready = { exec = "false", interval = "50ms" }
autostart = false

[services.app]
command = "sleep 1000"
requires = ["slowdb"]
autostart = false
`,
  );
  const held = await tend(e, ['start', 'web']);
  assert.equal(held.code, 1, held.stdout);
  assert.match(held.stderr, /^tend: web failed: .*db/m);
  assert.match(held.stderr, /^hint: "tend why web" shows what it waits for$/m);

  const blocked = await tend(e, ['start', 'app', '--timeout', '1']);
  assert.equal(blocked.code, 4, blocked.stdout);
  assert.match(
    blocked.stderr,
    /timed out after 1000 ms waiting for .*app is blocked: .*waiting for dependencies/,
  );
  assert.match(blocked.stderr, /^hint: raise --timeout, or see where it stands/m);
});
