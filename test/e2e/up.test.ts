import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { listPids } from '../../src/process/proc.ts';
import { root, spawnTend, tend, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

function marked(marker: string | undefined): number[] {
  return listPids().filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`TEND_TEST_CASE=${marker}`);
    } catch {
      return false;
    }
  });
}

test('the demo prints lines of several services, and on SIGINT exits 0 leaving no process', async (t) => {
  const e = testEnv(t);
  const up = spawnTend(e, ['up', path.join(root, 'examples/demo/tend.toml')], root);
  t.after(() => up.child.kill('SIGKILL'));
  const services = await waitFor(
    'lines of at least two services',
    () => {
      const names = new Set([...up.output().matchAll(/^(\S+)\s+[|!] /gm)].map((m) => m[1]));
      return names.size >= 2 && names;
    },
    { timeoutMs: 20_000 },
  );
  assert.ok(services.size >= 2);
  up.child.kill('SIGINT');
  const code = await Promise.race([up.exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
  assert.equal(code, 0, up.output());
  assert.deepEqual(marked(e.env.TEND_TEST_CASE), [], 'no process of the demo is left');
  assert.match(up.output(), /tend\s+> all services stopped/);
});

test('tend up prefixes output with padded names, marks stderr and its own lines, and --only runs a subset', async (t) => {
  const e = testEnv(t);
  const config = path.join(e.dir, 'tend.toml');
  writeFileSync(
    config,
    [
      '[services.a]',
      'command = "echo out-a; echo err-a >&2; exec sleep 1000"',
      '[services.longer-name]',
      'command = "echo out-b; exec sleep 1000"',
      '[services.skipped]',
      'command = "echo never; exec sleep 1000"',
    ].join('\n'),
  );
  const up = spawnTend(e, ['up', '--only', 'a,longer-name'], e.dir);
  t.after(() => up.child.kill('SIGKILL'));
  await waitFor(
    'both outputs',
    () => /out-a/.test(up.output()) && /out-b/.test(up.output()) && /err-a/.test(up.output()),
  );
  const out = up.output();
  assert.match(out, /^a {11}\| out-a$/m);
  assert.match(out, /^a {11}! err-a$/m);
  assert.match(out, /^longer-name \| out-b$/m);
  assert.match(out, /^tend {8}> a started \(pid \d+\)$/m);
  assert.doesNotMatch(out, /never/);
  assert.doesNotMatch(
    out,
    new RegExp(String.fromCharCode(27)),
    'no colour when NO_COLOR is set and output is a pipe',
  );
  up.child.kill('SIGTERM');
  assert.equal(await up.exited, 0);
});

test('tend up exits 1 when a critical service fails, after stopping the others', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    [
      '[services.db]',
      'command = "exec sleep 1000"',
      '[services.api]',
      'command = "exit 3"',
      'critical = true',
      'restart = "never"',
    ].join('\n'),
  );
  const up = spawnTend(e, ['up'], e.dir);
  t.after(() => up.child.kill('SIGKILL'));
  assert.equal(await up.exited, 1);
  assert.match(up.output(), /api failed: not restarted/);
  assert.match(up.output(), /db stopped/);
  assert.deepEqual(marked(e.env.TEND_TEST_CASE), []);
});

test('a second tend up in the same project refuses while the first runs; tend ls there reaches it', async (t) => {
  const e = testEnv(t);
  writeFileSync(path.join(e.dir, 'tend.toml'), '[services.one]\ncommand = "exec sleep 1000"\n');
  const env = { ...e, env: { ...e.env, TEND_HOME: '' } };
  const up = spawnTend(env, ['up'], e.dir);
  t.after(() => up.child.kill('SIGKILL'));
  await waitFor('one to start', () => up.output().includes('one started'));
  const ls = await tend(env, ['ls', '--json'], { cwd: e.dir });
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(JSON.parse(ls.stdout)[0].name, 'one');
  const second = await tend(env, ['up'], { cwd: e.dir });
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another tend already serves/);
  up.child.kill('SIGINT');
  assert.equal(await up.exited, 0);
});

test('tend config check exits 1 with the located error, 0 for a valid file; tend config schema prints JSON Schema', async (t) => {
  const e = testEnv(t);
  const bad = path.join(e.dir, 'tend.toml');
  writeFileSync(bad, '[services.web]\ncommand = "a"\nrestrat = "always"\n');
  const r = await tend(e, ['config', 'check', bad]);
  assert.equal(r.code, 1);
  assert.equal(
    r.stderr.split('\n')[0],
    `tend: ${bad}:3:1 services.web.restrat: unknown key "restrat" (did you mean "restart"?)`,
  );
  writeFileSync(bad, '[services.web]\ncommand = "a"\n');
  const ok = await tend(e, ['config', 'check'], { cwd: e.dir });
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /valid, 1 services/);
  const schema = await tend(e, ['config', 'schema']);
  assert.equal(JSON.parse(schema.stdout).type, 'object');
  const usage = await tend(e, ['frobnicate']);
  assert.equal(usage.code, 2);
});
