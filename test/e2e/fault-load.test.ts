/**
 * Faults from outside: tend out of file descriptors (its soft limit lowered to what it holds,
 * with prlimit), and 20 clients calling at once while 30 services crash-loop. tend answers
 * throughout, each failure is the service's own and says why, and nothing is left stuck.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../../src/client/client.ts';
import { daemonWithConfig, tendJson, testEnv } from '../cli.ts';
import { isAlive, waitFor } from '../helpers.ts';

/** The soft and hard limits of open files of a process, from /proc. */
function fileLimits(pid: number): { soft: string; hard: string } {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft = '', hard = ''] = line?.replace('Max open files', '').trim().split(/\s+/) ?? [];
  return { soft, hard };
}

test('out of file descriptors (ulimit -n lowered on a running tend): each new service fails with a clear error, nothing crashes, and they start once fds are back', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(t, e, '[services.base]\nargs = ["sleep", "1000"]\n');
  const { pid } = await tendJson<{ pid: number }>(e, ['ping']);
  const client = await connect({ home: e.home });
  t.after(() => client.close());
  const [base] = await client.service.status({ name: 'base' });
  const limits = fileLimits(pid);
  // not one more descriptor: the soft limit at what tend holds now
  const held = readdirSync(`/proc/${pid}/fd`).length;
  execFileSync('prlimit', ['--pid', String(pid), `--nofile=${held}:`]);
  const names = ['a', 'b', 'c'];
  let added: Awaited<ReturnType<typeof client.service.add>>;
  try {
    added = await client.service.add({
      services: Object.fromEntries(names.map((n) => [n, { args: ['sleep', '1000'] }])),
    });
  } finally {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${limits.soft}:${limits.hard}`]);
  }
  t.diagnostic(`tend held ${held} descriptors; its soft limit was set to that, then back to ${limits.soft}`);
  assert.deepEqual(
    added.map((s) => s.state),
    ['failed', 'failed', 'failed'],
  );
  for (const s of added) assert.match(s.reason, /^could not start: EMFILE: too many open files/, s.name);
  assert.ok(isAlive(pid), 'tend lives');
  const [still] = await client.service.status({ name: 'base' });
  assert.equal(still?.pid, base?.pid, 'the running service was not touched');
  assert.equal(still?.state, 'running');
  // with descriptors again, the same services start, and no pipe of the failed runs is in the way
  const started = await client.service.start({ names, wait: 10_000 });
  assert.deepEqual(
    started.map((s) => `${s.name}=${s.state}`),
    ['a=running', 'b=running', 'c=running'],
  );
  const exits = await client.history.query({ names, kinds: ['state'] });
  assert.equal(
    exits.entries.filter((x) => x.what.includes('EMFILE')).length,
    3,
    'each failure is in the history',
  );
  // the definitions reach services.json, at once or by the retry of a save that had no fd
  const saved = path.join(e.home, 'state', 'services.json');
  await waitFor('a, b and c saved', () => {
    try {
      const file = JSON.parse(readFileSync(saved, 'utf8')) as { services: Record<string, unknown> };
      return names.every((n) => n in file.services);
    } catch {
      return false;
    }
  });
});

test('20 clients calling at once while 30 services crash-loop: every call answered, latency reported', async (t) => {
  const e = testEnv(t);
  const services = Array.from(
    { length: 30 },
    (_, i) =>
      `[services.crash${i}]\nargs = ["sh", "-c", "sleep 0.2; exit 1"]\nrestart = "always"\nrestart_delay = "50ms"\nbackoff = false\nmax_restarts = 100000\n`,
  ).join('');
  await daemonWithConfig(t, e, services);
  const { pid } = await tendJson<{ pid: number }>(e, ['ping']);
  const clients = await Promise.all(Array.from({ length: 20 }, () => connect({ home: e.home })));
  t.after(() => {
    for (const c of clients) c.close();
  });
  const latencies: number[] = [];
  const failures: string[] = [];
  const perClient = 25;
  const began = Date.now();
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < perClient; i++) {
        const name = `crash${(k + i) % 30}`;
        const calls = [
          () => c.service.list(),
          () => c.service.status({ name }),
          () => c.logs.get({ names: [name], lines: 20 }),
          () => c.history.query({ names: [name], limit: 20 }),
          () => c.service.restart({ names: [name] }),
        ];
        const t0 = performance.now();
        try {
          await calls[i % calls.length]?.();
        } catch (err) {
          failures.push(`${k}/${i}: ${(err as Error).message}`);
        }
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const took = Date.now() - began;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const list = await clients[0]?.service.list();
  const restarts = (list ?? []).reduce((n, s) => n + s.restarts, 0);
  t.diagnostic(
    `${latencies.length} calls from 20 clients in ${took} ms while 30 services crash-looped (${restarts} restarts so far): p50 ${at(0.5).toFixed(1)} ms, p95 ${at(0.95).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${at(1).toFixed(1)} ms`,
  );
  assert.deepEqual(failures, []);
  assert.equal(latencies.length, 20 * perClient);
  assert.ok(isAlive(pid));
  assert.ok(restarts > 30, 'the services were crash-looping meanwhile');
});
