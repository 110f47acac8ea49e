/**
 * `tend startup` / `tend unstartup` on a machine without a running systemd (this one, and CI's:
 * containers): they refuse with a message and write nothing. `--print` shows the unit they
 * would install; `systemd-analyze verify` accepts it, and its ExecStart really starts a daemon
 * on the home it names.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { shellWords } from '../../src/compat/import/shell-words.ts';
import { tend, testEnv } from '../cli.ts';
import { verifyUnits } from '../export-validators.ts';
import { waitFor } from '../helpers.ts';

test('without a running systemd, tend startup and unstartup refuse and write no unit', async (t) => {
  // the precondition of this test: no systemd runs as init here
  assert.equal(
    existsSync('/run/systemd/system'),
    false,
    'this machine runs systemd: the refusal cannot be shown',
  );
  const e = testEnv(t);
  const userUnit = path.join(e.dir, 'config', 'systemd', 'user', 'tend.service');
  const systemUnit = '/etc/systemd/system/tend-startup-test.service';
  for (const args of [
    ['startup', '--user'],
    ['startup', '--system', '--name', 'tend-startup-test'],
    ['unstartup', '--user'],
  ]) {
    const r = await tend(e, args);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /needs a running systemd, and this machine has none .*tend startup --print/);
  }
  assert.equal(existsSync(userUnit), false);
  assert.equal(existsSync(systemUnit), false);
});

test('tend startup --print writes a unit systemd-analyze verify accepts, and its ExecStart runs a daemon on that home', async (t) => {
  const e = testEnv(t);
  const config = path.join(e.dir, 'tend.toml');
  writeFileSync(config, '[services.napper]\ncommand = "sleep 1000"\n');
  const home = path.join(e.dir, 'daemon-home');
  const system = await tend(e, ['--home', home, 'startup', '--system', '--print', config]);
  assert.equal(system.code, 0, system.stderr);
  assert.match(system.stdout, /^WantedBy=multi-user\.target$/m);
  assert.match(system.stdout, /^KillMode=process$/m);
  const user = await tend(e, ['--home', home, 'startup', '--user', '--print']);
  assert.match(user.stdout, /^WantedBy=default\.target$/m);
  for (const text of [system.stdout, user.stdout]) {
    const v = await verifyUnits([{ name: 'tend.service', text }]);
    assert.deepEqual(v.problems, []);
    assert.equal(v.code, 0);
  }

  // run what systemd would run: the ExecStart line with the unit's environment
  const line = (key: string) => new RegExp(`^${key}=(.*)$`, 'm').exec(system.stdout)?.[1] ?? '';
  const argv = shellWords(line('ExecStart')) ?? [];
  assert.ok(argv.includes('daemon') && argv.includes(config), argv.join(' '));
  const [k, v] = (shellWords(line('Environment'))?.[0] ?? '').split('=');
  assert.equal(k, 'TEND_HOME');
  assert.equal(v, home);
  const daemon = spawn(argv[0] ?? '', argv.slice(1), { env: { ...e.env, TEND_HOME: v }, stdio: 'ignore' });
  t.after(() => daemon.kill('SIGKILL'));
  const exited = new Promise((resolve) => daemon.on('exit', resolve));
  await waitFor(
    'the daemon on that home to run the config',
    async () => {
      const r = await tend({ ...e, env: { ...e.env, TEND_HOME: home } }, ['ls', '--json']);
      return r.code === 0 && /"napper"/.test(r.stdout);
    },
    { timeoutMs: 20_000, everyMs: 100 },
  );
  daemon.kill('SIGTERM');
  await exited;
});
