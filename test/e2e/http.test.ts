/**
 * The HTTP API against a real daemon, driven the way operators drive it: curl for REST,
 * JSON-RPC, auth and TLS; a Prometheus parser for /metrics; the tend CLI
 * with --host for remote control.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import tls from 'node:tls';
import parsePrometheus from 'parse-prometheus-text-format';
import type { JobView, ServiceView } from '../../src/protocol/methods.ts';
import { type Daemon, type Env, spawnTend, startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

interface Reply {
  readonly status: number;
  readonly body: string;
  json(): unknown;
}

/** curl with the given arguments; the status code comes back apart from the body. */
function curl(args: readonly string[]): Promise<Reply> {
  return new Promise((resolve, reject) => {
    execFile(
      'curl',
      ['-sS', '-w', '\n%{http_code}', ...args],
      { maxBuffer: 16 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error && !stdout) return reject(new Error(`curl ${args.join(' ')}: ${stderr}`));
        const cut = stdout.lastIndexOf('\n');
        const body = stdout.slice(0, cut);
        resolve({ status: Number(stdout.slice(cut + 1)), body, json: () => JSON.parse(body) });
      },
    );
  });
}

interface Api {
  readonly d: Daemon;
  readonly url: string;
  readonly token: string;
  /** curl against the API with the token (unless `auth` is given) and the CA when there is TLS. */
  call(
    method: string,
    route: string,
    opts?: { body?: string; auth?: string | null; extra?: string[] },
  ): Promise<Reply>;
}

async function startApi(t: TestContext, e: Env, http: string, services = ''): Promise<Api> {
  writeFileSync(path.join(e.dir, 'tend.toml'), `${services}\n[server.http]\n${http}\n`);
  const d = await startDaemon(t, e, ['tend.toml']);
  const url = await waitFor(
    'the HTTP API to listen',
    () => /HTTP API on (https?:\/\/[^\s"]+)/.exec(d.output())?.[1],
  );
  const token = (await tend(e, ['token'])).stdout.trim();
  const ca = url.startsWith('https') ? ['--cacert', path.join(e.home, 'state/tls/tls.crt')] : [];
  return {
    d,
    url,
    token,
    call: (method, route, opts = {}) => {
      const auth = opts.auth === undefined ? token : opts.auth;
      return curl([
        ...ca,
        '-X',
        method,
        ...(auth === null ? [] : ['-H', `Authorization: Bearer ${auth}`]),
        ...(opts.body === undefined
          ? []
          : ['-H', 'Content-Type: application/json', '--data-binary', opts.body]),
        ...(opts.extra ?? []),
        `${url}${route}`,
      ]);
    },
  };
}

const names = (r: Reply) => (r.json() as ServiceView[]).map((s) => `${s.name}=${s.state}`).sort();

test('curl drives services over REST and /api/rpc: list, add (also one service as a flat body), start, stop, delete', async (t) => {
  const e = testEnv(t);
  const api = await startApi(
    t,
    e,
    'listen = "127.0.0.1:0"',
    '[services.db]\nargs = ["sleep", "1000"]\n[jobs.once]\ncommand = "true"\nautostart = false\n',
  );

  assert.deepEqual(names(await api.call('GET', '/api/services')), ['db=running']);
  const added = await api.call('POST', '/api/services?wait=5000', {
    body: JSON.stringify({ services: { web: { args: ['sleep', '1000'], instances: 2 } }, wait: 5000 }),
  });
  assert.equal(added.status, 201, added.body);
  assert.deepEqual(names(added), ['web:0=running', 'web:1=running']);
  const stopped = await api.call('POST', '/api/services/web:1/stop?wait=5000');
  assert.deepEqual(names(stopped), ['web:1=inactive']);
  assert.deepEqual(names(await api.call('GET', '/api/services/web')), ['web:0=running', 'web:1=inactive']);
  assert.deepEqual(names(await api.call('POST', '/api/services/web:1/start?wait=5000')), ['web:1=running']);

  // the same through JSON-RPC, one call and a batch
  const rpc = await api.call('POST', '/api/rpc', {
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 'a',
      method: 'service.stop',
      params: { names: ['db'], wait: 5000 },
    }),
  });
  assert.equal(rpc.status, 200);
  assert.deepEqual(rpc.json(), {
    jsonrpc: '2.0',
    id: 'a',
    result: [(rpc.json() as { result: ServiceView[] }).result[0]],
  });
  assert.equal((rpc.json() as { result: ServiceView[] }).result[0]?.state, 'inactive');
  const batch = await api.call('POST', '/api/rpc', {
    body: JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'system.ping' },
      { jsonrpc: '2.0', id: 2, method: 'service.status', params: { name: 'db' } },
    ]),
  });
  assert.deepEqual(
    (batch.json() as { id: number; result: unknown }[]).map((r) => r.id),
    [1, 2],
  );

  const removed = await api.call('DELETE', '/api/services/web?wait=5000');
  assert.deepEqual(removed.json(), { removed: ['web'] });
  assert.deepEqual(names(await api.call('GET', '/api/services')), ['db=inactive']);

  // jobs and cron jobs have their routes too
  const job = await api.call('POST', '/api/jobs/once/run?wait=10000');
  assert.equal(job.status, 201, job.body);
  assert.equal((job.json() as { phase: string }).phase, 'Succeeded');
  assert.equal(((await api.call('GET', '/api/jobs')).json() as unknown[]).length, 1);
  const cron = await api.call('POST', '/api/cron', {
    body: JSON.stringify({
      name: 'nightly',
      cron: { schedule: '0 3 * * *', job_template: { command: 'true' } },
    }),
  });
  assert.equal(cron.status, 201, cron.body);
  assert.equal(
    ((await api.call('POST', '/api/cron/nightly/suspend')).json() as { suspended: boolean }).suspended,
    true,
  );
  assert.equal((await api.call('DELETE', '/api/cron/nightly')).status, 200);

  // one service as a flat body, as REST users write it
  const flat = await api.call('POST', '/api/services?wait=5000', {
    body: JSON.stringify({ name: 'two', command: 'sleep 1000' }),
  });
  assert.equal(flat.status, 201, flat.body);
  assert.deepEqual(names(flat), ['two=running']);
});

