/**
 * How tend serves the web page and guards its API from other pages, seen from raw HTTP:
 * precompressed files with ETags and long caching, the security headers, cross-origin
 * refusals (and the origins a config allows), the page's own routes, and `tend up --http`.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import test from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { pagePolicy } from '../../src/http/origin.ts';
import { builtPage } from '../browser.ts';
import { type Env, spawnTend, startDaemon, tend, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

interface Raw {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** One request with exactly these headers; the body comes back as sent, still compressed. */
function raw(url: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers ?? {} }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const listening = (output: () => string) =>
  waitFor('the HTTP API to listen', () => /HTTP API on (http:\/\/[^\s"]+)/.exec(output())?.[1]);

function withPage(e: Env, dir: string): Env {
  return { ...e, env: { ...e.env, TEND_WEB_DIR: dir } };
}

test('tend up --http serves the page at /: precompressed, ETag, immutable assets, strict headers, no token needed', async (t) => {
  const base = testEnv(t);
  const e = withPage(base, await builtPage(t));
  writeFileSync(path.join(e.dir, 'tend.toml'), '[services.db]\nargs = ["sleep", "1000"]\n');
  const up = spawnTend(e, ['up', '--http', '127.0.0.1:0']);
  t.after(async () => {
    up.child.kill('SIGTERM');
    await up.exited;
  });
  const url = await listening(up.output);

  const index = await raw(`${url}/`, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
  assert.equal(index.status, 200);
  assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
  assert.equal(index.headers['content-encoding'], 'br');
  assert.equal(index.headers['content-security-policy'], pagePolicy);
  assert.match(pagePolicy, /script-src 'self';/);
  assert.match(pagePolicy, /frame-ancestors 'none'/);
  assert.doesNotMatch(pagePolicy, /unsafe-inline|unsafe-eval/);
  assert.equal(index.headers['x-content-type-options'], 'nosniff');
  assert.equal(index.headers['referrer-policy'], 'no-referrer');
  assert.equal(index.headers['x-frame-options'], 'DENY');
  assert.equal(index.headers['cache-control'], 'no-cache', 'the page itself is revalidated');
  const html = brotliDecompressSync(index.body).toString('utf8');
  assert.doesNotMatch(html, /<script>|<script [^>]*>[^<]/, 'no inline script');

  const again = await raw(`${url}/`, {
    headers: { 'accept-encoding': 'br', 'if-none-match': String(index.headers.etag) },
  });
  assert.equal(again.status, 304, 'an unchanged page is not sent again');

  const script = /src="(\/assets\/main-[\w-]+\.js)"/.exec(html)?.[1];
  assert.ok(script, 'the page names its hashed script');
  const plain = await raw(`${url}${script}`);
  assert.equal(plain.headers['content-encoding'], undefined);
  assert.equal(plain.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
  const gz = await raw(`${url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), plain.body);
  const br = await raw(`${url}${script}`, { headers: { 'accept-encoding': 'gzip;q=0.5, br' } });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.deepEqual(brotliDecompressSync(br.body), plain.body);
  assert.ok(br.body.length < plain.body.length / 2, 'brotli at least halves the script');
  assert.notEqual(br.headers.etag, gz.headers.etag, 'each coding has its own ETag');
  const refusedBr = await raw(`${url}${script}`, { headers: { 'accept-encoding': 'br;q=0' } });
  assert.equal(refusedBr.headers['content-encoding'], undefined);

  // the budget of a first load: the page, its stylesheet and the scripts it loads at once
  const built = JSON.parse(readFileSync(path.join(String(e.env.TEND_WEB_DIR), 'tend-web.json'), 'utf8')) as {
    files: { path: string; br: number }[];
  };
  const firstLoad = built.files.filter((f) => !f.path.includes('/charts-') && !f.path.endsWith('.svg'));
  const kb = firstLoad.reduce((n, f) => n + f.br, 0) / 1024;
  assert.ok(kb < 150, `first load ${kb.toFixed(1)} KB with brotli, within 150 KB`);

  assert.equal((await raw(`${url}/assets/nope-123.js`)).status, 404);
  // the page is public, the API is not
  assert.equal((await raw(`${url}/api/services`)).status, 401);
});

test('the API refuses requests from other pages unless allowed_origins lists them, and rebound host names; nothing changes on a refusal', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    '[services.db]\nargs = ["sleep", "1000"]\n[server.http]\nlisten = "127.0.0.1:0"\nallowed_origins = ["https://ops.example"]\n',
  );
  const d = await startDaemon(t, e, ['tend.toml']);
  const url = await listening(d.output);
  const token = (await tend(e, ['token'])).stdout.trim();
  const auth = { authorization: `Bearer ${token}` };

  const evil = await raw(`${url}/api/services/db/stop?wait=5000`, {
    method: 'POST',
    headers: { ...auth, origin: 'https://evil.example' },
  });
  assert.equal(evil.status, 401);
  const error = JSON.parse(evil.body.toString()).error;
  assert.equal(error.code, 'TEND_UNAUTHORIZED');
  assert.match(error.message, /"https:\/\/evil\.example" is refused.*allowed_origins/);
  assert.equal(evil.headers['access-control-allow-origin'], undefined);
  const status = await raw(`${url}/api/services/db`, { headers: auth });
  assert.equal(JSON.parse(status.body.toString())[0].state, 'running', 'the refused stop changed nothing');

  const preflightEvil = await raw(`${url}/api/services/db/stop`, {
    method: 'OPTIONS',
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
  });
  assert.equal(preflightEvil.status, 401);

  const preflight = await raw(`${url}/api/services/db/stop`, {
    method: 'OPTIONS',
    headers: {
      origin: 'https://ops.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization',
    },
  });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://ops.example');
  assert.match(String(preflight.headers['access-control-allow-headers']), /authorization/);
  const allowed = await raw(`${url}/api/services`, { headers: { ...auth, origin: 'https://ops.example' } });
  assert.equal(allowed.status, 200);
  assert.equal(allowed.headers['access-control-allow-origin'], 'https://ops.example');
  // DNS rebinding: a hostile name resolved to this loopback address passes for the own origin
  const rebound = await raw(`${url}/api/services`, {
    headers: { ...auth, host: 'evil.example:80', origin: 'http://evil.example:80' },
  });
  assert.equal(rebound.status, 401);
  assert.match(
    JSON.parse(rebound.body.toString()).error.message,
    /host "evil\.example:80" reached a loopback address/,
  );
  // the page tend serves itself is of the API's own origin
  const own = await raw(`${url}/api/services`, { headers: { ...auth, origin: url } });
  assert.equal(own.status, 200);
  assert.equal(own.headers['access-control-allow-origin'], undefined);
  assert.equal(own.headers['x-content-type-options'], 'nosniff');
  assert.equal(own.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
});

test("the page's routes: a definition as tend holds it, and stats sampled only while a stream is open", async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    '[services.web]\nargs = ["sleep", "1000"]\ninstances = 2\nstop_timeout = "3s"\nenv = { myKey = "v" }\n',
  );
  const d = await startDaemon(t, e, ['tend.toml', '--http', '127.0.0.1:0']);
  const url = await listening(d.output);
  const token = (await tend(e, ['token'])).stdout.trim();
  const headers = { authorization: `Bearer ${token}` };
  const json = async (route: string) => {
    const r = await raw(`${url}${route}`, { headers });
    return { status: r.status, body: JSON.parse(r.body.toString()) };
  };

  const config = await json('/api/services/web:1/config');
  assert.equal(config.status, 200);
  assert.equal(config.body[0].name, 'web');
  assert.equal(config.body[0].definition.stop_timeout_ms, 3000);
  assert.equal(config.body[0].definition.instances, 2);
  assert.deepEqual(config.body[0].definition.env, { myKey: 'v' }, 'env keys stay as written');
  const missing = await json('/api/services/nope/config');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'TEND_SERVICE_NOT_FOUND');
  assert.equal((await raw(`${url}/api/services/web/config`)).status, 401, 'the token is needed');

  assert.deepEqual(
    (await json('/api/stats/history')).body.series,
    [],
    'nothing sampled before a page listens',
  );
  const stream = await fetch(`${url}/api/stats/stream`, { headers });
  const reader = stream.body?.pipeThrough(new TextDecoderStream()).getReader();
  assert.ok(reader);
  let text = '';
  while (!text.includes('\n')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  await reader.cancel();
  const tick = JSON.parse(text.slice(0, text.indexOf('\n')));
  assert.deepEqual(tick.stats.map((s: { name: string }) => s.name).sort(), ['web:0', 'web:1']);
  const history = await json('/api/stats/history?names=web:0');
  assert.equal(history.body.series.length, 1);
  assert.equal(history.body.series[0].name, 'web:0');
  assert.ok(history.body.series[0].rss_bytes[0] > 0, 'the group resident memory was sampled');
});

test('a tend whose page is not built says so at /, and the API works on', async (t) => {
  const base = testEnv(t);
  const empty = path.join(base.dir, 'no-page');
  mkdirSync(empty);
  const e = withPage(base, empty);
  const d = await startDaemon(t, e, ['--http', '127.0.0.1:0']);
  const url = await listening(d.output);
  const page = await raw(`${url}/`);
  assert.equal(page.status, 404);
  assert.match(page.body.toString(), /the web page is not built: run "npm run build"/);
  const token = (await tend(e, ['token'])).stdout.trim();
  assert.equal(
    (await raw(`${url}/api/version`, { headers: { authorization: `Bearer ${token}` } })).status,
    200,
  );
  assert.ok(readFileSync(path.join(e.home, 'state', 'http-token'), 'utf8').startsWith('tend_'));
});
