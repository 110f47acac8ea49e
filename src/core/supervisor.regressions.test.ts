/**
 * The bugs the generated tests (supervisor.model.test.ts, service-set.test.ts) found, each
 * as the small case they shrank to, on a fake clock with processes the test ends.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeDriver } from '../../test/fake-driver.ts';
import { FakeClock } from './clock.ts';
import type { SupervisorEvent } from './events.ts';
import { isAtRest, isLive } from './lifecycle.ts';
import { makeServiceSpec, type ServiceSpecInput } from './service-spec.ts';
import { Supervisor } from './supervisor.ts';

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

function world() {
  const clock = new FakeClock();
  const driver = new FakeDriver();
  const sup = new Supervisor({ clock, driver, env: {} });
  const events: SupervisorEvent[] = [];
  sup.events.add((e) => events.push(e));
  /** Lets processes act on their signals and time pass until nothing is in flight. */
  const settle = async () => {
    for (let i = 0; i < 20; i++) {
      driver.deliver();
      clock.advance(50);
      await flush();
    }
  };
  const svc = (input: Partial<ServiceSpecInput> & { name: string }) =>
    makeServiceSpec({ command: 'x', restartDelayMs: 10, stopTimeoutMs: 200, ...input });
  return { clock, driver, sup, events, settle, svc };
}

describe('regressions found by the generated tests', () => {
  test('a conflict binds both sides: starting the side that does not name it waits for the other to stop', async () => {
    const { sup, driver, settle, svc } = world();
    sup.addAll([svc({ name: 'app', conflicts: ['devmode'] }), svc({ name: 'devmode', autostart: false })]);
    await flush();
    sup.start(['devmode']);
    await flush();
    const state = (n: string) => sup.status(n)[0]?.state ?? 'inactive';
    assert.ok(!(isLive(state('app')) && isLive(state('devmode'))), 'never both up');
    assert.equal(state('devmode'), 'blocked');
    await settle();
    assert.deepEqual([state('app'), state('devmode')], ['inactive', 'running']);
    assert.equal(driver.live.size, 1);
  });

  test('two scales of one service at once build one set of instances', async () => {
    const { sup, driver, settle, svc } = world();
    sup.addAll([svc({ name: 'a' })]);
    await flush();
    const first = sup.scale('a', 2);
    const second = sup.scale('a', 2);
    await settle();
    await Promise.all([first, second]);
    assert.deepEqual(
      sup.list().map((s) => [s.name, s.state]),
      [
        ['a:0', 'running'],
        ['a:1', 'running'],
      ],
    );
    for (const [name, peak] of driver.peak) assert.ok(peak <= 1, `${name} had ${peak} processes at once`);
    assert.equal(driver.live.size, 2);
  });

  test('a start during a scale does not restart the instances being dropped', async () => {
    const { sup, driver, settle, svc } = world();
    sup.addAll([svc({ name: 'a', instances: 2 }), svc({ name: 'b', requires: { a: 'started' } })]);
    await flush();
    const scaled = sup.scale('a', 1);
    // a:0 is gone and a:1 still stopping when b is started: a:0 must not come back
    [...driver.live.values()][0]?.end({ code: null, signal: 'SIGTERM' });
    await flush();
    sup.start(['b']);
    await settle();
    await scaled;
    assert.deepEqual(
      sup
        .list()
        .map((s) => s.name)
        .sort(),
      ['a', 'b'],
    );
    const supervised = new Set(sup.list().flatMap((s) => (s.pid === null ? [] : [s.pid])));
    for (const pid of driver.live.keys()) assert.ok(supervised.has(pid), `process ${pid} runs unsupervised`);
  });

  test('a scale in flight does not start its new instances after a later stop-all', async () => {
    const { sup, driver, settle, svc } = world();
    sup.addAll([svc({ name: 'a' })]);
    await flush();
    const scaled = sup.scale('a', 2);
    sup.stopAll();
    await settle();
    await scaled;
    assert.deepEqual(
      sup.list().filter((s) => !isAtRest(s.state)),
      [],
    );
    assert.equal(driver.live.size, 0);
  });

  test("a user's stop ends the hold of a service stopped for its requirement", async () => {
    const { sup, settle, svc } = world();
    sup.addAll([svc({ name: 'db' }), svc({ name: 'web', requires: ['db'] })]);
    await flush();
    sup.stop(['db']);
    await settle();
    assert.equal(sup.status('web')[0]?.held, true, 'web waits for db');
    sup.stop(['web']);
    await flush();
    assert.equal(sup.status('web')[0]?.held, false);
    sup.start(['db']);
    await settle();
    assert.equal(sup.status('web')[0]?.state, 'inactive', 'web stays stopped as asked');
    assert.equal(sup.status('db')[0]?.state, 'running');
  });

  test('a service that orders itself after another waits for it whichever comes first in the file', async () => {
    const { sup, events, svc } = world();
    sup.addAll(
      [
        svc({ name: 'web', after: ['db'], ready: { kind: 'notify' } }),
        svc({ name: 'db', ready: { kind: 'notify' } }),
      ],
      {
        bringUp: true,
      },
    );
    await flush();
    const spawns = events.flatMap((e) => (e.type === 'spawn' ? [e.service] : []));
    assert.deepEqual(spawns, ['db'], 'web waits while db is starting');
    assert.equal(sup.status('web')[0]?.state, 'blocked');
  });
});
