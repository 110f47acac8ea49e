import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFast } from './fast-args.ts';

test('the fast path takes a plain ls with global options, and leaves everything else to commander', () => {
  assert.deepEqual(parseFast(['ls']), {});
  assert.deepEqual(parseFast(['list', '--json']), { json: true });
  assert.deepEqual(parseFast(['--socket', '/run/x.sock', 'ls', '--no-color']), {
    socket: '/run/x.sock',
    color: false,
  });
  assert.deepEqual(parseFast(['ls', '--host=https://box:8443', '--token', 't', '--insecure']), {
    host: 'https://box:8443',
    token: 't',
    insecure: true,
  });
  for (const args of [
    [],
    ['ls', '-h'],
    ['ls', '--help'],
    ['ls', 'web'],
    ['ls', '--jsn'],
    ['status'],
    ['ls', '--socket'],
    ['ls', 'ls'],
  ])
    assert.equal(parseFast(args), null, JSON.stringify(args));
});
