/**
 * Socket activation (systemd's protocol) with the socket held by tend: a Node HTTP server
 * (examples/socket-activation/server.js) under a load loop while it is restarted ten times,
 * and again across a hot restart of tend: no connection is refused or reset, they wait in the
 * listen queue. And a port below 1024 given to a service that runs as nobody.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { connect } from '../../src/client/client.ts';
import type { FdView } from '../../src/protocol/fd-methods.ts';
import { daemonWithConfig, type Env, root, tend, tendJson, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

const server = path.join(root, 'examples/socket-activation/server.js');

function config(instances: number): string {
  return `[fds.http]
type = "socket"
listen = "tcp://127.0.0.1:0"

[services.web]
args = [${JSON.stringify(process.execPath)}, ${JSON.stringify(server)}]
sockets = ["http"]
instances = ${instances}
restart = "always"
`;
}

async function portOf(e: Env, handle: string): Promise<number> {
  const h = (await tendJson<FdView[]>(e, ['fd', 'ls'])).find((x) => x.name === handle);
  return Number(h?.detail.split(':').pop());
}

interface Outcome {
  readonly ms: number;
  readonly during: boolean;
  readonly error: string | null;
  readonly body: string;
}

function get(port: number): Promise<{ error: string | null; body: string }> {
  return new Promise((resolve) => {
    const req = http.get(
      { host: '127.0.0.1', port, agent: false, headers: { connection: 'close' } },
      (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ error: null, body }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, body }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message, body: '' }));
    // a request that hangs is a failure too, never a hung test
    req.setTimeout(15_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
  });
}

/**
 * At least `total` requests, `concurrency` at a time; `every` answers after the last one ended,
 * `disturb` runs again (a restart), at most `times` times. Latency is kept apart for requests that
 * began while a disturbance ran.
 */
async function load(
  port: number,
  opts: {
    total: number;
    concurrency: number;
    every: number;
    times: number;
    disturb: (i: number) => Promise<void>;
  },
): Promise<{ outcomes: Outcome[]; disturbed: number }> {
  const outcomes: Outcome[] = [];
  let started = 0;
  let disturbed = 0;
  let busy: Promise<void> | null = null;
  let nextAt = opts.every;
  const worker = async () => {
    // at least `total` requests, and on until every disturbance has run and ended
    while (started < opts.total || disturbed < opts.times || busy) {
      started++;
      const during = busy !== null;
      const t0 = performance.now();
      const r = await get(port);
      outcomes.push({ ms: performance.now() - t0, during, ...r });
      // the next disturbance once `every` more answers came after the last one ended
      if (outcomes.length >= nextAt && !busy && disturbed < opts.times) {
        const i = disturbed++;
        busy = opts.disturb(i).finally(() => {
          busy = null;
          nextAt = outcomes.length + opts.every;
        });
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  await busy;
  return { outcomes, disturbed };
}

function report(t: TestContext, outcomes: readonly Outcome[]): void {
  const ms = (list: readonly Outcome[]) => list.map((o) => o.ms).sort((a, b) => a - b);
  const pct = (xs: number[], p: number) =>
    (xs[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))] ?? 0).toFixed(1);
  const all = ms(outcomes);
  const during = ms(outcomes.filter((o) => o.during));
  t.diagnostic(
    `${outcomes.length} requests: p50 ${pct(all, 50)} ms, p99 ${pct(all, 99)} ms, max ${pct(all, 100)} ms; ` +
      `${during.length} during restarts: p50 ${pct(during, 50)} ms, p99 ${pct(during, 99)} ms, max ${pct(during, 100)} ms`,
  );
}

/** `tend restart web` through the SDK (a CLI process per restart would dominate the time). */
async function restartWeb(e: Env): Promise<void> {
  // after a hot restart there is no tend for a moment: connect again until one answers
  await waitFor(
    'web restarted',
    async () => {
      try {
        await using client = await connect({ socket: path.join(e.home, 'tend.sock') });
        await client.service.restart({ names: ['web'], wait: 20_000 });
        return true;
      } catch {
        return false;
      }
    },
    { everyMs: 50 },
  );
}

test('a socket-activated Node server under load restarted ten times: no connection refused or reset', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(t, e, config(2));
  const port = await portOf(e, 'http');
  await waitFor('web answers', async () => (await get(port)).error === null);
  const { outcomes, disturbed } = await load(port, {
    total: 2000,
    concurrency: 8,
    every: 60,
    times: 10,
    disturb: () => restartWeb(e),
  });
  assert.equal(disturbed, 10);
  const errors = outcomes.filter((o) => o.error !== null).map((o) => o.error);
  assert.deepEqual(errors, [], 'no request failed (no ECONNREFUSED, no ECONNRESET)');
  report(t, outcomes);
  const served = new Set(outcomes.map((o) => o.body.split(' ')[1]));
  assert.ok(
    served.size >= 11,
    `ten restarts of two instances: at least 11 processes answered, saw ${served.size}`,
  );
  const web = await tendJson<{ restarts: number }[]>(e, ['status', 'web']);
  assert.ok(web.every((w) => w.restarts === 10));
});

