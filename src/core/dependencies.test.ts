import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { freePort, gate, tempDir, waitFor } from '../../test/helpers.ts';
import { nextEvent, record, supervisor } from '../../test/kernel.ts';
import { makeServiceSpec, type ServiceSpecInput } from './service-spec.ts';

const svc = (input: ServiceSpecInput) => makeServiceSpec({ restartDelayMs: 10, ...input });
const listen = (port: number) => `node -e "require('net').createServer().listen(${port}, '127.0.0.1')"`;

describe('dependencies', () => {
  test('web requires db with a tcp readiness check: blocked (and why says so) until the port opens; stopping db stops web first', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    const port = await freePort();
    const g = gate(t);
    sup.add(
      svc({
        name: 'db',
        command: `${g.wait}; exec ${listen(port)}`,
        ready: { kind: 'probe', probe: { kind: 'tcp', host: '127.0.0.1', port }, intervalMs: 20 },
      }),
      { start: false },
    );
    sup.add(svc({ name: 'web', command: 'exec sleep 1000', requires: { db: 'ready' } }), { start: false });
    sup.start(['web']);
    await sup.waitFor(['web'], ['blocked'], { timeoutMs: 5000 });
    const [why] = sup.why('web');
    assert.equal(why?.state, 'blocked');
    assert.match(why?.dependencies[0]?.detail ?? '', /^requires db to be ready: waiting, db is starting/);
    assert.ok(
      !events.some((e) => e.type === 'spawn' && e.service === 'web'),
      'web is not spawned while blocked',
    );
    g.open();
    await sup.waitFor(['web'], ['running'], { timeoutMs: 10_000 });
    assert.match(sup.status('db')[0]!.reason, /ready: tcp 127\.0\.0\.1:\d+/);

    const from = events.length;
    sup.stop(['db']);
    await sup.waitFor(['db', 'web'], ['inactive'], { timeoutMs: 10_000 });
    const order = events
      .slice(from)
      .flatMap((e) => (e.type === 'state' && e.to === 'inactive' ? [e.service] : []));
    assert.deepEqual(order, ['web', 'db'], 'the dependent stops before its dependency');
  });

  test('a one-shot migrate that exits 1 keeps a completed_successfully dependent from ever starting', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    sup.add(svc({ name: 'migrate', command: 'echo migrating; exit 1', restart: 'never' }), { start: false });
    sup.add(
      svc({ name: 'web', command: 'exec sleep 1000', requires: { migrate: 'completed_successfully' } }),
      {
        start: false,
      },
    );
    sup.start(['web']);
    await sup.waitFor(['web'], ['failed'], { timeoutMs: 5000 });
    assert.ok(!events.some((e) => e.type === 'spawn' && e.service === 'web'));
    const [why] = sup.why('web');
    assert.match(why!.reason, /^dependency migrate failed: exited with code 1/);
    assert.equal(why?.dependencies[0]?.verdict, 'failed');
  });

  test('a migrate that succeeds gates the web server, which starts after it completed', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    sup.add(svc({ name: 'migrate', command: 'echo done', restart: 'never' }), { start: false });
    sup.add(
      svc({ name: 'web', command: 'exec sleep 1000', requires: { migrate: 'completed_successfully' } }),
      { start: false },
    );
    sup.start(['web']);
    await sup.waitFor(['web'], ['running'], { timeoutMs: 5000 });
    const exitAt = events.findIndex(
      (e) => e.type === 'state' && e.service === 'migrate' && e.to === 'exited',
    );
    const spawnAt = events.findIndex((e) => e.type === 'spawn' && e.service === 'web');
    assert.ok(exitAt !== -1 && exitAt < spawnAt);
  });

  test('transitive failure: A needs B needs C, C fails; A and B never start and why says so', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    // without a readiness check a spawned service counts as ready: c must stay up a moment first
    sup.add(svc({ name: 'c', command: 'exit 2', restart: 'never', ready: { kind: 'uptime', ms: 500 } }), {
      start: false,
    });
    sup.add(svc({ name: 'b', command: 'exec sleep 1000', requires: { c: 'ready' } }), { start: false });
    sup.add(svc({ name: 'a', command: 'exec sleep 1000', requires: { b: 'ready' } }), { start: false });
    sup.start(['a']);
    await sup.waitFor(['a', 'b', 'c'], ['failed'], { timeoutMs: 5000 });
    assert.deepEqual(
      events.filter((e) => e.type === 'spawn').map((e) => e.service),
      ['c'],
    );
    const reason = sup.why('a')[0]!.reason;
    assert.match(reason, /^dependency b failed; root cause: c exited with code 2/);
  });

  test('a dependency that fails within milliseconds fails its dependent, and a later fix lets it start', async (t) => {
    const sup = supervisor(t);
    const dir = tempDir(t);
    const flag = path.join(dir, 'fixed');
    sup.add(
      svc({
        name: 'db',
        command: `test -e '${flag}' && exec sleep 1000`,
        restart: 'never',
        ready: { kind: 'uptime', ms: 300 },
      }),
      { start: false },
    );
    sup.add(svc({ name: 'web', command: 'exec sleep 1000', requires: ['db'] }), { start: false });
    sup.start(['web']);
    await sup.waitFor(['web'], ['failed'], { timeoutMs: 5000 });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(flag, '');
    sup.start(['web']);
    await sup.waitFor(['web', 'db'], ['running'], { timeoutMs: 5000 });
  });

  test('restarting a service while it waits for a dependency neither wedges nor runs two copies', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    const g = gate(t);
    sup.add(
      svc({
        name: 'db',
        command: `${g.wait}; echo up; exec sleep 1000`,
        ready: { kind: 'log', pattern: '^up$' },
      }),
      {
        start: false,
      },
    );
    sup.add(svc({ name: 'web', command: 'exec sleep 1000', requires: ['db'] }), { start: false });
    sup.start(['web']);
    await sup.waitFor(['web'], ['blocked'], { timeoutMs: 5000 });
    for (let i = 0; i < 5; i++) sup.restart(['web']);
    assert.equal(sup.status('web')[0]!.state, 'blocked');
    g.open();
    await sup.waitFor(['web'], ['running'], { timeoutMs: 5000 });
    assert.equal(
      events.filter((e) => e.type === 'spawn' && e.service === 'web').length,
      1,
      'exactly one copy',
    );
  });

  test('readiness lost and regained: a dependent started while its dependency restarts waits, then starts', async (t) => {
    const sup = supervisor(t);
    const g = gate(t);
    const port = await freePort();
    sup.add(
      svc({
        name: 'db',
        command: `${g.wait}; exec ${listen(port)}`,
        restart: 'always',
        ready: { kind: 'probe', probe: { kind: 'tcp', host: '127.0.0.1', port }, intervalMs: 20 },
      }),
    );
    g.open();
    await sup.waitFor(['db'], ['running'], { timeoutMs: 10_000 });
    sup.add(svc({ name: 'web', command: 'exec sleep 1000', requires: ['db'] }), { start: false });
    const { rmSync } = await import('node:fs');
    rmSync(g.path);
    sup.kill(['db'], 'SIGKILL');
    await nextEvent(sup, (e) => e.type === 'state' && e.service === 'db' && e.to === 'starting');
    sup.start(['web']);
    assert.equal(sup.status('web')[0]!.state, 'blocked');
    g.open();
    await sup.waitFor(['web'], ['running'], { timeoutMs: 10_000 });
  });

  test('log and notify readiness each gate a dependent', async (t) => {
    const sup = supervisor(t);
    const g = gate(t);
    sup.add(
      svc({
        name: 'logger',
        command: `echo booting; ${g.wait}; echo 'listening on 5000'; exec sleep 1000`,
        ready: { kind: 'log', pattern: 'listening on \\d+' },
      }),
      { start: false },
    );
    sup.add(
      svc({
        name: 'notifier',
        command: `${g.wait}; echo >&$TEND_NOTIFY_FD; exec sleep 1000`,
        ready: { kind: 'notify' },
      }),
      { start: false },
    );
    sup.add(svc({ name: 'a', command: 'exec sleep 1000', requires: ['logger'] }), { start: false });
    sup.add(svc({ name: 'b', command: 'exec sleep 1000', requires: ['notifier'] }), { start: false });
    sup.start(['a', 'b']);
    await sup.waitFor(['a', 'b'], ['blocked'], { timeoutMs: 5000 });
    await waitFor('the logger to have printed booting', () => sup.status('logger')[0]!.state === 'starting');
    assert.equal(sup.status('a')[0]!.state, 'blocked', 'a line that does not match is not readiness');
    g.open();
    await sup.waitFor(['a', 'b'], ['running'], { timeoutMs: 5000 });
    assert.match(sup.status('logger')[0]!.reason, /ready: log matched/);
    assert.match(sup.status('notifier')[0]!.reason, /ready: notified on TEND_NOTIFY_FD/);
  });

  test("ipc readiness: a Node child's process.send('ready')", async (t) => {
    const sup = supervisor(t);
    sup.add(
      svc({
        name: 'node-app',
        argv: [
          process.execPath,
          '-e',
          "setTimeout(() => process.send('ready'), 50); setInterval(() => {}, 1000)",
        ],
        ready: { kind: 'ipc' },
      }),
    );
    await sup.waitFor(['node-app'], ['running'], { timeoutMs: 5000 });
    assert.match(sup.status('node-app')[0]!.reason, /process\.send/);
  });

  test('start_timeout turns a service that never becomes ready into a failure handled by its policy', async (t) => {
    const sup = supervisor(t);
    sup.add(
      svc({
        name: 'slow',
        command: 'exec sleep 1000',
        ready: { kind: 'log', pattern: 'never printed' },
        startTimeoutMs: 100,
        restart: 'on-failure',
        maxRestarts: 1,
      }),
    );
    await sup.waitFor(['slow'], ['failed'], { timeoutMs: 10_000 });
    const s = sup.status('slow')[0]!;
    assert.equal(s.restarts, 1);
    assert.match(s.reason, /gave up after 1 restarts/);
  });

  test('conflicts: starting one stops the other', async (t) => {
    const sup = supervisor(t);
    sup.add(svc({ name: 'blue', command: 'exec sleep 1000' }));
    sup.add(svc({ name: 'green', command: 'exec sleep 1000', conflicts: ['blue'] }), { start: false });
    await sup.waitFor(['blue'], ['running'], { timeoutMs: 5000 });
    sup.start(['green']);
    await sup.waitFor(['blue'], ['inactive'], { timeoutMs: 5000 });
    await sup.waitFor(['green'], ['running'], { timeoutMs: 5000 });
    sup.start(['blue']);
    await sup.waitFor(['green'], ['inactive'], { timeoutMs: 5000 });
  });

  test('shutdown runs in reverse dependency order; independent services stop in parallel', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    sup.add(svc({ name: 'db', command: 'exec sleep 1000' }));
    sup.add(svc({ name: 'cache', command: 'exec sleep 1000' }));
    sup.add(svc({ name: 'web', command: 'exec sleep 1000', requires: ['db', 'cache'] }));
    await sup.waitFor(['all'], ['running'], { timeoutMs: 5000 });
    const from = events.length;
    await sup.shutdown({ timeoutMs: 5000 });
    const seq = events
      .slice(from)
      .flatMap((e) => (e.type === 'state' && e.from !== e.to ? [`${e.service}:${e.to}`] : []));
    assert.equal(seq[0], 'web:stopping');
    assert.ok(seq.indexOf('web:inactive') < seq.indexOf('db:stopping'));
    // db and cache are both signalled before either is gone
    assert.ok(
      seq.indexOf('cache:stopping') < seq.indexOf('db:inactive') &&
        seq.indexOf('db:stopping') < seq.indexOf('cache:inactive'),
    );
  });

  test('a cycle or an unknown dependency added at run time is refused and changes nothing', async (t) => {
    const sup = supervisor(t);
    assert.throws(() => sup.add(svc({ name: 'a', command: 'true', requires: ['b'] }), { start: false }), {
      code: 'TEND_CONFIG_INVALID',
      message: 'services.a.requires: unknown service "b"',
    });
    sup.add(svc({ name: 'b', command: 'true' }), { start: false });
    sup.add(svc({ name: 'a', command: 'true', requires: ['b'] }), { start: false });
    await assert.rejects(sup.update(svc({ name: 'b', command: 'true', requires: ['a'] })), {
      message: /dependency cycle: (a → b → a|b → a → b)/,
    });
    assert.deepEqual(Object.keys(sup.spec('b').requires), []);
  });
});

