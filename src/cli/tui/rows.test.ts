import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CronView, JobView, ServiceView } from '../../protocol/methods.ts';
import { columns, fit, rule, tableRows } from './rows.ts';
import type { ServiceEntry, ViewModel } from './view-model.ts';

function entry(name: string, patch: Partial<ServiceView> = {}): [string, ServiceEntry] {
  const view: ServiceView = {
    name,
    base: name.split(':')[0] ?? name,
    instance: 0,
    state: 'running',
    reason: '',
    since: 0,
    pid: 100,
    started_at: 0,
    uptime_ms: 0,
    restarts: 1,
    restarts_by_cause: { exit: 0, health: 0, memory: 0, watch: 0, cron: 0, requested: 0, dependency: 0 },
    last_restart: null,
    last_exit: null,
    held: false,
    class: 'user',
    critical: false,
    command: 'sleep 1',
    health: null,
    ...patch,
  };
  return [name, { view, detailed: true, stateAt: 0 }];
}

const job: JobView = {
  name: 'migrate',
  job: 'migrate',
  cron: null,
  phase: 'Running',
  reason: null,
  active: 1,
  succeeded: 2,
  failed: 0,
  completed_indexes: [],
  start_time: 1000,
  completion_time: null,
  max_active: 1,
  completions: 5,
  parallelism: 1,
  command: 'true',
};
const cron: CronView = {
  name: 'backup',
  schedule: '@every 30s',
  time_zone: null,
  concurrency_policy: 'Forbid',
  suspended: false,
  last_schedule_time: null,
  next_schedule_time: 72_000,
  skipped: 0,
  active: [],
  runs: 0,
  successes: 0,
  failures: 0,
  last_duration_ms: null,
};

const model: ViewModel = {
  connection: { status: 'connected', where: 'x', since: 0, reconnects: 0 },
  loaded: true,
  services: new Map([
    entry('web:10'),
    entry('web:2', { class: 'system' }),
    entry('db', { state: 'inactive', pid: null, last_exit: { code: 1, signal: null, at: 0 } }),
  ]),
  stats: new Map([
    [
      'web:2',
      {
        name: 'web:2',
        state: 'running',
        pid: 100,
        pids: [100],
        cpu_percent: 12.5,
        cpu_seconds: 1,
        rss_bytes: 41 * 2 ** 20,
        uptime_ms: 0,
        restarts: 1,
        last_exit: null,
      },
    ],
  ]),
  exits: new Map(),
  jobs: new Map([['migrate', job]]),
  crons: [cron],
  revision: 1,
};

test('rows: services in natural order with their figures, then job runs, then cron jobs', () => {
  const rows = tableRows(model, '', 62_000);
  assert.deepEqual(
    rows.map((r) => r.cells.name),
    ['db', 'web:2', 'web:10', 'migrate', 'backup'],
  );
  const [db, web2] = rows;
  assert.deepEqual(
    [db?.state, db?.cells.pid, db?.cells.uptime, db?.cells.info],
    ['inactive', '-', '-', 'exit 1'],
  );
  assert.deepEqual(
    [web2?.cells.uptime, web2?.cells.cpu, web2?.cells.mem, web2?.cells.info],
    ['1m2s', '12.5%', '41 MB', 'system'],
  );
  assert.equal(web2?.target.kind === 'service' && web2.target.system, true);
  assert.deepEqual([rows[3]?.state, rows[3]?.cells.info], ['Running', 'job 2/5 done, 1 active']);
  assert.deepEqual([rows[4]?.state, rows[4]?.cells.info], ['scheduled', 'cron @every 30s, next in 10s']);
});

test('the filter matches part of a name, or a state word', () => {
  assert.deepEqual(
    tableRows(model, 'WEB', 0).map((r) => r.cells.name),
    ['web:2', 'web:10'],
  );
  assert.deepEqual(
    tableRows(model, 'inactive', 0).map((r) => r.cells.name),
    ['db'],
  );
  assert.deepEqual(
    tableRows(model, 'running', 0).map((r) => r.cells.name),
    ['web:2', 'web:10', 'migrate'],
  );
});

test('columns fill the width exactly, at 80 columns as at 120', () => {
  const rows = tableRows(model, '', 0);
  for (const width of [80, 120, 200]) {
    const cols = columns(width, rows);
    assert.equal(2 + cols.reduce((s, c) => s + c.width, 0) + cols.length - 1, width);
  }
  assert.equal(fit('abcdef', 4), 'abc…');
  assert.equal(fit('ab', 4, true), '  ab');
  assert.equal(rule('── x ', 8), '── x ───');
});
