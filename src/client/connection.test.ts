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

test('regression: a consumer that falls behind stops the reading of the socket; no notification is dropped unseen', async () => {
  const input = new PassThrough();
  const conn = new RpcConnection(
    { input, write: () => {}, end: () => input.end(), destroy: () => input.destroy() },
    'test',
  );
  const stream = conn.notifications('logs.lines')[Symbol.asyncIterator]();
  const line = (i: number) =>
    `${JSON.stringify({ jsonrpc: '2.0', method: 'logs.lines', params: { subscription: 's', lines: [['a', 0, 0, i, String(i)]] } })}\n`;
  // 25,000 notifications, far over the 10,000 the consumer may have waiting
  input.write(Array.from({ length: 25_000 }, (_, i) => line(i + 1)).join(''));
  await new Promise((r) => setImmediate(r));
  assert.ok(input.isPaused(), 'the socket is no longer read');
  let expected = 1;
  while (expected <= 25_000) {
    const { value } = await stream.next();
    assert.equal(value?.lines[0]?.[3], expected, 'in order, none missing');
    expected++;
  }
  assert.ok(!input.isPaused(), 'read again once the consumer caught up');
  conn.close();
});
