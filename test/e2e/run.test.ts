/**
 * `tend run`: scripts as the supervision logic. The ported luavisors examples run to their
 * documented outcome; a failing script is reported at its own line and leaves no child; signals
 * reach the script's handler, or by default stop its children.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { type Env, root, tendMain, testEnv } from '../cli.ts';
import { isAlive, waitFor } from '../helpers.ts';

interface Run {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

function tendRun(t: TestContext, e: Env, args: readonly string[]): Run {
  const child = spawn(process.execPath, [tendMain, 'run', ...args], { env: e.env, cwd: e.dir });
  let text = '';
  child.stdout.on('data', (d) => {
    text += d;
  });
  child.stderr.on('data', (d) => {
    text += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.after(() => child.kill('SIGKILL'));
  return { child, output: () => text, exited };
}

const example = (name: string) => path.join(root, 'examples/scripts', name);

test('examples/scripts/simple.ts: two children, the script waits for both', async (t) => {
  const run = tendRun(t, testEnv(t), [example('simple.ts')]);
  assert.equal(await run.exited, 0, run.output());
  assert.match(run.output(), /first done \{"running":false,"code":0,"signal":null\}/);
  assert.match(run.output(), /second done \{"running":false,"code":0,"signal":null\}/);
});

test('examples/scripts/api.ts: every function of tend/init', async (t) => {
  const run = tendRun(t, testEnv(t), [example('api.ts'), '4']);
  assert.equal(await run.exited, 0, run.output());
  const out = run.output();
  assert.match(out, /SIGTERM is signal 15/);
  assert.match(out, /child said: hello from a child/);
  assert.match(out, /stderr: oops, status: \{"running":false,"code":3,"signal":null\}/);
  assert.match(out, /tick 4\n/);
  assert.doesNotMatch(out, /tick 5/, 'every() stops when cancelled');
  assert.match(out, /sleeper ended: \{"running":false,"code":null,"signal":"SIGTERM"\}/);
});

test('examples/scripts/advanced.ts: the updater stops the main process, updates, starts it again', async (t) => {
  const run = tendRun(t, testEnv(t), [example('advanced.ts'), '2', '0.2']);
  assert.equal(await run.exited, 0, run.output());
  const pids = [...run.output().matchAll(/main started: pid (\d+)/g)].map((m) => Number(m[1]));
  assert.equal(pids.length, 3, run.output());
  assert.equal(new Set(pids).size, 3, 'a new main process after each update');
  assert.equal(run.output().match(/applying update/g)?.length, 2);
  assert.match(run.output(), /finished after 2 updates/);
  for (const pid of pids) assert.equal(isAlive(pid), false);
});

const fixture = (name: string) => path.join(root, 'test/fixtures/scripts', name);

test('a script that throws: the stack points to its line, its children are gone, tend exits 1', async (t) => {
  const run = tendRun(t, testEnv(t), [fixture('broken.ts')]);
  assert.equal(await run.exited, 1);
  assert.match(run.output(), /Error: boom true\n\s+at .*broken\.ts:7:7/);
  const pid = Number(/child (\d+)/.exec(run.output())?.[1]);
  assert.ok(pid > 0);
  assert.equal(isAlive(pid), false, 'the child was stopped');
});

test('SIGTERM goes to the script handler when it has one; without, the children stop and tend exits 0', async (t) => {
  const e = testEnv(t);
  const withHandler = tendRun(t, e, [fixture('handled.ts')]);
  await waitFor('the script to start', () => withHandler.output().includes('ready'));
  withHandler.child.kill('SIGTERM');
  assert.equal(await withHandler.exited, 0);
  assert.match(withHandler.output(), /handler called\nchild ended by SIGINT/);

  const byDefault = tendRun(t, e, [fixture('plain.ts')]);
  await waitFor('the child', () => /child \d+/.test(byDefault.output()));
  const pid = Number(/child (\d+)/.exec(byDefault.output())?.[1]);
  byDefault.child.kill('SIGTERM');
  assert.equal(await byDefault.exited, 0);
  assert.match(byDefault.output(), /SIGTERM: stopping the script's children/);
  assert.equal(isAlive(pid), false);
});

test('tend run -e runs inline code with its arguments', async (t) => {
  const run = tendRun(t, testEnv(t), [
    '-e',
    "import { args, exec } from 'tend/init'; const c = exec('echo', ...args); await c.exited; console.log('got ' + c.stdout().trim());",
    'one',
    'two',
  ]);
  assert.equal(await run.exited, 0, run.output());
  assert.match(run.output(), /got one two/);
});
