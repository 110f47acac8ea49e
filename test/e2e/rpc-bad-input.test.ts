import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { startDaemon, tend, testEnv } from '../cli.ts';

const hasSocat = spawnSync('sh', ['-c', 'command -v socat']).status === 0;

/** Sends one payload the way an operator would (socat when installed, else node:net) and returns the answer lines. */
async function send(socket: string, payload: string): Promise<{ lines: unknown[]; closedByServer: boolean }> {
  if (hasSocat) {
    // -t: how long socat waits for the answer after its input ends
    const r = spawnSync('socat', ['-t', '2', '-', `UNIX-CONNECT:${socket}`], {
      input: payload,
      maxBuffer: 1 << 20,
    });
    const out = r.stdout.toString();
    return {
      lines: out.trim()
        ? out
            .trim()
            .split('\n')
            .map((l) => JSON.parse(l))
        : [],
      closedByServer: true,
    };
  }
  return new Promise((resolve) => {
    const c = net.connect(socket);
    let out = '';
    c.on('data', (d) => {
      out += d;
    });
    c.on('error', () => {});
    c.on('close', () =>
      resolve({
        lines: out.trim()
          ? out
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l))
          : [],
        closedByServer: true,
      }),
    );
    c.end(payload);
  });
}

test(`a real daemon answers garbage, non-requests, unknown methods, bad params and a 2 MiB line correctly${hasSocat ? ' (socat)' : ' (node:net)'}`, async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const socket = path.join(e.home, 'tend.sock');
  const code = (r: { lines: unknown[] }) => (r.lines[0] as { error?: { code: number } }).error?.code;

  assert.equal(code(await send(socket, 'garbage\n')), -32700);
  assert.equal(code(await send(socket, '{"hello":"world"}\n')), -32600);
  const unknown = await send(socket, '{"jsonrpc":"2.0","id":1,"method":"service.lsit"}\n');
  assert.equal(code(unknown), -32601);
  assert.match(JSON.stringify(unknown.lines[0]), /did you mean \\"service.list\\"/);
  const params = await send(
    socket,
    '{"jsonrpc":"2.0","id":2,"method":"service.kill","params":{"names":["x"],"signal":true}}\n',
  );
  assert.equal(code(params), -32602);
  assert.match(JSON.stringify(params.lines[0]), /signal/);
  // the server answers -32600 and closes; a sender still writing may see the close first
  const huge = await send(socket, `${'x'.repeat(2 * 1024 * 1024)}\n`);
  if (huge.lines.length > 0) assert.equal(code(huge), -32600);

  const still = await tend(e, ['ping']);
  assert.equal(still.code, 0, 'the daemon keeps serving');
  const list = await send(socket, '{"jsonrpc":"2.0","id":3,"method":"service.list"}\n');
  assert.deepEqual(list.lines[0], { jsonrpc: '2.0', id: 3, result: [] });
});
