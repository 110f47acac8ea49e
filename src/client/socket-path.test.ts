import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers.ts';
import { findSocket } from './socket-path.ts';

test('--socket and TEND_SOCKET win, then an explicit home, then the nearest project socket, then the daemon home', (t) => {
  const dir = tempDir(t);
  const project = path.join(dir, 'project');
  const deep = path.join(project, 'a', 'b');
  mkdirSync(path.join(project, '.tend'), { recursive: true });
  mkdirSync(deep, { recursive: true });
  writeFileSync(path.join(project, '.tend', 'tend.sock'), '');
  const env = { XDG_RUNTIME_DIR: path.join(dir, 'run') };

  assert.equal(findSocket({ socket: 'x.sock', cwd: deep }, env).socket, path.resolve('x.sock'));
  assert.equal(findSocket({ cwd: deep }, { ...env, TEND_SOCKET: '/s.sock' }).socket, '/s.sock');
  assert.equal(findSocket({ cwd: deep }, { ...env, TEND_HOME: '/h' }).socket, '/h/tend.sock');
  assert.deepEqual(findSocket({ cwd: deep }, env), {
    socket: path.join(project, '.tend', 'tend.sock'),
    source: 'the project socket',
  });
  assert.equal(findSocket({ cwd: dir }, env).socket, path.join(dir, 'run', 'tend', 'tend.sock'));
});
