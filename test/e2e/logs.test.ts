import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { spawnTend, startDaemon, tend, tendMain, testEnv } from '../cli.ts';
import { gate, waitFor } from '../helpers.ts';

const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

const countLines = (file: string) => {
  try {
    return readFileSync(file, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
};

test('1,000,000 numbered lines reach the log file complete and in order, and a follower that keeps up', async (t) => {
  const e = testEnv(t);
  const config = path.join(e.dir, 'tend.toml');
  writeFileSync(
    config,
    '[services.counter]\ncommand = "seq 1 1000000"\nrestart = "never"\nautostart = false\nlogs = { max_size = 0 }\n',
  );
  await startDaemon(t, e, [config]);
  const follower = spawn(process.execPath, [tendMain, 'logs', '-f', '-n', '0', 'counter'], { env: e.env });
  t.after(() => follower.kill('SIGKILL'));
  let expected = 1;
  let bad = '';
  let buf = '';
  follower.stdout.on('data', (d: Buffer) => {
    buf += d;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const l of lines) {
      const m = /^counter \| (\d+)$/.exec(l);
      if (!m || Number(m[1]) !== expected) bad ||= `line ${expected}: ${l}`;
      expected++;
    }
  });
  let err = '';
  follower.stderr.on('data', (d) => {
    err += d;
  });
  await waitFor('the follower to subscribe', () => err.includes('following logs'));
  assert.equal((await tend(e, ['start', 'counter'])).code, 0);
  const file = path.join(e.home, 'logs', 'counter.log');
  await waitFor('all lines in the file', () => countLines(file) === 1_000_000, {
    timeoutMs: 60_000,
    everyMs: 100,
  });
  const numbers = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(numbers.length, 1_000_000);
  numbers.forEach((n, i) => {
    if (Number(n) !== i + 1) assert.fail(`line ${i + 1} is ${n}`);
  });
  await waitFor('the follower to see every line', () => expected > 1_000_000 || bad, {
    timeoutMs: 60_000,
    everyMs: 50,
  });
  assert.equal(bad, '');
});

test('a line written in several pieces is one line with one timestamp: in the file, in tend logs and in tend up', async (t) => {
  const e = testEnv(t);
  const config = path.join(e.dir, 'tend.toml');
  const script = path.join(e.dir, 'pieces.mjs');
  writeFileSync(
    script,
    `process.stdout.write('a'); setTimeout(() => { process.stdout.write('b'); setTimeout(() => { process.stdout.write('c\\n' + 'x'.repeat(2048) + '\\n'); setInterval(() => {}, 1000); }, 30); }, 30);`,
  );
  writeFileSync(
    config,
    `[services.pieces]\nargs = [${JSON.stringify(process.execPath)}, ${JSON.stringify(script)}]\nlogs = { timestamps = true }\n`,
  );
  const up = spawnTend({ ...e, env: { ...e.env, TEND_HOME: '' } }, ['up', config], e.dir);
  t.after(() => up.child.kill('SIGKILL'));
  await waitFor('both lines in tend up', () => up.output().includes(`pieces | ${'x'.repeat(2048)}`));
  assert.match(up.output(), /^pieces \| abc$/m);
  const file = path.join(e.dir, '.tend', 'logs', 'pieces.log');
  await waitFor('the file', () => countLines(file) === 2);
  const [first, second] = readFileSync(file, 'utf8').split('\n');
  assert.match(first ?? '', /^\d{4}-\d\d-\d\dT[\d:.]+Z abc$/);
  assert.match(second ?? '', new RegExp(`^\\S+Z ${'x'.repeat(2048)}$`));
  const logs = await tend({ ...e, env: { ...e.env, TEND_HOME: '' } }, ['logs', '--json'], { cwd: e.dir });
  const lines = logs.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l: { text: string }) => l.text.length),
    [3, 2048],
  );
  up.child.kill('SIGINT');
  assert.equal(await up.exited, 0);
});

