/**
 * On-demand services (zinit's xinit): tend listens, the first connection starts the service,
 * idle it is stopped, the next connection starts it again; fifty first connections at once
 * start it once. And the variant without a proxy, where the service takes the socket itself.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import path from 'node:path';
import test from 'node:test';
import type { FdView, ProxyView } from '../../src/protocol/fd-methods.ts';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, type Env, root, tendJson, testEnv } from '../cli.ts';
import { freePort, waitFor } from '../helpers.ts';

function get(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
  });
}

const state = async (e: Env, name: string) => (await tendJson<ServiceView[]>(e, ['status', name]))[0]?.state;
const proxy = async (e: Env) => (await tendJson<ProxyView[]>(e, ['proxy', 'ls']))[0];

test('the first connection starts the backend, idle it stops, the next starts it again, fifty at once start it once', async (t) => {
  const e = testEnv(t);
  const backend = await freePort();
  const code = `require('node:http').createServer((q, r) => r.end(String(process.pid))).listen(${backend}, '127.0.0.1')`;
  await daemonWithConfig(
    t,
    e,
    `[services.api]
args = [${JSON.stringify(process.execPath)}, "-e", ${JSON.stringify(code)}]

[services.api.on_demand]
listen = "tcp://127.0.0.1:0"
backend = "127.0.0.1:${backend}"
idle_timeout = "700ms"
connect_timeout = "20s"
`,
  );
  assert.equal(await state(e, 'api'), 'inactive', 'nothing runs before a connection');
  const listen = (await proxy(e))?.listen ?? '';
  const port = Number(listen.split(':').pop());

  const first = await get(port);
  assert.match(first, /^\d+$/, 'the first request is answered by the backend it started');
  assert.equal((await proxy(e))?.starts, 1);
  await waitFor('the idle backend stopped', async () => (await state(e, 'api')) === 'inactive');

  const second = await get(port);
  assert.notEqual(second, first, 'a new process');
  assert.equal((await proxy(e))?.starts, 2);
  await waitFor('stopped again', async () => (await state(e, 'api')) === 'inactive');

  const answers = await Promise.all(Array.from({ length: 50 }, () => get(port)));
  assert.equal(new Set(answers).size, 1, 'one process answered all fifty');
  const p = await proxy(e);
  assert.equal(p?.starts, 3, 'fifty first connections started it once');
  assert.equal(p?.total, 52);
  assert.equal(p?.failures, 0);
  assert.ok((p?.bytes_in ?? 0) > 0 && (p?.bytes_out ?? 0) > 0);
  const handles = await tendJson<FdView[]>(e, ['fd', 'ls']);
  assert.deepEqual(
    handles.map((h) => [h.name, h.origin]),
    [['on_demand.api', 'config']],
  );
});

test('without a backend the service takes the socket itself: a waiting connection starts it', async (t) => {
  const e = testEnv(t);
  const server = path.join(root, 'examples/socket-activation/server.js');
  await daemonWithConfig(
    t,
    e,
    `[fds.http]
type = "socket"
listen = "tcp://127.0.0.1:0"

[services.web]
args = [${JSON.stringify(process.execPath)}, ${JSON.stringify(server)}]
sockets = ["http"]

[services.web.on_demand]
`,
  );
  assert.equal(await state(e, 'web'), 'inactive');
  const [h] = await tendJson<FdView[]>(e, ['fd', 'ls']);
  const port = Number(h?.detail.split(':').pop());
  const body = await get(port);
  assert.match(body, /^web \d+\n$/, 'answered by the service, which accepted from the queue');
  assert.equal((await proxy(e))?.starts, 1);
  assert.equal((await proxy(e))?.backend, null);
});
