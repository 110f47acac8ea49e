import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EventView, ServiceView } from '../../protocol/methods.ts';
import { applyEvent, emptyModel, exitsKept, type MutableModel, mergeViews } from './view-model.ts';

const ev = (
  type: EventView['type'],
  service: string,
  at: number,
  rest: Record<string, unknown> = {},
): EventView => ({
  type,
  service,
  at,
  ...rest,
});

function view(name: string, patch: Partial<ServiceView> = {}): ServiceView {
  return {
    name,
    base: name.split(':')[0] ?? name,
    instance: 0,
    state: 'running',
    reason: 'ready',
    since: 100,
    pid: 10,
    started_at: 100,
    uptime_ms: 0,
    restarts: 2,
    restarts_by_cause: { exit: 0, health: 0, memory: 0, watch: 0, cron: 0, requested: 0, dependency: 0 },
    last_restart: null,
    last_exit: null,
    held: false,
    class: 'user',
    critical: false,
    command: 'sleep 1000',
    health: null,
    ...patch,
  };
}

function loaded(names: string[]): MutableModel {
  const m = emptyModel();
  for (const n of names)
    applyEvent(m, ev('snapshot', n, 200, { state: 'running', pid: 10, reason: 'ready' }));
  applyEvent(m, ev('snapshot-end', '', 200));
  return m;
}

test('a snapshot says which instances exist; its end drops the ones it did not name and asks for their details', () => {
  const m = emptyModel();
  m.services.set('gone', { view: view('gone'), detailed: true, stateAt: 1 });
  const first = applyEvent(m, ev('snapshot', 'web', 200, { state: 'running', pid: 7, reason: 'ready' }));
  assert.deepEqual(first.services, ['web']);
  const end = applyEvent(m, ev('snapshot-end', '', 200));
  assert.deepEqual([...m.services.keys()], ['web']);
  assert.equal(m.loaded, true);
  assert.deepEqual([end.allServices, end.jobs, end.crons], [true, true, true]);
  assert.equal(m.services.get('web')?.view.pid, 7);
  assert.equal(m.services.get('web')?.detailed, false);
});

test('details merge into the model, but an answer older than the last state event does not undo it', () => {
  const m = loaded(['web', 'db']);
  applyEvent(
    m,
    ev('state', 'web', 300, { from: 'running', to: 'inactive', reason: 'stop requested', pid: null }),
  );
  // the answer was made before that event (its state is since 100): the state stays inactive
  mergeViews(m, [view('web', { since: 100 }), view('db', { since: 250, state: 'failed' }), view('stranger')]);
  const web = m.services.get('web');
  assert.equal(web?.view.state, 'inactive');
  assert.equal(web?.view.pid, null);
  assert.equal(web?.view.restarts, 2, 'details still taken');
  assert.equal(web?.detailed, true);
  assert.equal(m.services.get('db')?.view.state, 'failed', 'newer than the snapshot: taken');
  assert.equal(m.services.has('stranger'), false, 'events decide what exists');
});

test('spawn, exit and health events update the row; exits are kept a few at a time', () => {
  const m = loaded(['web']);
  assert.deepEqual(applyEvent(m, ev('spawn', 'web', 400, { pid: 99 })).services, ['web']);
  assert.equal(m.services.get('web')?.view.pid, 99);
  assert.equal(m.services.get('web')?.view.started_at, 400);
  for (let i = 0; i < exitsKept + 2; i++)
    applyEvent(m, ev('exit', 'web', 500 + i, { pid: 99, code: i, signal: null }));
  assert.equal(m.exits.get('web')?.length, exitsKept);
  assert.equal(m.exits.get('web')?.at(-1)?.code, exitsKept + 1);
  assert.deepEqual(m.services.get('web')?.view.last_exit, {
    code: exitsKept + 1,
    signal: null,
    at: 500 + exitsKept + 1,
  });
  applyEvent(m, ev('health', 'web', 600, { ok: true, detail: 'tcp ok' }));
  applyEvent(m, ev('health', 'web', 700, { ok: false, detail: 'refused' }));
  assert.deepEqual(m.services.get('web')?.view.health, {
    ok: false,
    detail: 'refused',
    at: 700,
    passes: 1,
    failures: 1,
  });
});

test('added and removed change the set; a 1 ↔ N rename retires the other form of the name', () => {
  const m = loaded(['web', 'db']);
  assert.deepEqual(applyEvent(m, ev('added', 'api', 300)).services, ['api']);
  assert.ok(m.services.has('api'));
  applyEvent(m, ev('removed', 'db', 310));
  assert.equal(m.services.has('db'), false);
  // scaling web to two instances: web:0 and web:1 appear, web goes without a removed event
  applyEvent(
    m,
    ev('state', 'web:0', 320, { from: 'inactive', to: 'starting', reason: 'start requested', pid: 5 }),
  );
  applyEvent(
    m,
    ev('state', 'web:1', 320, { from: 'inactive', to: 'starting', reason: 'start requested', pid: 6 }),
  );
  assert.deepEqual([...m.services.keys()].sort(), ['api', 'web:0', 'web:1']);
  applyEvent(m, ev('spawn', 'web', 330, { pid: 7 }));
  assert.deepEqual(
    [...m.services.keys()].sort(),
    ['api', 'web:0', 'web:1'],
    'a spawn of an unknown name adds nothing',
  );
  applyEvent(
    m,
    ev('state', 'web', 331, { from: 'inactive', to: 'starting', reason: 'start requested', pid: 7 }),
  );
  assert.deepEqual([...m.services.keys()].sort(), ['api', 'web']);
});

test('job events update a known run and ask for the list for a new one', () => {
  const m = loaded([]);
  assert.equal(
    applyEvent(
      m,
      ev('job', 'once', 100, { phase: 'Running', active: 1, succeeded: 0, failed: 0, changed: true }),
    ).jobs,
    true,
  );
  m.jobs.set('once', {
    name: 'once',
    job: 'once',
    cron: null,
    phase: 'Running',
    reason: null,
    active: 1,
    succeeded: 0,
    failed: 0,
    completed_indexes: [],
    start_time: 100,
    completion_time: null,
    max_active: 1,
    completions: 1,
    parallelism: 1,
    command: 'true',
  });
  const n = applyEvent(
    m,
    ev('job', 'once', 200, {
      phase: 'Succeeded',
      reason: null,
      active: 0,
      succeeded: 1,
      failed: 0,
      changed: true,
    }),
  );
  assert.equal(n.jobs, false);
  assert.equal(n.crons, true);
  assert.equal(m.jobs.get('once')?.phase, 'Succeeded');
  assert.equal(m.jobs.get('once')?.succeeded, 1);
});
