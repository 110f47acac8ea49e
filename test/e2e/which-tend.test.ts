import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { spawnTend, startDaemon, tend, testEnv } from '../cli.ts';
import { tempDir, waitFor } from '../helpers.ts';
import { Tmux } from '../tmux.ts';

test('with TEND_HOME exported, the project’s tend up answers in its folder; --home reaches the daemon, and each names the other', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  assert.equal((await tend(e, ['add', 'api', '--', 'sleep', '1000'])).code, 0);
  const project = path.join(e.dir, 'project');
  mkdirSync(path.join(project, 'src'), { recursive: true });
  writeFileSync(path.join(project, 'tend.toml'), '[services.web]\ncommand = "sleep 1001"\n');
  const up = spawnTend(e, ['up'], project);
  t.after(async () => {
    up.child.kill('SIGINT');
    await up.exited;
  });
  const projectSocket = path.join(project, '.tend', 'tend.sock');
  await waitFor(
    'the project to answer',
    async () => (await tend(e, ['--socket', projectSocket, 'ping'])).code === 0,
  );

  // the trap: TEND_HOME exported, tend restart web in the project folder (or below)
  const restart = await tend(e, ['restart', 'web'], { cwd: path.join(project, 'src') });
  assert.equal(restart.code, 0, restart.stderr);
  assert.match(restart.stdout, /^web running/m);
  const ping = JSON.parse((await tend(e, ['ping', '--json'], { cwd: project })).stdout);
  assert.deepEqual([ping.socket, ping.source], [projectSocket, "the project's tend up"]);

  // what is typed wins: --home reaches the daemon, whose "not found" names the tend up that has web
  const daemonHome = ['--home', e.home];
  const missing = await tend(e, [...daemonHome, 'restart', 'web'], { cwd: project });
  assert.equal(missing.code, 3);
  assert.match(
    missing.stderr,
    new RegExp(
      `^tend: service "web" not found \\[the tend at ${path.join(e.home, 'tend.sock')} \\(--home\\)\\]$`,
      'm',
    ),
  );
  assert.match(
    missing.stderr,
    new RegExp(
      `^hint: run "tend ls" to see the services of this tend; the tend up in ${project} has it: tend --socket ${projectSocket} restart web$`,
      'm',
    ),
  );
  // and the other way: the project's tend up names the daemon that has api
  const other = await tend(e, ['status', 'api'], { cwd: project });
  assert.equal(other.code, 3);
  assert.match(
    other.stderr,
    new RegExp(
      `the tend at ${path.join(e.home, 'tend.sock')} \\(TEND_HOME\\) has it: tend --socket ${path.join(e.home, 'tend.sock')} status api`,
    ),
  );
  const json = await tend(e, ['status', 'api', '--json'], { cwd: project });
  const { error } = JSON.parse(json.stderr);
  assert.equal(error.code, 'TEND_SERVICE_NOT_FOUND');
  assert.equal(error.socket, projectSocket);
  assert.equal(error.source, "the project's tend up");
  assert.match(error.hint, /has it/);
});

test('a project socket nobody answers on gives way to TEND_HOME', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const project = tempDir(t);
  mkdirSync(path.join(project, '.tend'), { recursive: true });
  // what a tend up killed with -9 leaves behind: a socket file nobody listens on
  const stale = path.join(project, '.tend', 'tend.sock');
  const listener = `require('node:net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`;
  spawnSync(process.execPath, ['-e', listener]);
  assert.ok(existsSync(stale));
  const ping = await tend(e, ['ping', '--json'], { cwd: project });
  assert.equal(ping.code, 0, ping.stderr);
  assert.equal(JSON.parse(ping.stdout).source, 'TEND_HOME');
});

test('on a terminal, a command says which tend answered in one line', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const dir = tempDir(t);
  const { tendMain } = await import('../cli.ts');
  const tmux = new Tmux(dir, { ...e.env, TERM: 'xterm' }, `'${process.execPath}' '${tendMain}' ls; read x`);
  t.after(() => tmux.kill());
  const screen = await waitFor('the output', () => {
    const rows = tmux.screen();
    return rows.some((r) => r.includes('no services')) ? rows : null;
  });
  assert.equal(screen[0], `via the tend at ${path.join(e.home, 'tend.sock')} (TEND_HOME)`);
  assert.equal(screen[1], 'no services');
});
