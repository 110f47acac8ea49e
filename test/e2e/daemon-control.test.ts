import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { isAlive, waitFor } from '../helpers.ts';

const byName = (list: ServiceView[], name: string) => list.find((s) => s.name === name);

test('services added to a daemon run, obey stop/start/restart/kill, and come back after a daemon restart', async (t) => {
  const e = testEnv(t);
  const first = await startDaemon(t, e);

  for (const name of ['alpha', 'beta']) {
    const r = await tend(e, [
      'add',
      name,
      '--restart',
      'always',
      '--restart-delay',
      '0',
      '--',
      'sleep',
      '1000',
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
  const file = path.join(e.dir, 'gamma.toml');
  writeFileSync(file, '[services.gamma]\ncommand = "sleep 1001"\nrestart = "always"\nrestart_delay = 0\n');
  assert.equal((await tend(e, ['add', '-f', file])).code, 0);

  const running = await waitFor('three running services', async () => {
    const list = await tendJson<ServiceView[]>(e, ['ls']);
    return list.length === 3 && list.every((s) => s.state === 'running') && list;
  });
  for (const s of running) {
    assert.ok(s.pid !== null && isAlive(s.pid), `${s.name} has a live pid`);
    assert.equal(typeof s.uptime_ms, 'number');
    assert.equal(s.restarts, 0);
    assert.equal(s.last_exit, null);
  }

  assert.equal((await tend(e, ['stop', 'alpha'])).code, 0);
  let list = await tendJson<ServiceView[]>(e, ['ls']);
  assert.equal(byName(list, 'alpha')?.state, 'inactive');
  assert.equal(byName(list, 'alpha')?.pid, null);

  assert.equal((await tend(e, ['start', 'alpha'])).code, 0);
  list = await tendJson<ServiceView[]>(e, ['ls']);
  assert.equal(byName(list, 'alpha')?.state, 'running');

  const betaPid = byName(list, 'beta')?.pid;
  assert.equal((await tend(e, ['restart', 'beta'])).code, 0);
  list = await tendJson<ServiceView[]>(e, ['ls']);
  assert.notEqual(byName(list, 'beta')?.pid, betaPid);

  const gammaPid = byName(list, 'gamma')?.pid;
  assert.equal((await tend(e, ['kill', 'gamma', 'KILL'])).code, 0);
  const gamma = await waitFor('gamma restarted after SIGKILL', async () => {
    const g = byName(await tendJson<ServiceView[]>(e, ['ls']), 'gamma');
    return g?.state === 'running' && g.pid !== gammaPid && g;
  });
  assert.deepEqual(gamma.last_exit && { code: gamma.last_exit.code, signal: gamma.last_exit.signal }, {
    code: null,
    signal: 'SIGKILL',
  });
  assert.equal(gamma.restarts, 1);

  // a clean restart of the daemon: the added services are saved and come back
  assert.equal((await tend(e, ['shutdown'])).code, 0);
  assert.equal(await first.exited, 0);
  for (const s of list) if (s.pid) assert.ok(!isAlive(s.pid), `${s.name} was stopped with the daemon`);
  await startDaemon(t, e);
  const back = await waitFor('services back after restart', async () => {
    const l = await tendJson<ServiceView[]>(e, ['ls']);
    return l.length === 3 && l.every((s) => s.state === 'running') && l;
  });
  assert.deepEqual(back.map((s) => s.name).sort(), ['alpha', 'beta', 'gamma']);
});

test('a second daemon on the same home refuses; after kill -9 of the first a new one replaces the stale socket', async (t) => {
  const e = testEnv(t);
  const first = await startDaemon(t, e);
  const second = await tend(e, ['daemon']);
  assert.equal(second.code, 1);
  assert.match(second.stderr, /another tend already serves .*tend\.sock \(pid \d+\)/);
  first.child.kill('SIGKILL');
  await first.exited;
  await startDaemon(t, e);
  assert.equal((await tend(e, ['ping'])).code, 0);
});

test('tend events prints state changes as JSON lines while a service restarts', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  assert.equal((await tend(e, ['add', 'svc', '--', 'sleep', '1000'])).code, 0);
  const { spawn } = await import('node:child_process');
  const { tendMain } = await import('../cli.ts');
  const events = spawn(process.execPath, [tendMain, 'events'], { env: e.env });
  t.after(() => events.kill('SIGKILL'));
  let out = '';
  let err = '';
  events.stdout.on('data', (d) => {
    out += d;
  });
  events.stderr.on('data', (d) => {
    err += d;
  });
  await waitFor('events to subscribe', () => err.includes('following events'));
  assert.equal((await tend(e, ['restart', 'svc'])).code, 0);
  await waitFor('the restart to be reported', () => out.includes('"to":"running"'));
  const lines = out
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; to?: string; reason?: string; state?: string });
  // the stream opens with where things stand, then a marker
  assert.deepEqual(
    lines.slice(0, 2).map((l) => [l.type, l.state]),
    [
      ['snapshot', 'running'],
      ['snapshot-end', undefined],
    ],
  );
  const states = lines.filter((l) => l.type === 'state').map((l) => l.to);
  assert.ok(
    states.includes('stopping') && states.includes('starting') && states.includes('running'),
    states.join(','),
  );
  assert.ok(lines.some((l) => l.reason === 'restart requested'));

  const tsv = spawn(process.execPath, [tendMain, 'events', '--format', 'tsv'], { env: e.env });
  t.after(() => tsv.kill('SIGKILL'));
  let text = '';
  tsv.stdout.on('data', (d) => {
    text += d;
  });
  await waitFor('the tsv snapshot', () => text.includes('snapshot.end'));
  const [first, marker] = text.trim().split('\n');
  assert.match(first ?? '', /^service\.state\tsvc\trunning\t\d+\t\d+\t/);
  assert.match(marker ?? '', /^snapshot\.end\t\d+$/);
  assert.equal((await tend(e, ['kill', 'svc', 'KILL'])).code, 0);
  await waitFor('the exit line', () =>
    /^service\.exit\tsvc\t\d+\t\d+\tsignal\tSIGKILL\t\d+\t\d*$/m.test(text),
  );
});

