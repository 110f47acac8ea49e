import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { describe, test } from 'node:test';
import { freePort } from '../../../test/helpers.ts';
import type { ProbeSpec } from '../service-spec.ts';
import { runProbe } from './probe.ts';

const ctx = (timeoutMs = 1000) => ({
  timeoutMs,
  signal: new AbortController().signal,
  env: process.env,
  cwd: null,
});

describe('probes: each kind passes, fails with a reason, and is bounded by its timeout', () => {
  test('tcp', async (t) => {
    const server = net.createServer().listen(0, '127.0.0.1');
    t.after(() => server.close());
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    assert.deepEqual(await runProbe({ kind: 'tcp', host: '127.0.0.1', port }, ctx()), {
      ok: true,
      detail: `127.0.0.1:${port} accepts connections`,
    });
    const closed = await freePort();
    assert.deepEqual(await runProbe({ kind: 'tcp', host: '127.0.0.1', port: closed }, ctx()), {
      ok: false,
      detail: 'connection refused',
    });
  });

  test('http', async (t) => {
    let status = 200;
    let hang = false;
    const server = http.createServer((_q, s) => {
      if (hang) return;
      s.statusCode = status;
      s.end();
    });
    server.listen(0, '127.0.0.1');
    t.after(() => server.close());
    t.after(() => server.closeAllConnections());
    await new Promise((r) => server.once('listening', r));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`;
    const spec: ProbeSpec = { kind: 'http', url, status: null };
    assert.deepEqual(await runProbe(spec, ctx()), { ok: true, detail: 'http 200' });
    status = 302;
    assert.equal((await runProbe(spec, ctx())).ok, true, 'a redirect counts as up');
    status = 500;
    assert.deepEqual(await runProbe(spec, ctx()), { ok: false, detail: 'http 500' });
    assert.equal(
      (await runProbe({ ...spec, status: 500 }, ctx())).ok,
      true,
      'an expected status is exactly that',
    );
    hang = true;
    assert.deepEqual(await runProbe(spec, ctx(100)), { ok: false, detail: 'no answer within 100 ms' });
  });

  test('exec', async () => {
    assert.deepEqual(await runProbe({ kind: 'exec', argv: ['true'], text: 'true' }, ctx()), {
      ok: true,
      detail: 'exit code 0',
    });
    assert.deepEqual(await runProbe({ kind: 'exec', argv: ['sh', '-c', 'exit 3'], text: '' }, ctx()), {
      ok: false,
      detail: 'exit code 3',
    });
    // a hung probe and what it started are killed at the timeout
    const r = await runProbe(
      { kind: 'exec', argv: ['sh', '-c', 'sleep 1000 & sleep 1000'], text: '' },
      ctx(100),
    );
    assert.deepEqual(r, { ok: false, detail: 'still running after 100 ms' });
  });
});
