/**
 * `tend init` as a container's PID 1, in a real PID namespace (unshare, as root): reaping
 * orphans, SIGTERM with --grace, hot restart on SIGUSR1, --exec-on-exit and --exit-guard.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { childrenOf, listPids, readStat } from '../../src/process/proc.ts';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { type Env, tend, tendJson, tendMain, testEnv } from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

interface Init {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
  /** tend's PID as seen from outside the namespace (it is 1 inside). */
  readonly hostPid: () => number;
}

/** `tend init ARGS…` as PID 1 of a new PID namespace. */
function startInit(t: TestContext, e: Env, args: readonly string[]): Init {
  const child = spawn(
    'unshare',
    ['--pid', '--fork', '--mount-proc', '--kill-child', process.execPath, tendMain, 'init', ...args],
    { env: e.env, cwd: e.dir },
  );
  let text = '';
  child.stdout?.on('data', (d) => {
    text += d;
  });
  child.stderr?.on('data', (d) => {
    text += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  t.after(() => child.kill('SIGKILL'));
  const hostPid = () => childrenOf(child.pid ?? 0)[0] ?? 0;
  return { child, output: () => text, exited, hostPid };
}

/** Every process below `pid`, zombies included, with its state. */
function descendants(pid: number): { pid: number; state: string }[] {
  const stats = listPids()
    .map((p) => readStat(p))
    .filter((s) => s !== null);
  const found: { pid: number; state: string }[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) {
      if (parents.has(s.ppid) && !parents.has(s.pid)) {
        parents.add(s.pid);
        found.push({ pid: s.pid, state: s.state });
        grew = true;
      }
    }
  }
  return found;
}

const running = async (e: Env, n: number) => {
  try {
    const list = await tendJson<ServiceView[]>(e, ['ls']);
    return list.filter((s) => s.state === 'running').length === n && list;
  } catch {
    return false;
  }
};

test('as PID 1, a service that leaves 1,000 orphaned grandchildren behind: no zombie remains, and its own exit status is reported', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.spawner]
args = ["sh", "-c", "i=0; while [ $i -lt 1000 ]; do sh -c 'sleep 0.01 &'; i=$((i+1)); done; exit 7"]
restart = "never"

[services.idle]
args = ["sleep", "1000"]
`,
  );
  const init = startInit(t, e, ['tend.toml']);
  await waitFor('the spawner to end', () => /spawner exited with code 7/.test(init.output()), {
    timeoutMs: 60_000,
  });
  const [spawner] = await tendJson<ServiceView[]>(e, ['status', 'spawner']);
  assert.equal(spawner?.last_exit?.code, 7);
  await waitFor('every orphan reaped', () => {
    const left = descendants(init.hostPid());
    return left.every((p) => p.state !== 'Z') && left.length === 1;
  });
  process.kill(init.hostPid(), 'SIGTERM');
  assert.equal(await init.exited, 0);
});

test('SIGTERM to PID 1 with three services, one ignoring SIGTERM: all gone within --grace + 1 s, exit status 124', async (t) => {
  const e = testEnv(t);
  const armed = path.join(e.dir, 'armed');
  // the marker file is written only once the handler is in place, so SIGTERM cannot arrive first
  const stubborn = JSON.stringify(
    `process.on('SIGTERM', () => {}); require('fs').writeFileSync(${JSON.stringify(armed)}, ''); setInterval(() => {}, 1000)`,
  );
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.a]
args = ["sleep", "1000"]
[services.stubborn]
args = [${JSON.stringify(process.execPath)}, "-e", ${stubborn}]
stop_timeout = "60s"
[services.c]
args = ["sleep", "1000"]
`,
  );
  const init = startInit(t, e, ['tend.toml', '--grace', '1']);
  await waitFor('three services running', () => running(e, 3));
  await waitFor('the stubborn service ignores SIGTERM', () => existsSync(armed));
  // tend ls shows PIDs inside the namespace; these are the same processes seen from outside
  const inside = descendants(init.hostPid());
  assert.equal(inside.length, 3);
  const sent = Date.now();
  process.kill(init.hostPid(), 'SIGTERM');
  const code = await init.exited;
  const took = Date.now() - sent;
  assert.equal(code, 124, init.output());
  assert.ok(took < 2000, `stopped in ${took} ms`);
  for (const p of inside) assert.equal(readStat(p.pid), null, `pid ${p.pid} is gone`);
});

