/** The rules about a service's handles: names, directions, an fd given twice, and the table's resolution. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { assignmentProblems, declShapes, type HandleShape, HandleTable } from './handles.ts';

const shapes = new Map<string, HandleShape>(
  [
    ...declShapes('logpipe', { kind: 'pipe' }),
    ...declShapes('http', {
      kind: 'socket',
      listen: { scheme: 'tcp', host: '127.0.0.1', port: 0 },
      backlog: 16,
      mode: null,
      owner: null,
    }),
  ].map((d) => [d.name, d.shape]),
);
const check = (spec: Partial<Parameters<typeof assignmentProblems>[0]>) =>
  assignmentProblems({ fds: [], sockets: [], controller: null, ...spec }, (n) => shapes.get(n)).map(
    (p) => `${p.at.join('.')}: ${p.message}`,
  );

test('a pipe declares a read end and a write end', () => {
  assert.deepEqual(
    declShapes('p', { kind: 'pipe' }).map((d) => [d.name, d.shape.readable, d.shape.writable]),
    [
      ['p.r', true, false],
      ['p.w', false, true],
    ],
  );
  assert.deepEqual(declShapes('f', { kind: 'file', path: '/x', flags: ['append', 'create'] })[0]?.shape, {
    readable: false,
    writable: true,
    socket: false,
  });
});

test('stdin must be readable, stdout and stderr writable, sockets bound sockets', () => {
  assert.deepEqual(check({ fds: [{ fd: 0, handle: 'logpipe.w' }] }), [
    'fds.0: stdin needs a readable handle; "logpipe.w" is write-only',
  ]);
  assert.deepEqual(check({ fds: [{ fd: 2, handle: 'logpipe.r' }] }), [
    'fds.2: stderr needs a writable handle; "logpipe.r" is read-only',
  ]);
  assert.deepEqual(
    check({ sockets: ['logpipe.r'], fds: [{ fd: 3, handle: 'logpipe.r', at: ['sockets', 0] }] }),
    ['sockets.0: handle "logpipe.r" is not a bound socket'],
  );
  assert.deepEqual(check({ sockets: ['http'], fds: [{ fd: 3, handle: 'http', at: ['sockets', 0] }] }), []);
});

test('an unknown handle, an fd given twice, and "control" outside a controller are named', () => {
  assert.deepEqual(check({ fds: [{ fd: 5, handle: 'nope' }] }), ['fds.5: unknown handle "nope"']);
  assert.deepEqual(
    check({
      fds: [
        { fd: 3, handle: 'http', at: ['sockets', 0] },
        { fd: 3, handle: 'logpipe.r', at: ['fds', '3'] },
      ],
    }),
    ['fds.3: fd 3 is given twice (also by sockets.0)'],
  );
  assert.deepEqual(check({ fds: [{ fd: 3, handle: 'control' }] }), [
    'fds.3: "control" is for controllers only',
  ]);
  assert.deepEqual(check({ controller: 'tsv', fds: [{ fd: 3, handle: 'control' }] }), []);
});

test('the table opens, resolves, refuses a second declaration and closes', async () => {
  const table = new HandleTable();
  const opened = await table.declare('p', { kind: 'pipe' }, 'runtime');
  assert.deepEqual(
    opened.map((h) => h.name),
    ['p.r', 'p.w'],
  );
  await assert.rejects(table.declare('p', { kind: 'pipe' }, 'runtime'), { code: 'TEND_FD_EXISTS' });
  const resolved = table.resolve('svc', [{ fd: 0, handle: 'p.r' }]);
  assert.deepEqual(resolved.fds, [{ target: 0, fd: opened[0]?.fd }]);
  assert.throws(() => table.resolve('svc', [{ fd: 0, handle: 'q' }]), { code: 'TEND_FD_NOT_FOUND' });
  assert.deepEqual(table.remove('p'), ['p.r', 'p.w']);
  assert.deepEqual(table.list(), []);
});
