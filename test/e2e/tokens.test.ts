/**
 * Scoped access against a real daemon: named tokens on the HTTP API (read, control, admin;
 * revoked; failures rate-limited and logged) and the unix socket opened to a group, checked
 * with the peer's credentials by users other than the owner.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { HistoryEntryView, ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, type Env, type Result, tend, tendJson, tendMain, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

const ticking = `[services.web]\nargs = ["sh", "-c", "while :; do echo tick; sleep 0.05; done"]\n`;

async function call(url: string, token: string, method: string, route: string, body?: unknown) {
  const res = await fetch(`${url}${route}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    json: () => JSON.parse(text) as Record<string, unknown>,
    text,
  };
}

test('a read token lists and follows logs but gets 403 for stop (and a JSON-RPC error); control may stop, not remove; a revoked token gets 401; failures are rate-limited and logged; the history names each token', async (t) => {
  const e = testEnv(t);
  const d = await daemonWithConfig(t, e, `${ticking}[server.http]\nlisten = "127.0.0.1:0"\n`);
  const url = await waitFor(
    'the HTTP API to listen',
    () => /HTTP API on (http:\/\/[^\s"]+)/.exec(d.output())?.[1],
  );
  const viewer = await tendJson<{ token: string; scope: string }>(e, [
    'token',
    'add',
    'viewer',
    '--scope',
    'read',
  ]);
  const ops = await tendJson<{ token: string }>(e, ['token', 'add', 'ops', '--scope', 'control']);
  assert.equal(viewer.scope, 'read');
  const listed = await tendJson<{ name: string; scope: string }[]>(e, ['token', 'ls']);
  assert.deepEqual(
    listed.map((x) => `${x.name}:${x.scope}`),
    ['admin:admin', 'viewer:read', 'ops:control'],
  );
  // only hashes are kept, in a file only the owner reads
  const file = path.join(e.home, 'state', 'tokens.json');
  assert.ok(!readFileSync(file, 'utf8').includes(viewer.token));
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.equal((await tend(e, ['token', 'add', 'viewer', '--scope', 'read'])).code, 1, 'names are unique');

  const list = await call(url, viewer.token, 'GET', '/api/services');
  assert.equal(list.status, 200);
  assert.equal(list.headers.get('x-tend-scope'), 'read', 'the page learns to show no action buttons');
  // a read token made for a scraper reads /metrics; nobody without one does
  const scraped = await call(url, viewer.token, 'GET', '/metrics');
  assert.equal(scraped.status, 200);
  assert.match(scraped.text, /tend_service_restarts_total/);
  assert.equal((await fetch(`${url}/metrics`)).status, 401, 'metrics = "token" is the default');
  assert.deepEqual(
    (list.json() as unknown as ServiceView[]).map((s) => s.name),
    ['web'],
  );
  // a follow is a read: the first line arrives
  const follow = new AbortController();
  const stream = await fetch(`${url}/api/services/web/logs?follow=1&lines=0`, {
    headers: { authorization: `Bearer ${viewer.token}` },
    signal: follow.signal,
  });
  assert.equal(stream.status, 200);
  const reader = stream.body?.getReader();
  const first = await reader?.read();
  assert.match(Buffer.from(first?.value ?? []).toString(), /tick/);
  follow.abort();

  const stop = await call(url, viewer.token, 'POST', '/api/services/web/stop');
  assert.equal(stop.status, 403, stop.text);
  const refusal = stop.json().error as { code: string; message: string };
  assert.equal(refusal.code, 'TEND_FORBIDDEN');
  assert.match(refusal.message, /token viewer has the read scope; service\.stop needs control/);
  const rpc = await call(url, viewer.token, 'POST', '/api/rpc', {
    jsonrpc: '2.0',
    id: 1,
    method: 'service.stop',
    params: { names: ['web'] },
  });
  assert.equal((rpc.json().error as { code: number }).code, -32050);
  const [still] = await tendJson<ServiceView[]>(e, ['status', 'web']);
  assert.equal(still?.state, 'running', 'a refused call changes nothing');

  const stopped = await call(url, ops.token, 'POST', '/api/services/web/stop?wait=5000');
  assert.equal(stopped.status, 200, stopped.text);
  const remove = await call(url, ops.token, 'DELETE', '/api/services/web');
  assert.equal(remove.status, 403, remove.text);

  assert.equal((await tend(e, ['token', 'rm', 'viewer'])).code, 0);
  assert.equal((await call(url, viewer.token, 'GET', '/api/services')).status, 401);
  assert.equal((await tend(e, ['token', 'rm', 'viewer'])).code, 3, 'revoking twice names the problem');

  const actions = await tendJson<HistoryEntryView[]>(e, ['history', '--kind', 'action']);
  const line = (x: HistoryEntryView) => `${x.what.split(':')[0]} by ${x.who} from ${x.origin}`;
  assert.deepEqual(actions.map(line), [
    'service.stop web refused by token viewer from http 127.0.0.1',
    'service.stop web refused by token viewer from http 127.0.0.1',
    'service.stop web by token ops from http 127.0.0.1',
    'service.remove web refused by token ops from http 127.0.0.1',
  ]);

  // /metrics without a token and the revoked try were this address's first two failures; eight more, then refusals
  const statuses: number[] = [];
  for (let i = 0; i < 9; i++) statuses.push((await call(url, 'tend_wrong', 'GET', '/api/services')).status);
  assert.deepEqual(statuses, [401, 401, 401, 401, 401, 401, 401, 401, 429]);
  const limited = await call(url, ops.token, 'GET', '/api/services');
  assert.equal(limited.status, 429, 'a limited address is refused even with a good token');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  assert.equal((limited.json().error as { code: string }).code, 'TEND_AUTH_RATE_LIMITED');
  assert.match(
    d.output(),
    /HTTP GET \/api\/services from 127\.0\.0\.1 refused: the bearer token is wrong \(10 in the last minute\)/,
  );
});

test('metrics = "loopback": a scraper on the same machine reads /metrics without a token, and nothing else', async (t) => {
  const e = testEnv(t);
  const d = await daemonWithConfig(
    t,
    e,
    `${ticking}[server.http]\nlisten = "127.0.0.1:0"\nmetrics = "loopback"\n`,
  );
  const url = await waitFor(
    'the HTTP API to listen',
    () => /HTTP API on (http:\/\/[^\s"]+)/.exec(d.output())?.[1],
  );
  const scraped = await fetch(`${url}/metrics`);
  assert.equal(scraped.status, 200);
  assert.equal(scraped.headers.get('x-tend-scope'), 'read');
  assert.match(await scraped.text(), /tend_service_up\{service="web"\} 1/);
  assert.equal((await fetch(`${url}/api/services`)).status, 401, 'the API still asks for a token');
  assert.equal((await fetch(`${url}/metrics/../api/services`)).status, 401);
});

/** The CLI run as another user, with the test's home. */
function tendAs(e: Env, uid: number, gid: number, args: readonly string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tendMain, ...args], { env: e.env, cwd: '/', uid, gid });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (x) => {
      stdout += x;
    });
    child.stderr.on('data', (x) => {
      stderr += x;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('[server.socket] group: a member connects with the group scope (reads, no stop), a user outside the group cannot connect, the owner keeps admin', async (t) => {
  assert.equal(process.getuid?.(), 0, 'this test runs other users, so it runs as root');
  const e = testEnv(t);
  // the test's folder is private; the socket's own folder is what guards the socket
  chmodSync(e.dir, 0o711);
  await daemonWithConfig(t, e, `${ticking}[server.socket]\ngroup = "users"\nscope = "read"\n`);
  assert.equal(statSync(path.join(e.home, 'tend.sock')).mode & 0o777, 0o660);
  assert.equal(statSync(path.join(e.home, 'tend.sock')).gid, 100);
  assert.equal(statSync(e.home).mode & 0o777, 0o710);
  assert.equal(statSync(path.join(e.home, 'state')).mode & 0o777, 0o700, 'the state stays private');

  const nobody = 65534;
  const member = await tendAs(e, nobody, 100, ['ls', '--json']);
  assert.equal(member.code, 0, member.stderr);
  assert.equal((JSON.parse(member.stdout) as ServiceView[])[0]?.state, 'running');
  const stop = await tendAs(e, nobody, 100, ['stop', 'web']);
  assert.equal(stop.code, 1);
  assert.match(stop.stderr, /uid 65534 has the read scope; service\.stop needs control/);

  const outsider = await tendAs(e, nobody, 65534, ['ls']);
  assert.notEqual(outsider.code, 0);
  assert.match(outsider.stderr, /EACCES|permission denied/i);

  assert.equal((await tend(e, ['stop', 'web'])).code, 0, 'the owner may do everything');
  const actions = await tendJson<HistoryEntryView[]>(e, ['history', 'web', '--kind', 'action']);
  assert.deepEqual(
    actions.map((a) => `${a.who} ${a.detail.ok ? 'ok' : 'refused'}`),
    ['uid 65534 refused', 'uid 0 ok'],
  );
});
