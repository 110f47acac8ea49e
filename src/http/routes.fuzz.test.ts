/**
 * Fuzzing the HTTP API over real sockets, with a whole tend in-process behind it
 * (test/rpc-world.ts): every route of routes.ts, the streams, the page's routes, provisr's,
 * /metrics and /api/rpc, with names and queries encoded every way a client (or an attacker)
 * encodes them: percent-encoding, double encoding, encoded slashes and dots, NUL, invalid
 * escapes, repeated keys, wrong methods and bodies. Every answer is a JSON error with a
 * stable code or a success, never an internal error, and a refusal changes nothing.
 * 1,000 cases in npm test, 100,000 deep.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { type TestContext, test } from 'node:test';
import fc from 'fast-check';
import { fuzzParameters } from '../../test/fuzz.ts';
import { tempDir } from '../../test/helpers.ts';
import { makeWorld } from '../../test/rpc-world.ts';
import { Metrics } from './metrics.ts';
import { PageRoutes, pagePaths } from './page-routes.ts';
import { routes, streams } from './routes.ts';
import { HttpApi } from './server.ts';
import { StatsSampler } from './stats-sampler.ts';

const token = 'tend_fuzz';

const templates = [
  ...routes.map((r) => r.path),
  ...Object.values(streams).map((s) => s.path),
  ...Object.values(pagePaths),
  '/metrics',
  '/api/rpc',
  '/api/rpc/stream',
  '/',
  '/index.html',
  '/assets/../../etc/passwd',
  '/api/services/:name/:name',
  '/api/register',
  '/api/start',
  '/api/stop',
  '/api/status',
  '/api/debug/processes',
];

const name = fc.oneof(
  fc.constantFrom('web', 'db', 'web:1', 'all', '*', 'we*', '..', '.', '../db', 'a/b', '', ' ', 'nope', 'ops'),
  fc.string({ maxLength: 10 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

/** How a name reaches the path: plainly, percent-encoded (once or twice), with raw tricks. */
const encoded = fc.oneof(
  name.map((n) => encodeURIComponent(n)),
  name.map((n) => encodeURIComponent(encodeURIComponent(n))),
  name.map((n) => [...Buffer.from(n)].map((b) => `%${b.toString(16).padStart(2, '0')}`).join('')),
  fc.constantFrom(
    '%2F',
    '%2e%2e',
    '%2E%2E%2Fdb',
    '%00',
    '%',
    '%zz',
    '%c0%ae',
    '%ff',
    '..%2f..',
    'web%3Fx=1',
    'web;x',
    'web#frag',
    '~',
  ),
);

const queryValue = fc.oneof(
  fc.constantFrom(
    '1',
    '0',
    'true',
    '',
    '-1',
    '1e309',
    'NaN',
    '3600001',
    'stdout',
    'stderr',
    'both',
    '(a+)+$',
    '[',
    'web,db',
    ',,',
  ),
  fc.string({ maxLength: 8 }),
);
const query = fc
  .array(
    fc.tuple(
      fc.constantFrom(
        'wait',
        'lines',
        'since',
        'stream',
        'grep',
        'names',
        'name',
        'signal',
        'code',
        'guard',
        'follow',
        'snapshot',
        'services',
        'x',
        '',
      ),
      queryValue,
      fc.boolean(),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : `?${pairs.map(([k, v, raw]) => `${k}=${raw ? v.replace(/[^!-~]/g, '') : encodeURIComponent(v)}`).join('&')}`,
  );

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    '{',
    'null',
    '[]',
    '{"name":"x","command":"sleep 1"}',
    '{"services":{"web":{"command":"x"}}}',
    '{"names":["web"]}',
    '\u0000',
    'a'.repeat(2000),
  ),
);

const request = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
  path: fc
    .tuple(fc.constantFrom(...templates), encoded, encoded, fc.constantFrom('', '/', '//', '/.'))
    .map(([t, a, b, tail]) => `${t.replace(':name', a).replace(':name', b)}${tail}`),
  query,
  body,
  auth: fc.constantFrom('good', 'good', 'good', 'none', 'wrong', 'malformed'),
  accept: fc.constantFrom(undefined, 'text/event-stream', 'application/x-ndjson', '*/*'),
});

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