test('the socket and its listen queue survive a hot restart of tend in the middle of the load', async (t) => {
  const e = testEnv(t);
  const daemon = await daemonWithConfig(t, e, config(1));
  const port = await portOf(e, 'http');
  const before = (await tendJson<FdView[]>(e, ['fd', 'ls']))[0];
  await waitFor('web answers', async () => (await get(port)).error === null);
  const { outcomes } = await load(port, {
    total: 2000,
    concurrency: 8,
    every: 60,
    times: 10,
    disturb: async (i) => {
      if (i === 5) {
        const r = await tend(e, ['system', 'restart']);
        assert.equal(r.code, 0, r.stderr);
      }
      await restartWeb(e);
    },
  });
  const errors = outcomes.filter((o) => o.error !== null).map((o) => o.error);
  assert.deepEqual(errors, [], 'no request failed');
  report(t, outcomes);
  const after = (await tendJson<FdView[]>(e, ['fd', 'ls']))[0];
  assert.equal(after?.fd, before?.fd, 'the same fd, passed across the execve');
  assert.equal(after?.detail, before?.detail);
  assert.equal(daemon.child.exitCode, null, 'the same tend process');
  assert.equal((await tendJson<{ restarts: number }[]>(e, ['status', 'web']))[0]?.restarts, 10);
});

test('a port-80 socket bound by tend serves a service that runs as nobody', async (t) => {
  const e = testEnv(t);
  // a loopback address of its own, so nothing else on this machine holds its port 80
  const host = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}.${2 + Math.floor(Math.random() * 250)}`;
  const code = `require('node:http').createServer((q, r) => r.end(String(process.getuid()))).listen({ fd: 3 })`;
  await daemonWithConfig(
    t,
    e,
    `[fds.www]
type = "socket"
listen = "tcp://${host}:80"

[services.www]
args = [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(code)}]
cwd = "/"
user = "nobody"
sockets = ["www"]
`,
  );
  const body = await waitFor('the unprivileged server to answer on port 80', async () => {
    const answer = await new Promise<string | null>((resolve) => {
      http
        .get({ host, port: 80, agent: false }, (res) => {
          let b = '';
          res.on('data', (d) => {
            b += d;
          });
          res.on('end', () => resolve(b));
        })
        .on('error', () => resolve(null));
    });
    return answer;
  });
  assert.equal(body, '65534', 'answered by uid 65534 (nobody)');
  const [h] = await tendJson<FdView[]>(e, ['fd', 'ls']);
  assert.equal(h?.detail, `tcp://${host}:80`);
  assert.equal(h?.users[0]?.service, 'www');
});
