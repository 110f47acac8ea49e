import assert from 'node:assert/strict';
import { test } from 'node:test';
import { waitFor } from '../../test/helpers.ts';
import { FakeClock } from './clock.ts';
import { CronJobs, type CronSpec } from './cron.ts';
import { noHooks } from './hooks.ts';
import { type JobSpec, jobDefaults } from './job-spec.ts';
import { Jobs } from './jobs.ts';

const template: JobSpec = {
  ...jobDefaults,
  name: 'tick',
  argv: ['true'],
  commandText: 'true',
  cwd: null,
  env: {},
  activeDeadlineMs: null,
  ttlAfterFinishedMs: null,
  hooks: noHooks,
};

function cronOf(over: Partial<CronSpec> = {}): CronSpec {
  return {
    name: 'tick',
    schedule: '@every 10s',
    timeZone: null,
    concurrencyPolicy: 'Allow',
    suspend: false,
    successfulJobsHistoryLimit: 3,
    failedJobsHistoryLimit: 1,
    startingDeadlineMs: null,
    jobTemplate: template,
    ...over,
  };
}

function setup(t: { after(fn: () => Promise<void>): void }) {
  const clock = new FakeClock(Date.parse('2026-03-29T00:00:00Z'));
  const jobs = new Jobs({ clock, baseEnv: process.env, emit: () => {}, log: () => {} });
  const cron = new CronJobs(jobs, { clock, emit: () => {} });
  t.after(async () => {
    cron.stopAll();
    await jobs.shutdown();
  });
  return { clock, jobs, cron };
}

test('a fake clock drives the schedule: each due time starts one run, named after it', async (t) => {
  const { clock, jobs, cron } = setup(t);
  cron.set(cronOf());
  assert.equal(cron.status('tick').nextScheduleTime, clock.now() + 10_000);
  clock.advance(10_000);
  assert.deepEqual(
    jobs.runsOf('tick').map((r) => r.name),
    [`tick-${(clock.now() / 1000).toFixed(0)}`],
  );
  await waitFor('the run to finish', () => jobs.runsOf('tick')[0]?.phase === 'Succeeded');
  clock.advance(30_000);
  assert.equal(cron.status('tick').runs, 4);
  assert.equal(cron.status('tick').lastScheduleTime, clock.now());
});

test('a run missed while tend was down starts only within starting_deadline_seconds', (t) => {
  const { clock, jobs, cron } = setup(t);
  const down = clock.now() - 35_000;
  // the last run was 35 s ago: the one due 5 s ago was missed
  cron.set(
    cronOf({ name: 'late', startingDeadlineMs: 10_000, jobTemplate: { ...template, name: 'late' } }),
    down,
  );
  assert.equal(jobs.runsOf('late').length, 1, 'the missed run starts at once');
  cron.set(
    cronOf({ name: 'strict', startingDeadlineMs: 2_000, jobTemplate: { ...template, name: 'strict' } }),
    down,
  );
  assert.equal(jobs.runsOf('strict').length, 0);
  assert.equal(cron.status('strict').skipped, 1);
  assert.equal(cron.status('strict').nextScheduleTime, clock.now() + 5_000, 'the schedule goes on');
});

test('suspend stops scheduling; resume does not make up the times passed', (t) => {
  const { clock, jobs, cron } = setup(t);
  cron.set(cronOf());
  cron.suspend('tick', true);
  assert.equal(cron.status('tick').nextScheduleTime, null);
  clock.advance(60_000);
  assert.equal(jobs.runsOf('tick').length, 0);
  cron.suspend('tick', false);
  assert.equal(jobs.runsOf('tick').length, 0);
  assert.equal(cron.status('tick').nextScheduleTime, clock.now() + 10_000);
});