test('SIGUSR1 hot-restarts PID 1 in place: same PIDs, uptimes and restarts, and no number missing from the log', async (t) => {
  const e = testEnv(t);
  const counter = path.join(e.dir, 'counter.mjs');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this string is the counter's source code
  writeFileSync(counter, 'let i = 0; setInterval(() => process.stdout.write(`${++i}\\n`), 1);\n');
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.counter]
args = [${JSON.stringify(process.execPath)}, ${JSON.stringify(counter)}]
logs = { max_size = 0 }
[services.idle]
args = ["sleep", "1000"]
`,
  );
  const file = path.join(e.home, 'logs', 'counter.log');
  const numbers = () => linesOf(file).map(Number);
  const init = startInit(t, e, ['tend.toml']);
  const before = await waitFor('both running', () => running(e, 2));
  await waitFor('numbers in the log', () => numbers().length > 300);
  const pid1 = init.hostPid();
  process.kill(pid1, 'SIGUSR1');
  await waitFor('the hot restart', () => /SIGUSR1: hot restart/.test(init.output()));
  const after = await waitFor('tend answering again', () => running(e, 2));
  assert.equal(init.hostPid(), pid1, 'tend keeps its PID');
  for (const b of before) {
    const a = after.find((s) => s.name === b.name);
    assert.equal(a?.pid, b.pid, `${b.name} keeps its process`);
    assert.equal(a?.started_at, b.started_at, `${b.name} keeps its uptime`);
    assert.equal(a?.restarts, b.restarts, `${b.name} keeps its restart count`);
  }
  const atSwitch = numbers().length;
  await waitFor('numbers written after the switch', () => numbers().length > atSwitch + 300);
  numbers().forEach((n, i) => {
    if (n !== i + 1) assert.fail(`line ${i + 1} holds ${n}: a number is missing or repeated`);
  });
  // the new image accounts for an exit of a service it did not spawn itself
  assert.equal((await tend(e, ['kill', 'idle', 'TERM'])).code, 0);
  await waitFor('the exit with its real signal', async () => {
    const [idle] = await tendJson<ServiceView[]>(e, ['status', 'idle']);
    return idle?.last_exit?.signal === 'SIGTERM';
  });
  process.kill(pid1, 'SIGTERM');
  assert.equal(await init.exited, 0);
});

test('--exec-on-exit runs after a normal shutdown, a config error and an uncaught exception, with the exit code in its environment', async (t) => {
  const e = testEnv(t);
  const record = path.join(e.dir, 'exit.txt');
  const exec = ['--exec-on-exit', 'sh', '-c', `echo "$TEND_EXIT_CODE|$TEND_ERROR" > ${record}`];
  const recorded = () => {
    try {
      return readFileSync(record, 'utf8').trim();
    } catch {
      return '';
    }
  };
  writeFileSync(path.join(e.dir, 'tend.toml'), '[services.a]\nargs = ["sleep", "1000"]\n');

  const normal = startInit(t, e, ['tend.toml', ...exec]);
  await waitFor('a running', () => running(e, 1));
  assert.equal((await tend(e, ['shutdown'])).code, 0);
  await normal.exited;
  assert.equal(recorded(), '0|');

  const missing = startInit(t, e, ['nope.toml', ...exec]);
  await missing.exited;
  assert.match(recorded(), /^[1-9]\d*\|.*nope\.toml/);

  writeFileSync(
    path.join(e.dir, 'tend.config.ts'),
    "setTimeout(() => { throw new Error('boom in the config'); }, 200);\nexport default { services: { a: { args: ['sleep', '1000'] } } };\n",
  );
  const crashing = startInit(t, e, ['tend.config.ts', ...exec]);
  await crashing.exited;
  assert.equal(recorded(), '70|boom in the config');
});

test('--exit-guard: a shutdown without the code is refused, a fatal error is logged and tend carries on', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.config.ts'),
    "setTimeout(() => { throw new Error('boom in the config'); }, 200);\nexport default { services: { a: { args: ['sleep', '1000'] } } };\n",
  );
  const init = startInit(t, e, ['tend.config.ts', '--exit-guard', '42']);
  await waitFor('the fatal error logged', () =>
    /carrying on \(exit guard\).*boom in the config/s.test(init.output()),
  );
  assert.ok(await waitFor('a running', () => running(e, 1)));
  const refused = await tend(e, ['shutdown']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /--exit-guard/);
  assert.ok(await running(e, 1), 'nothing changed');
  assert.equal((await tend(e, ['shutdown', '--guard', '42'])).code, 0);
  assert.equal(await init.exited, 0);
});

test('tend init SCRIPT: as PID 1 the script is the supervision logic; SIGTERM stops its children, exit 0', async (t) => {
  const e = testEnv(t);
  const script = path.join(e.dir, 'boot.ts');
  writeFileSync(
    script,
    "import { args, exec } from 'tend/init';\nconst c = exec('sleep', '1000');\nconsole.log('booted ' + args.join(',') + ' child ' + c.pid());\n",
  );
  const init = startInit(t, e, [script, 'a', 'b']);
  await waitFor('the script to run', () => /booted a,b child \d+/.test(init.output()));
  const [child] = descendants(init.hostPid());
  assert.ok(child, 'the child runs under PID 1');
  process.kill(init.hostPid(), 'SIGTERM');
  assert.equal(await init.exited, 0, init.output());
  assert.match(init.output(), /SIGTERM: stopping the script's children/);
  assert.equal(readStat(child.pid), null);
});