function send(port: number, agent: http.Agent, r: ReqOf): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (r.auth === 'good') headers.authorization = `Bearer ${token}`;
    if (r.auth === 'wrong') headers.authorization = 'Bearer tend_nope';
    if (r.auth === 'malformed') headers.authorization = 'Basic Zm9vOmJhcg==';
    if (r.accept) headers.accept = r.accept;
    if (r.body !== undefined) {
      headers['content-type'] = 'application/json';
      // Node's client sends a GET's body with no length at all: the server would read it as the next request
      headers['content-length'] = String(Buffer.byteLength(r.body));
    }
    const req = http.request(
      { host: '127.0.0.1', port, method: r.method, path: `${r.path}${r.query}`, headers, agent },
      (res) => {
        const type = String(res.headers['content-type'] ?? '');
        // a stream answered: its first bytes are enough
        if (type.includes('event-stream') || type.includes('ndjson')) {
          resolve({ status: res.statusCode ?? 0, contentType: type, text: '' });
          res.destroy();
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: type, text }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}
type ReqOf = typeof request extends fc.Arbitrary<infer R> ? R : never;

/** The HTTP API on a port of its own, over an in-process tend. */
async function serveWorld(t: TestContext) {
  const world = makeWorld(tempDir(t));
  t.after(() => world.close());
  const call = async (method: 'service.list' | 'service.stats' | 'job.list' | 'cron.list') => {
    const a = await world.dispatcher.callOnce(method);
    if ('error' in a) throw new Error(a.error.message);
    return a.result as never;
  };
  const sampler = new StatsSampler({ read: () => call('service.stats') });
  const api = new HttpApi({
    dispatcher: world.dispatcher,
    metrics: new Metrics({
      version: '0',
      list: () => call('service.list'),
      stats: () => call('service.stats'),
      jobs: () => call('job.list'),
      cron: () => call('cron.list'),
    }),
    auth: (given) => (given === token ? { name: 'admin', scope: 'admin' } : null),
    tls: null,
    provisrBasePath: '/api',
    page: null,
    pageRoutes: new PageRoutes({
      dispatcher: world.dispatcher,
      sampler,
      definition: (b) => world.sup.spec(b),
    }),
  });
  const url = await api.listen('127.0.0.1:0');
  t.after(() => api.close());
  // a connection per request: a stream cut short must not leave a socket to the next one
  const agent = new http.Agent({ keepAlive: false });
  t.after(() => agent.destroy());
  const port = Number(url.slice(url.lastIndexOf(':') + 1));
  return { world, send: (r: ReqOf) => send(port, agent, r) };
}

test('regression (fuzz): GET /// is a 404 with a stable code, not an internal error', async (t) => {
  const { send } = await serveWorld(t);
  const a = await send({
    method: 'GET',
    path: '///',
    query: '',
    body: undefined,
    auth: 'good',
    accept: undefined,
  });
  assert.equal(a.status, 404);
  assert.equal((JSON.parse(a.text) as { error: { code: string } }).error.code, 'TEND_ROUTE_NOT_FOUND');
});

test('fuzz: every route with encoded names, queries, methods, bodies and tokens answers JSON with a stable code, never an internal error, and a refusal changes nothing', async (t) => {
  const { world, send } = await serveWorld(t);
  await fc.assert(
    fc.asyncProperty(request, async (r) => {
      const before = world.snapshot();
      const a = await send(r);
      assert.ok(a.status >= 200 && a.status < 600, `status ${a.status}`);
      assert.deepEqual(world.internalErrors.splice(0), [], `${r.method} ${r.path}${r.query}`);
      if (r.auth !== 'good' && a.status < 400 && !r.path.startsWith('/index') && r.path !== '/') {
        assert.fail(`answered ${a.status} without the token: ${r.method} ${r.path}${r.query}`);
      }
      if (a.status >= 400 && r.method !== 'HEAD') {
        let parsed: { error?: { code?: unknown; message?: unknown } | string };
        try {
          parsed = JSON.parse(a.text);
        } catch {
          assert.fail(`${a.status} ${a.contentType} is not JSON: ${JSON.stringify(a.text.slice(0, 200))}`);
        }
        const error = parsed.error;
        if ('jsonrpc' in parsed) {
          // POST /api/rpc answers as JSON-RPC does
          const code = (error as { code?: unknown } | undefined)?.code;
          assert.ok(Number.isInteger(code) && code !== -32603, `JSON-RPC error: ${a.text}`);
        } else if (typeof error === 'string') {
          // provisr's routes answer in provisr's shape
          assert.ok(error.length > 0 && r.path.startsWith('/api/'), `provisr's error shape: ${a.text}`);
        } else {
          assert.equal(typeof error?.code, 'string', `an error code: ${a.text}`);
          assert.ok(typeof error?.message === 'string' && error.message.length > 0);
          assert.ok(
            error?.code !== 'INTERNAL_ERROR' && error?.code !== 'TEND_RPC_ERROR',
            `an internal error for ${r.method} ${r.path}${r.query}: ${a.text}`,
          );
        }
        assert.deepEqual(
          world.changedSince(before),
          [],
          `${r.method} ${r.path} was refused yet changed the services`,
        );
      }
    }),
    fuzzParameters(),
  );
});
