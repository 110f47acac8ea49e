import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { RpcConnection } from './connection.ts';

test('aborting a notification stream ends it at once, even while nothing arrives', async () => {
  const input = new PassThrough();
  const conn = new RpcConnection(
    { input, write: () => {}, end: () => input.end(), destroy: () => input.destroy() },
    'test',
  );
  const abort = new AbortController();
  const seen: unknown[] = [];
  const reading = (async () => {
    for await (const n of conn.notifications('logs.lines', { signal: abort.signal })) seen.push(n);
  })();
  input.write(
    `${JSON.stringify({ jsonrpc: '2.0', method: 'logs.lines', params: { subscription: 's', lines: [] } })}\n`,
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(seen.length, 1);
  abort.abort();
  await reading;
  // the connection is still open: only the stream ended
  input.write(
    `${JSON.stringify({ jsonrpc: '2.0', method: 'logs.lines', params: { subscription: 's', lines: [] } })}\n`,
  );
  await new Promise((r) => setImmediate(r));
  assert.equal(seen.length, 1);
  conn.close();
});