test('an unreachable daemon says where it looked and how to start one', async (t) => {
  const e = testEnv(t);
  const r = await tend(e, ['ls']);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /no tend is running at .*home\/tend\.sock/);
  assert.match(r.stderr, /hint: start one with "tend daemon -d"/);
});

test('tend daemon -d detaches, writes a PID file (the PID alone, its start time beside it), and stops on shutdown', async (t) => {
  const e = testEnv(t);
  const r = await tend(e, ['daemon', '-d']);
  assert.equal(r.code, 0, r.stderr);
  const { readFileSync } = await import('node:fs');
  // `kill $(cat tend.pid)` signals tend and nothing else
  const text = readFileSync(path.join(e.home, 'tend.pid'), 'utf8');
  assert.match(text, /^\d+\n$/);
  const pid = Number(text);
  const info = JSON.parse(readFileSync(path.join(e.home, 'tend.pid.json'), 'utf8'));
  assert.equal(info.pid, pid);
  assert.equal(info.socket, path.join(e.home, 'tend.sock'));
  const startTicks = info.start_ticks;
  assert.match(r.stdout, new RegExp(`tend daemon running \\(pid ${pid}\\)`));
  assert.ok(pid && isAlive(pid));
  const { readStat } = await import('../../src/process/proc.ts');
  assert.equal(readStat(pid)?.startTicks, startTicks);
  assert.equal((await tend(e, ['shutdown'])).code, 0);
  // re-parented to init, it may linger as a zombie until init reaps it
  assert.ok(['Z', 'X', undefined].includes(readStat(pid)?.state), 'the daemon has ended');
});

test('an event reader that falls behind gets an overflow line with the count and a fresh snapshot, never a silent gap', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, { ...e, env: { ...e.env, TEND_FOLLOW_BUFFER: '100000' } });
  // 300 instances: one restart of all of them is ~1800 events, more than the socket's own buffer
  assert.equal((await tend(e, ['add', 'svc', '-i', '300', '--', 'sleep', '1000'])).code, 0);
  const net = await import('node:net');
  const socket = net.connect(path.join(e.home, 'tend.sock'));
  t.after(() => socket.destroy());
  let text = '';
  socket.on('data', (d) => {
    text += d;
  });
  socket.write(
    `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'events.subscribe', params: { snapshot: true } })}\n`,
  );
  await waitFor('the snapshot', () => text.includes('snapshot-end'));
  socket.pause();
  // far more than the kernel's socket buffer plus 100 kB while the reader does not read
  for (let i = 0; i < 3; i++) assert.equal((await tend(e, ['restart', 'svc'])).code, 0);
  socket.resume();
  const before = text.length;
  socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'system.ping' })}\n`);
  await waitFor('the backlog', () => text.includes('"id":2'));
  assert.equal((await tend(e, ['restart', 'svc:0'])).code, 0);
  await waitFor('an overflow line', () => text.slice(before).includes('"overflow"'));
  // the fresh snapshot follows the overflow line; its end may still be on the way
  await waitFor('the fresh snapshot', () =>
    text.slice(text.indexOf('"overflow"', before)).includes('snapshot-end'),
  );
  const events = text
    .slice(0, text.lastIndexOf('\n'))
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((m) => m.method === 'events.event')
    .map((m) => m.params.event);
  const at = events.findIndex((ev) => ev.type === 'overflow');
  assert.ok(events[at].missed > 0, 'the count of what was missed');
  assert.equal(events[at + 1].type, 'snapshot');
  assert.ok(events.slice(at).some((ev) => ev.type === 'snapshot-end'));
});