test('auth: a non-loopback listener answers 401 without a token or with a wrong one, 200 with it; a rotated token replaces the old one', async (t) => {
  const e = testEnv(t);
  const api = await startApi(t, e, 'listen = "0.0.0.0:0"');
  const port = new URL(api.url).port;
  assert.match(api.d.output(), /HTTP API token \(shown once/);
  assert.ok(api.token.startsWith('tend_'));
  assert.equal(statSync(path.join(e.home, 'state/http-token')).mode & 0o777, 0o600);
  const at = (auth: string | null) =>
    curl([
      ...(auth === null ? [] : ['-H', `Authorization: Bearer ${auth}`]),
      `http://127.0.0.1:${port}/api/services`,
    ]);

  const none = await at(null);
  assert.equal(none.status, 401);
  assert.equal((none.json() as { error: { code: string } }).error.code, 'TEND_UNAUTHORIZED');
  assert.equal((await at('tend_wrong')).status, 401);
  assert.equal((await at(`${api.token}x`)).status, 401);
  assert.equal((await at(api.token)).status, 200);

  const rotated = (await tend(e, ['token', '--rotate'])).stdout.trim();
  assert.notEqual(rotated, api.token);
  assert.equal((await at(api.token)).status, 401);
  assert.equal((await at(rotated)).status, 200);

  // no token at all is allowed only on loopback, and only when asked for
  writeFileSync(path.join(e.dir, 'open.toml'), '[server.http]\nlisten = "0.0.0.0:8080"\nauth = "none"\n');
  const check = await tend(e, ['config', 'check', 'open.toml']);
  assert.equal(check.code, 1);
  assert.match(
    check.stderr,
    /open\.toml:3:\d+ server\.http\.auth: auth = "none" is allowed only on a loopback address/,
  );
});

test('auto_generate TLS: curl trusts the generated certificate with --cacert, plain HTTP to the port fails cleanly, and the certificate is reused', async (t) => {
  const e = testEnv(t);
  const api = await startApi(t, e, 'listen = "127.0.0.1:0"\n[server.http.tls]\nauto_generate = true');
  assert.match(api.url, /^https:/);
  const cert = path.join(e.home, 'state/tls/tls.crt');
  assert.equal(statSync(cert).mode & 0o777, 0o600);
  assert.equal(statSync(path.join(e.home, 'state/tls/tls.key')).mode & 0o777, 0o600);
  const ok = await api.call('GET', '/api/version');
  assert.equal(ok.status, 200, ok.body);
  assert.equal((ok.json() as { version: string }).version.length > 0, true);
  // TLS 1.3 unless the client asks for less; nothing older than 1.2
  const { hostname, port } = new URL(api.url);
  const protocol = (maxVersion?: tls.SecureVersion) =>
    new Promise<string>((resolve) => {
      const options = {
        host: hostname,
        port: Number(port),
        ca: readFileSync(cert),
        ...(maxVersion ? { maxVersion } : {}),
      };
      const socket = tls.connect(options, () => {
        resolve(socket.getProtocol() ?? '');
        socket.end();
      });
      socket.on('error', (err) => resolve(`refused: ${err.message}`));
    });
  assert.equal(await protocol(), 'TLSv1.3');
  assert.equal(await protocol('TLSv1.2'), 'TLSv1.2');
  assert.match(await protocol('TLSv1.1'), /^refused/);

  const plain = await curl([`http://${new URL(api.url).host}/api/version`]);
  assert.equal(plain.status, 400);
  assert.equal((plain.json() as { error: { code: string } }).error.code, 'TEND_TLS_REQUIRED');
  assert.equal(
    (await api.call('GET', '/api/version')).status,
    200,
    'still serving TLS after the plain request',
  );

  const before = readFileSync(cert, 'utf8');
  await tend(e, ['system', 'restart']);
  await waitFor('the restarted API', () => api.d.output().split('HTTP API on').length === 3);
  assert.equal(readFileSync(cert, 'utf8'), before, 'the certificate is reused');
});

test('/metrics parses as Prometheus text and counts a restart', async (t) => {
  const e = testEnv(t);
  const api = await startApi(
    t,
    e,
    'listen = "127.0.0.1:0"',
    '[services.web]\nargs = ["sleep", "1000"]\n[services.checked]\nargs = ["sleep", "1000"]\nhealth = { exec = "true", interval = "100ms" }\n[jobs.once]\ncommand = "true"\n[cron.tick]\nschedule = "@every 1s"\njob_template = { command = "true" }\n',
  );
  // a crash, restarted by the policy: the restart counter moves (a requested restart does not)
  const first = (await tendJson<ServiceView[]>(e, ['status', 'web']))[0]?.pid;
  await tend(e, ['kill', 'web', 'SIGKILL']);
  await waitFor('web restarted', async () => {
    const [web] = await tendJson<ServiceView[]>(e, ['status', 'web']);
    return web?.state === 'running' && web.pid !== first;
  });
  await waitFor('a health check', async () =>
    (await tendJson<ServiceView[]>(e, ['status', 'checked']))[0]?.health?.passes ? true : null,
  );
  await waitFor(
    'the autostarted job to finish',
    async () => (await tendJson<JobView[]>(e, ['job', 'status', 'once']))[0]?.phase === 'Succeeded',
  );
  const reply = await api.call('GET', '/metrics');
  assert.equal(reply.status, 200);
  const families = parsePrometheus(reply.body) as {
    name: string;
    metrics: { labels?: Record<string, string>; value: string }[];
  }[];
  const value = (name: string, labels: Record<string, string>) =>
    families
      .find((f) => f.name === name)
      ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
  assert.equal(value('tend_service_restarts_total', { service: 'web' }), '1');
  assert.equal(value('tend_service_restarts_total', { service: 'checked' }), '0');
  assert.equal(value('tend_service_up', { service: 'web' }), '1');
  assert.equal(value('tend_service_state', { service: 'web', state: 'running' }), '1');
  assert.equal(value('tend_service_state', { service: 'web', state: 'failed' }), '0');
  assert.equal(value('tend_service_last_exit_code', { service: 'web' }), String(128 + 9));
  assert.equal(value('tend_service_healthy', { service: 'checked' }), '1');
  assert.ok(Number(value('tend_service_health_checks_total', { service: 'checked', result: 'pass' })) >= 1);
  assert.ok(Number(value('tend_service_resident_memory_bytes', { service: 'web' })) > 0);
  assert.ok(Number(value('process_resident_memory_bytes', {})) > 0);
  assert.equal(value('tend_job_phase', { job: 'once', phase: 'Succeeded' }), '1');
  assert.equal(value('tend_job_succeeded', { job: 'once' }), '1');
  // the cron job's counters, once it has run
  await waitFor('a cron run counted', async () => {
    const text = (await api.call('GET', '/metrics')).body;
    return /tend_cron_successes_total\{cron="tick"\} [1-9]/.test(text) && text;
  });
  assert.ok(Number(value('process_start_time_seconds', {})) > 1.7e9);
});

test('tend --host --token --ca ls equals the local tend ls; a context does the same; a wrong token is refused; events stream remotely', async (t) => {
  const e = testEnv(t);
  const api = await startApi(
    t,
    e,
    'listen = "127.0.0.1:0"\n[server.http.tls]\nauto_generate = true',
    '[services.web]\nargs = ["sleep", "1000"]\ninstances = 2\n',
  );
  const ca = path.join(e.home, 'state/tls/tls.crt');
  // a remote CLI has no home of its own: nothing local to fall back on
  const remote: Env = { ...e, env: { ...e.env, TEND_HOME: path.join(e.dir, 'elsewhere') } };
  const local = await tendJson<ServiceView[]>(e, ['ls']);
  const far = await tendJson<ServiceView[]>(remote, [
    '--host',
    api.url,
    '--token',
    api.token,
    '--ca',
    ca,
    'ls',
  ]);
  const stable = (l: ServiceView[]) => l.map(({ uptime_ms: _u, ...s }) => s);
  assert.deepEqual(stable(far), stable(local));

  const wrong = await tend(remote, ['--host', api.url, '--token', 'nope', '--ca', ca, 'ls']);
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /bearer token is wrong/);
  const untrusted = await tend(remote, ['--host', api.url, '--token', api.token, 'ls']);
  assert.equal(untrusted.code, 1);
  assert.match(untrusted.stderr, /not trusted.*--ca/);

  assert.equal(
    (await tend(remote, ['--host', api.url, '--token', api.token, '--ca', ca, 'context', 'add', 'box'])).code,
    0,
  );
  assert.equal((await tend(remote, ['context', 'use', 'box'])).code, 0);
  assert.equal(statSync(path.join(e.dir, 'config/tend/contexts.toml')).mode & 0o777, 0o600);
  assert.deepEqual(stable(await tendJson<ServiceView[]>(remote, ['ls'])), stable(local));

  // a subscription over the same HTTPS stream: a restart seen as events
  const events = spawnTend(remote, ['events', '--service', 'web:1']);
  t.after(() => events.child.kill());
  await waitFor('the remote subscription', () => events.output().includes('following events from https://'));
  await tend(e, ['restart', 'web:1']);
  await waitFor('the restart seen remotely', () => /"service":"web:1".*"to":"running"/.test(events.output()));
});

