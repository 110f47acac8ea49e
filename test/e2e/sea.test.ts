/**
 * The single executable (`npm run sea`) on a machine without Node: built from this checkout,
 * it runs `tend run` of a .ts script importing tend/init, and runs in a PID namespace as
 * `tend init` on a config, as a container's PID 1: its service sees PID 1 as its parent,
 * finds no node on PATH, an orphan re-parented to tend is reaped (koffi's waitpid inside the
 * binary), and SIGTERM stops the service and ends tend with status 0.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

/** The children of every thread of `pid` (zombies included), read from /proc. */
function children(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
      readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
    );
  } catch {
    return [];
  }
}

test('the single executable runs a .ts script, and tend init as PID 1 with no Node on PATH', async (t) => {
  const e = testEnv(t);
  const bin = path.join(e.dir, 'tend-linux-x64');
  const built = spawnSync(process.execPath, ['scripts/build-sea.ts', '--out', bin], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(built.status, 0, built.stderr);
  // a PATH with a shell and nothing else: no node anywhere
  const tools = path.join(e.dir, 'bin');
  mkdirSync(tools);
  for (const tool of ['sh', 'sleep', 'echo']) symlinkSync(`/bin/${tool}`, path.join(tools, tool));
  const env = {
    PATH: tools,
    TEND_HOME: path.join(e.dir, 'home'),
    NO_COLOR: '1',
    TEND_TEST_CASE: e.env.TEND_TEST_CASE ?? '',
    TEND_TEST_RUN: process.env.TEND_TEST_RUN ?? '',
  };
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const version = spawnSync(bin, ['--version'], { env, encoding: 'utf8' });
  assert.equal(version.stdout.trim(), pkg.version, version.stderr);

  writeFileSync(
    path.join(e.dir, 'script.ts'),
    [
      "import { exec } from 'tend/init';",
      "const what: string = 'typed';",
      "const child = exec('sh', '-c', 'command -v node || echo no node here');",
      'const status = await child.exited;',
      "console.log(what, child.stdout().trim(), status.running ? 'running' : 'exit ' + status.code);",
    ].join('\n'),
  );
  const script = spawnSync(bin, ['run', 'script.ts'], { env, cwd: e.dir, encoding: 'utf8' });
  assert.equal(script.status, 0, script.stderr);
  assert.equal(script.stdout.trim(), 'typed no node here exit 0');
  assert.equal(script.stderr, '', 'no warning from the binary');

  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    [
      '[services.app]',
      // an orphan: the subshell exits at once, its sleep is re-parented to PID 1 and must be reaped
      `command = "echo parent=$PPID; command -v node || echo no-node; (sleep 0.2; echo orphan-done) & exec sleep 1000"`,
    ].join('\n'),
  );
  const init = spawn('/usr/bin/unshare', ['--pid', '--fork', '--mount-proc', bin, 'init', 'tend.toml'], {
    env,
    cwd: e.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  init.stdout.on('data', (d) => {
    out += d;
  });
  init.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => init.on('exit', (code) => resolve(code)));
  t.after(() => init.kill('SIGKILL'));
  await waitFor('the service and its orphan', () => out.includes('orphan-done'), { timeoutMs: 30_000 });
  assert.match(out, /app {2}\| parent=1\n/);
  assert.match(out, /app {2}\| no-node\n/);
  const tendPid = await waitFor('tend under unshare', () => children(init.pid ?? 0)[0]);
  // the orphan's exit is claimed: only the service is left as tend's child, no zombie beside it
  await waitFor('the orphan to be reaped', () => children(tendPid).length === 1, { timeoutMs: 10_000 });
  process.kill(tendPid, 'SIGTERM');
  assert.equal(await exited, 0, out);
  assert.match(out, /all services stopped/);
});
