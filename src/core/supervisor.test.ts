import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { waitFor } from '../../test/helpers.ts';
import { nextEvent, record, supervisor } from '../../test/kernel.ts';
import { groupMembers } from '../process/proc.ts';
import { FakeClock } from './clock.ts';
import { makeServiceSpec } from './service-spec.ts';

describe('Supervisor with real processes', () => {
  test('a service that ignores SIGTERM is killed by SIGKILL after stop_timeout', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    // an ignored disposition is inherited across exec, so the sleep ignores SIGTERM too
    sup.add(makeServiceSpec({ name: 'stubborn', command: "trap '' TERM; sleep 1000", stopTimeoutMs: 300 }));
    await sup.waitFor(['stubborn'], ['running'], { timeoutMs: 5000 });
    const [status] = sup.status('stubborn');
    const pgid = status!.pid!;
    await waitFor('the sleep to start', () => groupMembers(pgid).length === 2);
    sup.stop(['stubborn']);
    await sup.waitFor(['stubborn'], ['inactive'], { timeoutMs: 5000 });
    assert.deepEqual(groupMembers(pgid), []);
    const reasons = events.flatMap((e) => (e.type === 'state' ? [e.reason] : []));
    assert.ok(
      reasons.some((r) => r.includes('stop_timeout passed')),
      reasons.join('\n'),
    );
    const exit = events.find((e) => e.type === 'exit');
    assert.equal(exit?.type === 'exit' && exit.signal, 'SIGKILL');
  });

  test('stopping one instance stops only that instance; its dependents stop whole', async (t) => {
    const sup = supervisor(t);
    sup.add(makeServiceSpec({ name: 'web', command: 'sleep 1000', instances: 2 }));
    sup.add(makeServiceSpec({ name: 'api', command: 'sleep 1000', requires: { web: 'started' } }));
    await sup.waitFor(['web', 'api'], ['running'], { timeoutMs: 5000 });
    const touched = sup.stop(['web:0']).map((s) => s.name);
    assert.deepEqual(touched.sort(), ['api', 'web:0']);
    await sup.waitFor(['web:0', 'api'], ['inactive'], { timeoutMs: 5000 });
    assert.equal(sup.status('web:1')[0]?.state, 'running');
  });

  test("a service run as sh -c 'sleep 1000 & sleep 1000' leaves no process behind after stop", async (t) => {
    const sup = supervisor(t);
    sup.add(makeServiceSpec({ name: 'forker', command: 'sleep 1000 & sleep 1000' }));
    await sup.waitFor(['forker'], ['running'], { timeoutMs: 5000 });
    const pgid = sup.status('forker')[0]!.pid!;
    await waitFor('both sleeps', () => groupMembers(pgid).length === 3);
    sup.stop(['forker']);
    await sup.waitFor(['forker'], ['inactive'], { timeoutMs: 5000 });
    assert.deepEqual(groupMembers(pgid), []);
  });

  test('a service that always exits 1 with max_restarts = 3 ends failed after exactly 3 restarts, with the configured delays', async (t) => {
    const clock = new FakeClock();
    const sup = supervisor(t, { clock });
    const events = record(t, sup);
    sup.add(
      makeServiceSpec({
        name: 'crasher',
        argv: ['sh', '-c', 'exit 1'],
        maxRestarts: 3,
        restartDelayMs: 100,
        backoff: { factor: 2, maxDelayMs: 10_000 },
      }),
    );
    const delays: number[] = [];
    for (;;) {
      const e = await nextEvent(sup, (e) => e.type === 'state' && (e.to === 'backoff' || e.to === 'failed'));
      if (e.type === 'state' && e.to === 'failed') break;
      const pending = clock.pending();
      assert.equal(pending.length, 1);
      delays.push(pending[0]!);
      clock.advance(pending[0]!);
    }
    assert.deepEqual(delays, [100, 200, 400]);
    const spawns = events.filter((e) => e.type === 'spawn');
    assert.equal(spawns.length, 4, 'the first run and exactly 3 restarts');
    const [status] = sup.status('crasher');
    assert.equal(status?.state, 'failed');
    assert.equal(status?.restarts, 3);
    assert.match(status!.reason, /gave up after 3 restarts/);
    assert.deepEqual(status?.lastExit && { code: status.lastExit.code, signal: status.lastExit.signal }, {
      code: 1,
      signal: null,
    });
  });

  test('instances run as name:N with TEND_INSTANCE, env and cwd', async (t) => {
    const sup = supervisor(t);
    const lines: string[] = [];
    t.after(sup.logs.add((l) => lines.push(`${l.service} ${l.text}`)));
    sup.add(
      makeServiceSpec({
        name: 'web',
        command: 'echo "$TEND_INSTANCE $GREETING $(pwd)"; exec sleep 1000',
        instances: 2,
        env: { GREETING: 'hello' },
        cwd: '/tmp',
      }),
    );
    await waitFor('both instances to print', () => lines.length >= 2);
    assert.deepEqual(lines.sort(), ['web:0 0 hello /tmp', 'web:1 1 hello /tmp']);
    assert.deepEqual(
      sup.list().map((s) => [s.name, s.state]),
      [
        ['web:0', 'running'],
        ['web:1', 'running'],
      ],
    );
  });

  test('a command without shell syntax runs without a shell', async (t) => {
    const sup = supervisor(t);
    sup.add(makeServiceSpec({ name: 'plain', command: 'sleep 1000' }));
    await sup.waitFor(['plain'], ['running'], { timeoutMs: 5000 });
    const pid = sup.status('plain')[0]!.pid!;
    const { readFileSync } = await import('node:fs');
    assert.equal(readFileSync(`/proc/${pid}/cmdline`, 'latin1'), 'sleep\u00001000\u0000');
  });

  test('a program that does not exist fails with a reason that names it', async (t) => {
    const sup = supervisor(t);
    sup.add(makeServiceSpec({ name: 'ghost', argv: ['/nonexistent/prog'] }));
    await sup.waitFor(['ghost'], ['failed'], { timeoutMs: 5000 });
    assert.match(sup.status('ghost')[0]!.reason, /"\/nonexistent\/prog" not found/);
  });

  test('restart gives a new process; kill delivers a signal to the group', async (t) => {
    const sup = supervisor(t);
    sup.add(makeServiceSpec({ name: 'svc', command: 'sleep 1000', restart: 'always', restartDelayMs: 0 }));
    await sup.waitFor(['svc'], ['running'], { timeoutMs: 5000 });
    const first = sup.status('svc')[0]!.pid;
    sup.restart(['svc']);
    await waitFor('a new pid', () => {
      const s = sup.status('svc')[0]!;
      return s.state === 'running' && s.pid !== first && s.pid;
    });
    const second = sup.status('svc')[0]!.pid;
    assert.deepEqual(sup.kill(['svc'], 'SIGKILL'), ['svc']);
    const e = await nextEvent(sup, (e) => e.type === 'exit' && e.pid === second);
    assert.equal(e.type === 'exit' && e.signal, 'SIGKILL');
    await waitFor('the restart after kill', () => {
      const s = sup.status('svc')[0]!;
      return s.state === 'running' && s.pid !== second;
    });
    const status = sup.status('svc')[0]!;
    assert.equal(status.restarts, 2, 'every restart counts, whatever its cause');
    assert.equal(status.restartsByCause.requested, 1);
    assert.equal(status.restartsByCause.exit, 1);
    assert.equal(status.lastRestart?.cause, 'exit');
  });

  test('names, bases and globs select services; unknown names are errors', (t) => {
    const sup = supervisor(t);
    for (const name of ['api-a', 'api-b', 'db'])
      sup.add(makeServiceSpec({ name, command: 'sleep 1' }), { start: false });
    sup.add(makeServiceSpec({ name: 'web', command: 'sleep 1', instances: 2 }), { start: false });
    const names = (p: string[]) => sup.select(p).map((r) => r.name);
    assert.deepEqual(names(['api-*']), ['api-a', 'api-b']);
    assert.deepEqual(names(['web']), ['web:0', 'web:1']);
    assert.deepEqual(names(['web:1', 'db']), ['web:1', 'db']);
    assert.equal(names(['all']).length, 5);
    assert.throws(() => sup.select(['nope']), { code: 'TEND_SERVICE_NOT_FOUND' });
    assert.throws(() => sup.add(makeServiceSpec({ name: 'db', command: 'true' })), {
      code: 'TEND_SERVICE_EXISTS',
    });
    assert.throws(() => sup.add(makeServiceSpec({ name: '../x', command: 'true' })), {
      code: 'TEND_NAME_INVALID',
    });
  });

  test('stop_all spares system services; shutdown stops them too, in reverse order of start', async (t) => {
    const sup = supervisor(t);
    const events = record(t, sup);
    sup.add(makeServiceSpec({ name: 'first', command: 'sleep 1000' }));
    sup.add(makeServiceSpec({ name: 'second', command: 'sleep 1000' }));
    sup.add(makeServiceSpec({ name: 'sys', command: 'sleep 1000', class: 'system' }));
    await sup.waitFor(['all'], ['running'], { timeoutMs: 5000 });
    sup.stopAll();
    await sup.waitFor(['first', 'second'], ['inactive'], { timeoutMs: 5000 });
    assert.equal(sup.status('sys')[0]!.state, 'running');
    sup.stop(['*']);
    assert.equal(sup.status('sys')[0]!.state, 'running', 'a glob spares system services too');
    sup.stop(['sys']);
    await sup.waitFor(['sys'], ['inactive'], { timeoutMs: 5000 });
    sup.start(['first', 'second', 'sys']);
    await sup.waitFor(['all'], ['running'], { timeoutMs: 5000 });
    const from = events.length;
    await sup.shutdown({ timeoutMs: 5000 });
    const stopping = events
      .slice(from)
      .flatMap((e) =>
        e.type === 'state' && e.from !== 'stopping' && e.to === 'stopping' ? [e.service] : [],
      );
    assert.deepEqual(stopping, ['sys', 'second', 'first'], 'the last started stops first');
    assert.throws(() => sup.start(['first']), { code: 'TEND_SHUTTING_DOWN' });
  });

  test('update restarts an active service with the new definition and scales instances', async (t) => {
    const sup = supervisor(t);
    const lines: string[] = [];
    t.after(sup.logs.add((l) => lines.push(`${l.service} ${l.text}`)));
    sup.add(makeServiceSpec({ name: 'app', command: 'echo v1; exec sleep 1000' }));
    await waitFor('v1', () => lines.includes('app v1'));
    await sup.update(makeServiceSpec({ name: 'app', command: 'echo v2; exec sleep 1000', instances: 2 }), {
      timeoutMs: 5000,
    });
    await waitFor('v2 twice', () => lines.filter((l) => l.endsWith(' v2')).length === 2);
    assert.deepEqual(
      sup.list().map((s) => s.name),
      ['app:0', 'app:1'],
    );
    await sup.remove('app', { timeoutMs: 5000 });
    assert.deepEqual(sup.list(), []);
  });
});