test('bad input over HTTP: malformed JSON, wrong types, a 2 MiB body and path traversal each get the right 4xx and change nothing', async (t) => {
  const e = testEnv(t);
  const api = await startApi(t, e, 'listen = "127.0.0.1:0"', '[services.db]\nargs = ["sleep", "1000"]\n');
  const before = names(await api.call('GET', '/api/services'));
  const code = (r: Reply) => (r.json() as { error: { code: string } }).error.code;

  const malformed = await api.call('POST', '/api/services', { body: '{"services": {' });
  assert.equal(malformed.status, 400);
  assert.equal(code(malformed), 'PARSE_ERROR');
  const rpcMalformed = await api.call('POST', '/api/rpc', { body: '{"jsonrpc": "2.0", ' });
  assert.equal(rpcMalformed.status, 400);
  assert.equal((rpcMalformed.json() as { error: { code: number } }).error.code, -32700);

  const wrongType = await api.call('POST', '/api/services', {
    body: JSON.stringify({ services: { x: { command: 5 } } }),
  });
  assert.equal(wrongType.status, 400);
  assert.match(wrongType.body, /services\.x\.command: expected string/);
  const wrongParams = await api.call('POST', '/api/rpc', {
    body: JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'service.start', params: { names: 'db' } }),
  });
  assert.equal(wrongParams.status, 400);
  assert.match(wrongParams.body, /names: .*expected array/);
  const badWait = await api.call('POST', '/api/services/db/restart?wait=soon');
  assert.equal(badWait.status, 400);
  assert.equal(code(badWait), 'INVALID_PARAMS');

  const big = path.join(e.dir, 'big.json');
  writeFileSync(big, JSON.stringify({ services: { big: { command: 'x'.repeat(2 * 2 ** 20) } } }));
  const tooBig = await api.call('POST', '/api/services', {
    extra: ['-H', 'Content-Type: application/json', '--data-binary', `@${big}`],
  });
  assert.equal(tooBig.status, 413);
  assert.equal(code(tooBig), 'TEND_BODY_TOO_LARGE');

  for (const route of [
    '/api/services/..%2F..%2Fetc%2Fpasswd',
    '/api/services/a%00b/stop',
    '/api/services/..%2Fx/why',
  ]) {
    const r = await api.call(route.includes('stop') ? 'POST' : 'GET', route);
    assert.equal(r.status, 400, `${route}: ${r.body}`);
  }
  const traversalAdd = await api.call('POST', '/api/services', {
    body: JSON.stringify({ services: { '../evil': { command: 'true' } } }),
  });
  assert.equal(traversalAdd.status, 400);
  assert.match(traversalAdd.body, /invalid service name/);
  assert.equal((await api.call('GET', '/api/nothing')).status, 404);
  assert.equal((await api.call('PATCH', '/api/services')).status, 405);

  assert.deepEqual(names(await api.call('GET', '/api/services')), before);
});