test('a follower that stops reading slows nothing; when it reads again it is told how many lines it missed', async (t) => {
  const e = testEnv(t);
  const g = gate(t);
  const config = path.join(e.dir, 'tend.toml');
  // phase 1: 150,000 lines in 30 bursts while the follower does not read; phase 2 after the gate
  writeFileSync(
    config,
    `[services.chatty]\ncommand = "for k in $(seq 0 29); do seq -f 'phase-one %g ${'p'.repeat(40)}' $((k * 5000 + 1)) $((k * 5000 + 5000)); sleep 0.02; done; ${g.wait}; seq -f 'phase-two %g' 1 1000; exec sleep 1000"\nlogs = { max_size = 0 }\nautostart = false\n`,
  );
  // a small follow buffer, so that a few MB of lines overflow it
  await startDaemon(t, { ...e, env: { ...e.env, TEND_FOLLOW_BUFFER: String(512 * 1024) } }, [config]);
  const socket = net.connect(path.join(e.home, 'tend.sock'));
  t.after(() => socket.destroy());
  let text = '';
  socket.on('data', (d) => {
    text += d;
  });
  socket.write(
    `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'logs.follow', params: { names: ['chatty'] } })}\n`,
  );
  await waitFor('the subscription', () => text.includes('"subscription"'));
  socket.pause();
  assert.equal((await tend(e, ['start', 'chatty'])).code, 0);
  const file = path.join(e.home, 'logs', 'chatty.log');
  // the size of phase one, computed, so waiting for it costs a stat and not a read of the file
  let phaseOne = 0;
  for (let i = 1; i <= 150_000; i++) phaseOne += `phase-one ${i} ${'p'.repeat(40)}\n`.length;
  await waitFor('phase one in the file, whatever the follower does', () => sizeOf(file) >= phaseOne, {
    timeoutMs: 60_000,
    everyMs: 50,
  });
  socket.resume();
  // a ping answered on this socket comes after everything queued for it: the backlog is read
  socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'system.ping' })}\n`);
  await waitFor('the backlog to drain', () => text.includes('"id":2'), { timeoutMs: 60_000, everyMs: 50 });
  g.open();
  await waitFor('phase two to reach the follower', () => text.includes('phase-two 1000'), {
    timeoutMs: 30_000,
  });
  const batches = text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((m) => m.method === 'logs.lines');
  const received = batches.reduce((n, b) => n + b.params.lines.length, 0);
  assert.deepEqual(batches[0].params.lines[0].slice(0, 2), ['chatty', 0]);
  const missed = batches.reduce((n, b) => n + (b.params.missed ?? 0), 0);
  assert.ok(missed > 0, 'the slow reader missed lines and was told');
  assert.equal(received + missed, 151_000, 'every line was either delivered or counted as missed');
});

test('with nobody following, a writer faster than the splitting: the file is whole and in order, and tend logs ends with the newest lines', async (t) => {
  const e = testEnv(t);
  const config = path.join(e.dir, 'tend.toml');
  writeFileSync(
    config,
    '[services.burst]\ncommand = "seq 1 1000000"\nrestart = "never"\nautostart = false\nlogs = { max_size = 0 }\n',
  );
  await startDaemon(t, e, [config]);
  assert.equal((await tend(e, ['start', 'burst'])).code, 0);
  const file = path.join(e.home, 'logs', 'burst.log');
  await waitFor('all lines in the file', () => countLines(file) === 1_000_000, {
    timeoutMs: 60_000,
    everyMs: 100,
  });
  const last = await waitFor('the newest lines in memory', async () => {
    const out = (await tend(e, ['logs', 'burst', '-n', '3'])).stdout;
    return out.includes('| 1000000') && out;
  });
  assert.deepEqual(last.trimEnd().split('\n'), ['burst | 999998', 'burst | 999999', 'burst | 1000000']);
  const numbers = readFileSync(file, 'utf8').trimEnd().split('\n');
  for (const [i, n] of numbers.entries()) if (Number(n) !== i + 1) assert.fail(`line ${i + 1} is ${n}`);
});
