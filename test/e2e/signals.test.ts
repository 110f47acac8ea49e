/**
 * Signals never kill tend by their default action, in any mode: the daemon lives through
 * every signal it does not stop for, `tend run` forwards what the script does not handle to
 * its children and never opens Node's inspector, and an exception in a script's signal
 * handler or every() callback is reported while the script goes on. The table in
 * docs/containers.md is the code's table.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type TestContext, test } from 'node:test';
import { actionWording, handledSignals, type SignalMode, signalActions } from '../../src/daemon/signals.ts';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, type Env, root, tend, tendJson, tendMain, testEnv } from '../cli.ts';
import { isAlive, linesOf, waitFor } from '../helpers.ts';

/** Listening TCP sockets a process holds, as local ports, from /proc. */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // st 0A is LISTEN; field 9 is the inode
      if (f[3] === '0A' && f[9] && inodes.has(f[9]))
        ports.push(Number.parseInt(f[1]?.split(':')[1] ?? '0', 16));
    }
  }
  return ports;
}

function blockedSignals(pid: number): bigint {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^SigBlk:\s*([0-9a-f]+)$/m)?.[1] ?? '0';
  return BigInt(`0x${line}`);
}

test('the daemon lives through every signal it does not stop for; its services run on untouched', async (t) => {
  const e = testEnv(t);
  const d = await daemonWithConfig(t, e, '[services.web]\ncommand = "sleep 1000"\n');
  const web = await waitFor('web running', async () => {
    const [s] = await tendJson<ServiceView[]>(e, ['status', 'web']);
    return s?.state === 'running' && s;
  });
  const pid = d.child.pid ?? 0;
  assert.equal(blockedSignals(web.pid ?? 0), 0n, 'a service starts with no signal blocked');
  for (const signal of handledSignals) {
    if (['stop', 'kill-now', 'hot-restart'].includes(signalActions[signal].daemon)) continue;
    process.kill(pid, signal);
    // each is handled before the next: the daemon answers in between
    assert.equal((await tend(e, ['ping'])).code, 0, `alive after ${signal}`);
  }
  assert.ok(isAlive(pid));
  const [after] = await tendJson<ServiceView[]>(e, ['status', 'web']);
  assert.equal(after?.pid, web.pid, 'the service was not touched');
  await waitFor('the USR2 dump', () => /"service":"web","state":"running"/.test(d.output()));
  assert.match(d.output(), /SIGALRM received: ignored/);
  assert.deepEqual(listeningPorts(pid), [], 'no inspector port after SIGUSR2 and the rest');
  process.kill(pid, 'SIGQUIT');
  assert.equal(await d.exited, 0);
  assert.ok(!isAlive(web.pid ?? 0), 'SIGQUIT killed the services');
});

function run(t: TestContext, e: Env, script: string) {
  const file = path.join(e.dir, 'script.ts');
  writeFileSync(file, script);
  const child = spawn(process.execPath, [tendMain, 'run', file], { env: e.env, cwd: e.dir });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  t.after(() => child.kill('SIGKILL'));
  return { child, output: () => out, exited };
}

test('tend run forwards what the script does not handle to its children, and SIGUSR1 opens no inspector', async (t) => {
  const e = testEnv(t);
  const got = path.join(e.dir, 'got');
  const trapped = ['HUP', 'USR1', 'USR2', 'QUIT', 'WINCH', 'ALRM'];
  const child = `${trapped.map((s) => `trap 'echo ${s} >> ${got}' ${s}`).join('; ')}; echo ready >> ${got}; while :; do sleep 0.05; done`;
  const r = run(t, e, `import { exec } from 'tend/init';\nexec('sh', '-c', ${JSON.stringify(child)});\n`);
  await waitFor('the child to trap', () => linesOf(got).includes('ready'));
  const pid = r.child.pid ?? 0;
  for (const s of trapped) {
    process.kill(pid, `SIG${s}` as NodeJS.Signals);
    await waitFor(`SIG${s} to reach the child`, () => linesOf(got).includes(s));
  }
  assert.ok(isAlive(pid), 'tend run is alive');
  assert.doesNotMatch(r.output(), /Debugger listening/);
  assert.deepEqual(listeningPorts(pid), [], 'no inspector listening');
  process.kill(pid, 'SIGTERM');
  assert.equal(await r.exited, 0);
});

test("an exception in a script's every() callback or signal handler is reported with its stack; the script goes on", async (t) => {
  const e = testEnv(t);
  const ticks = path.join(e.dir, 'ticks');
  const r = run(
    t,
    e,
    `import { appendFileSync } from 'node:fs';
import { every } from 'tend/init';
let n = 0;
const timer = every(0.02, () => {
  n++;
  appendFileSync(${JSON.stringify(ticks)}, n + '\\n');
  if (n === 2) throw new Error('tick two went wrong');
  if (n === 6) timer.cancel();
});
process.on('SIGHUP', () => { throw new Error('the HUP handler broke'); });
setInterval(() => {}, 1000);
`,
  );
  await waitFor('six ticks', () => linesOf(ticks).length >= 6);
  assert.match(r.output(), /every\(\) callback failed: Error: tick two went wrong\n\s+at /);
  process.kill(r.child.pid ?? 0, 'SIGHUP');
  await waitFor('the handler error', () =>
    /SIGHUP handler failed: Error: the HUP handler broke/.test(r.output()),
  );
  assert.ok(isAlive(r.child.pid ?? 0));
  process.kill(r.child.pid ?? 0, 'SIGTERM');
  assert.equal(await r.exited, 0, r.output());
});

test('the signal table of docs/containers.md is the one tend installs', () => {
  const page = readFileSync(path.join(root, 'docs/containers.md'), 'utf8');
  const section = page.slice(page.indexOf('<!-- signals -->'), page.indexOf('<!-- /signals -->'));
  assert.ok(section.length > 0, 'docs/containers.md has the signal table');
  const modes: SignalMode[] = ['up', 'daemon', 'init', 'run'];
  for (const signal of handledSignals) {
    const row = section.split('\n').find((l) => l.startsWith(`| \`${signal}\``));
    assert.ok(row, `a row for ${signal}`);
    const cells = row
      .split('|')
      .slice(2, 6)
      .map((c) => c.trim());
    assert.deepEqual(
      cells,
      modes.map((m) => actionWording[signalActions[signal][m]]),
      `the row for ${signal}`,
    );
  }
});
