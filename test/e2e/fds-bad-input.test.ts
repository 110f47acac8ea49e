/**
 * Bad handles are refused with a located config error or a clear RPC error, and change
 * nothing: a port in use, a path that exists and is not a socket, an fd number given twice,
 * an unknown handle, a handle of the wrong direction.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import test from 'node:test';
import type { FdView } from '../../src/protocol/fd-methods.ts';
import { daemonWithConfig, spawnTend, tend, tendJson, testEnv } from '../cli.ts';

test('config check locates an fd given twice, an unknown handle and a wrong direction', async (t) => {
  const e = testEnv(t);
  const file = path.join(e.dir, 'tend.toml');
  writeFileSync(
    file,
    `[fds.logpipe]
type = "pipe"

[fds.http]
type = "socket"
listen = "tcp://127.0.0.1:0"

[services.a]
command = "sleep 1"
sockets = ["http"]
fds = { 3 = "logpipe.r" }

[services.b]
command = "sleep 1"
fds = { stdin = "logpipe.w", stdout = "nope" }

[services.c]
command = "sleep 1"
sockets = ["logpipe.r"]
`,
  );
  const r = await tend(e, ['config', 'check', file]);
  assert.equal(r.code, 1);
  const lines = r.stderr.split('\n');
  const at = (text: string) => lines.find((l) => l.includes(text)) ?? `(no line with ${text})`;
  assert.match(
    at('given twice'),
    /tend\.toml:11:\d+ services\.a\.fds\["3"\]: fd 3 is given twice \(also by sockets\.0\)/,
  );
  assert.match(at('write-only'), /tend\.toml:15:\d+ services\.b\.fds\.stdin: stdin needs a readable handle/);
  assert.match(at('unknown handle'), /tend\.toml:15:\d+ services\.b\.fds\.stdout: unknown handle "nope"/);
  assert.match(
    at('not a bound socket'),
    /tend\.toml:19:\d+ services\.c\.sockets\[0\]: handle "logpipe\.r" is not a bound socket/,
  );
});

test('a port in use and a path that is not a socket stop tend at start with the place in the config', async (t) => {
  const e = testEnv(t);
  const busy = net.createServer().listen(0, '127.0.0.1');
  t.after(() => busy.close());
  await new Promise((r) => busy.once('listening', r));
  const port = (busy.address() as net.AddressInfo).port;
  const file = path.join(e.dir, 'tend.toml');
  writeFileSync(path.join(e.dir, 'plain'), 'not a socket');
  writeFileSync(
    file,
    `[fds.http]
type = "socket"
listen = "tcp://127.0.0.1:${port}"
`,
  );
  const d = spawnTend(e, ['daemon', file]);
  assert.equal(await d.exited, 1);
  assert.match(
    d.output(),
    new RegExp(
      `tend\\.toml:3:\\d+ fds\\.http\\.listen: .*127\\.0\\.0\\.1:${port}: the address is already in use \\(EADDRINUSE\\)`,
    ),
  );

  writeFileSync(
    file,
    `[fds.sock]
type = "socket"
listen = "unix://${path.join(e.dir, 'plain')}"
`,
  );
  const d2 = spawnTend(e, ['daemon', file]);
  assert.equal(await d2.exited, 1);
  assert.match(d2.output(), /tend\.toml:3:\d+ fds\.sock\.listen: .*plain exists and is not a socket/);
});

test('at run time: an unknown handle, a wrong direction, a port in use and a removal in use are refused and change nothing', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[fds.logpipe]
type = "pipe"

[services.reader]
command = "cat"
fds = { stdin = "logpipe.r" }
`,
  );
  const unknown = await tend(e, [
    'add',
    '-f',
    writeFragment(e.dir, 'x.toml', '[services.x]\ncommand = "sleep 9"\nfds = { stdin = "nope" }\n'),
  ]);
  assert.equal(unknown.code, 3, unknown.stderr);
  assert.match(unknown.stderr, /handle "nope" not found \(service "x" names it\)/);
  const wrong = await tend(e, [
    'add',
    '-f',
    writeFragment(e.dir, 'y.toml', '[services.y]\ncommand = "sleep 9"\nfds = { stdout = "logpipe.r" }\n'),
  ]);
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.stderr,
    /service "y": fds\.stdout: stdout needs a writable handle; "logpipe\.r" is read-only/,
  );
  const names = (await tendJson<{ name: string }[]>(e, ['ls'])).map((s) => s.name);
  assert.deepEqual(names, ['reader'], 'nothing was added');

  const busy = net.createServer().listen(0, '127.0.0.1');
  t.after(() => busy.close());
  await new Promise((r) => busy.once('listening', r));
  const port = (busy.address() as net.AddressInfo).port;
  const inUse = await tend(e, ['fd', 'add', 'http', 'socket', `tcp://127.0.0.1:${port}`]);
  assert.equal(inUse.code, 1);
  assert.match(inUse.stderr, /could not open handle "http": .*already in use \(EADDRINUSE\)/);
  const twice = await tend(e, ['fd', 'add', 'logpipe', 'pipe']);
  assert.match(twice.stderr, /handle "logpipe\.r" already exists/);
  const removing = await tend(e, ['fd', 'rm', 'logpipe']);
  assert.equal(removing.code, 1);
  assert.match(removing.stderr, /handle "logpipe" is named by reader/);
  const bad = await tend(e, ['fd', 'add', 'h', 'socket', 'http://nowhere']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /fds\.h\.listen: expected "tcp:\/\/HOST:PORT"/);
  const handles = (await tendJson<FdView[]>(e, ['fd', 'ls'])).map((h) => h.name);
  assert.deepEqual(handles, ['logpipe.r', 'logpipe.w'], 'no handle was added or removed');
});

function writeFragment(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}
