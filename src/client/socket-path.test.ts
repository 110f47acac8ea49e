import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers.ts';
import { findSocket, socketCandidates } from './socket-path.ts';

test('--socket and TEND_SOCKET win, then --home, then the nearest project socket (TEND_HOME behind it), then TEND_HOME, then the daemon home', (t) => {
  const dir = tempDir(t);
  const project = path.join(dir, 'project');
  const deep = path.join(project, 'a', 'b');
  mkdirSync(path.join(project, '.tend'), { recursive: true });
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(project, '.tend', 'tend.sock'), '');
  const env = { XDG_RUNTIME_DIR: path.join(dir, 'run') };
  const projectSocket = path.join(project, '.tend', 'tend.sock');

  assert.equal(findSocket({ socket: 'x.sock', cwd: deep }, env).socket, path.resolve('x.sock'));
  assert.equal(findSocket({ cwd: deep }, { ...env, TEND_SOCKET: '/s.sock' }).socket, '/s.sock');
  assert.equal(findSocket({ home: '/h', cwd: deep }, { ...env, TEND_HOME: '/other' }).socket, '/h/tend.sock');
  // an exported TEND_HOME gives way to the project's tend up, and is asked when that one is gone
  assert.deepEqual(findSocket({ cwd: deep }, { ...env, TEND_HOME: '/h' }), {
    socket: projectSocket,
    source: "the project's tend up",
    fallback: { socket: '/h/tend.sock', source: 'TEND_HOME' },
  });
  assert.equal(findSocket({ cwd: dir }, { ...env, TEND_HOME: '/h' }).socket, '/h/tend.sock');
  assert.equal(findSocket({ cwd: dir }, env).socket, path.join(dir, 'run', 'tend', 'tend.sock'));
});

test('the candidates for a "not found" are every tend this folder may mean, the chosen one first', (t) => {
  const dir = tempDir(t);
  mkdirSync(path.join(dir, '.tend'), { recursive: true });
  writeFileSync(path.join(dir, '.tend', 'tend.sock'), '');
  const env = { XDG_RUNTIME_DIR: path.join(dir, 'run'), TEND_HOME: '/h' };
  assert.deepEqual(
    socketCandidates({ home: '/x', cwd: dir }, env).map((c) => c.socket),
    [
      '/x/tend.sock',
      path.join(dir, '.tend', 'tend.sock'),
      '/h/tend.sock',
      path.join(dir, 'run', 'tend', 'tend.sock'),
    ],
  );
});