describe('requires with restart = true', () => {
  test('a dependent that asks for it restarts with its requirement, by request or by crash; one that does not, does not', async (t) => {
    const sup = supervisor(t);
    sup.addAll([
      svc({ name: 'db', command: 'exec sleep 1000', restart: 'always', restartDelayMs: 0 }),
      svc({
        name: 'web',
        command: 'exec sleep 1000',
        requires: { db: { condition: 'ready', restart: true } },
      }),
      svc({ name: 'api', command: 'exec sleep 1000', requires: ['db'] }),
    ]);
    await sup.waitFor(['db', 'web', 'api'], ['running'], { timeoutMs: 5000 });
    const pid = (n: string) => sup.status(n)[0]?.pid;
    const [web0, api0, db0] = [pid('web'), pid('api'), pid('db')];
    sup.restart(['db']);
    await waitFor(
      'db and web restarted',
      () => pid('db') !== db0 && pid('web') !== web0 && sup.status('web')[0]?.state === 'running',
    );
    assert.equal(pid('api'), api0, 'api does not bounce');
    assert.equal(sup.status('web')[0]?.restartsByCause.dependency, 1);
    const [web1, db1] = [pid('web'), pid('db')];
    process.kill(db1 ?? 0, 'SIGKILL');
    await waitFor(
      'web restarted after the crash too',
      () => pid('db') !== db1 && pid('web') !== web1 && sup.status('web')[0]?.state === 'running',
    );
    assert.equal(pid('api'), api0, 'api still untouched');
    assert.equal(sup.status('web')[0]?.restartsByCause.dependency, 2);
  });
});
