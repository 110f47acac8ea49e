import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir, waitFor } from '../../test/helpers.ts';
import { RpcConnection } from '../client/connection.ts';
import { TendError } from '../core/errors.ts';
import { methods } from '../protocol/methods.ts';
import type { CallContext, Handlers } from './dispatcher.ts';
import { RpcServer } from './rpc-server.ts';

/** Every method answers "not in this test" unless the test gives it a handler. */
function handlers(
  some: Partial<Record<keyof typeof methods, (p: never, ctx: CallContext) => unknown>>,
): Handlers {
  const all = Object.fromEntries(
    Object.keys(methods).map((m) => [
      m,
      () => {
        throw new TendError('TEND_RPC_ERROR', { message: 'not in this test' });
      },
    ]),
  );
  return { ...all, ...some } as unknown as Handlers;
}

async function serve(t: { after(fn: () => Promise<void> | void): void }, some = {}, opts = {}) {
  const dir = path.join(tempDir(t), 'home');
  const server = new RpcServer({
    socketPath: path.join(dir, 'tend.sock'),
    handlers: handlers({ 'system.ping': () => ({ pong: true }), ...some }),
    ...opts,
  });
  await server.listen();
  t.after(() => server.close());
  return server;
}

/** A raw client: writes bytes, reads newline-separated JSON answers. */
function raw(t: { after(fn: () => void): void }, socketPath: string) {
  const socket = net.connect(socketPath);
  t.after(() => socket.destroy());
  const lines: unknown[] = [];
  let buf = '';
  let closed = false;
  socket.on('data', (d) => {
    buf += d;
    for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
      lines.push(JSON.parse(buf.slice(0, nl)));
      buf = buf.slice(nl + 1);
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  return {
    socket,
    lines,
    isClosed: () => closed,
    send: (text: string) => socket.write(text),
    next: (n = lines.length + 1) => waitFor(`answer ${n}`, () => lines.length >= n && lines[n - 1]),
  };
}

test('bad input gets the right JSON-RPC error and the server keeps serving', async (t) => {
  const server = await serve(t);
  const c = raw(t, server.socketPath);
  c.send('this is not json\n');
  assert.deepEqual(await c.next(1), {
    jsonrpc: '2.0',
    id: null,
    error: { code: -32700, message: 'parse error: the message is not valid JSON' },
  });
  c.send('42\n');
  assert.equal(((await c.next(2)) as { error: { code: number } }).error.code, -32600);
  c.send('{"jsonrpc":"2.0","id":7}\n');
  assert.deepEqual(await c.next(3), {
    jsonrpc: '2.0',
    id: 7,
    error: { code: -32600, message: 'invalid request: a request must have a string "method"' },
  });
  c.send('{"jsonrpc":"2.0","id":8,"method":"servce.list"}\n');
  assert.deepEqual(await c.next(4), {
    jsonrpc: '2.0',
    id: 8,
    error: {
      code: -32601,
      message: 'method "servce.list" not found (did you mean "service.list"?)',
      data: { method: 'servce.list', suggestion: 'service.list' },
    },
  });
  c.send('{"jsonrpc":"2.0","id":9,"method":"service.start","params":{"names":"web"}}\n');
  const bad = (await c.next(5)) as { id: number; error: { code: number; message: string } };
  assert.equal(bad.error.code, -32602);
  assert.match(bad.error.message, /^invalid params: names: .*expected array/);
  c.send('{"jsonrpc":"2.0","id":10,"method":"system.ping"}\n');
  assert.deepEqual(await c.next(6), { jsonrpc: '2.0', id: 10, result: { pong: true } });
});

test('a batch answers its requests in one array and leaves out notifications', async (t) => {
  const server = await serve(t);
  const c = raw(t, server.socketPath);
  c.send(
    `${JSON.stringify([
      { jsonrpc: '2.0', id: 1, method: 'system.ping' },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
      { jsonrpc: '2.0', method: 'system.ping' },
    ])}\n`,
  );
  const answer = (await c.next(1)) as { id: number }[];
  assert.deepEqual(
    answer.map((a) => a.id),
    [1, 2],
  );
  c.send('[]\n');
  assert.equal(((await c.next(2)) as { error: { code: number } }).error.code, -32600);
});

test('a 2 MiB line gets an error and a closed connection; another client is served throughout', async (t) => {
  const server = await serve(t);
  const big = raw(t, server.socketPath);
  const other = await RpcConnection.connect(server.socketPath);
  t.after(() => other.close());
  big.send(
    `{"jsonrpc":"2.0","id":1,"method":"system.ping","params":{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}}\n`,
  );
  assert.deepEqual(await other.call('system.ping'), { pong: true });
  const err = (await big.next(1)) as { error: { code: number; message: string } };
  assert.equal(err.error.code, -32600);
  assert.match(err.error.message, /over 1 MiB/);
  await waitFor('the big connection to close', () => big.isClosed());
  assert.deepEqual(await other.call('system.ping'), { pong: true });
});

test('a client that never reads loses notifications (counted) and blocks nobody', async (t) => {
  let ctxOfSlow: CallContext | null = null;
  const server = await serve(
    t,
    {
      'events.subscribe': (_p: never, ctx: CallContext) => {
        ctxOfSlow = ctx;
        return { subscription: 's' };
      },
    },
    { notifyHighWater: 64 * 1024 },
  );
  const slow = raw(t, server.socketPath);
  slow.send('{"jsonrpc":"2.0","id":1,"method":"events.subscribe"}\n');
  await slow.next(1);
  slow.socket.pause();
  const ctx = await waitFor('the subscription', () => ctxOfSlow);
  const event = { type: 'state', service: 'web', at: 0, padding: 'y'.repeat(1000) };
  for (let i = 0; i < 20_000; i++) ctx.notify('events.event', { subscription: 's', event });
  const fast = await RpcConnection.connect(server.socketPath);
  t.after(() => fast.close());
  assert.deepEqual(await fast.call('system.ping'), { pong: true });
  assert.ok(ctx.dropped() > 0, 'notifications beyond the high-water mark are dropped and counted');
});

test('the socket is 0600 in a 0700 folder; a second server refuses; a stale socket is replaced', async (t) => {
  const server = await serve(t, { 'system.version': () => ({ version: 'x', node: 'v', pid: process.pid }) });
  assert.equal(statSync(server.socketPath).mode & 0o777, 0o600);
  assert.equal(statSync(path.dirname(server.socketPath)).mode & 0o777, 0o700);
  const second = new RpcServer({ socketPath: server.socketPath, handlers: handlers({}) });
  await assert.rejects(second.listen(), {
    code: 'TEND_DAEMON_RUNNING',
    message: `another tend already serves ${server.socketPath} (pid ${process.pid})`,
  });

  // a socket left by a process that died: listening in a child that is then SIGKILLed
  const stalePath = path.join(tempDir(t), 'stale.sock');
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(stalePath)}, () => console.log('up'))`,
  ]);
  t.after(() => child.kill('SIGKILL'));
  await new Promise((r) => child.stdout.once('data', r));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(existsSync(stalePath), 'the dead process left its socket file');
  const fresh = new RpcServer({
    socketPath: stalePath,
    handlers: handlers({ 'system.ping': () => ({ pong: true }) }),
  });
  await fresh.listen();
  t.after(() => fresh.close());
  const c = await RpcConnection.connect(stalePath);
  t.after(() => c.close());
  assert.deepEqual(await c.call('system.ping'), { pong: true });
});

test('errors from handlers carry their TEND code; calls on a closed connection fail clearly', async (t) => {
  const server = await serve(t, {
    'service.status': () => {
      throw new TendError('TEND_SERVICE_NOT_FOUND', { name: 'web' });
    },
  });
  const c = await RpcConnection.connect(server.socketPath);
  await assert.rejects(c.call('service.status', { name: 'web' }), {
    name: 'RpcError',
    code: -32004,
    tendCode: 'TEND_SERVICE_NOT_FOUND',
    message: 'service "web" not found',
  });
  c.close();
  await assert.rejects(c.call('system.ping'), { code: 'TEND_DAEMON_UNREACHABLE' });
  await assert.rejects(RpcConnection.connect(path.join(tempDir(t), 'none.sock')), {
    code: 'TEND_DAEMON_UNREACHABLE',
    message: /no tend is running at .*none\.sock \(no socket there\)/,
  });
});
