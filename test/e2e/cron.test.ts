/** Cron jobs against a real daemon and the real clock: concurrency policies and history limits. */
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';
import type { CronView, JobView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, tend, tendJson, testEnv } from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

test('@every 1s with Forbid and a 2.5 s command never overlaps; with Replace the old run is stopped', async (t) => {
  const e = testEnv(t);
  const forbid = path.join(e.dir, 'forbid');
  const replace = path.join(e.dir, 'replace');
  await daemonWithConfig(
    t,
    e,
    `[cron.careful]
schedule = "@every 1s"
concurrency_policy = "Forbid"
job_template = { command = "echo start >> ${forbid}; sleep 2.5; echo end >> ${forbid}" }
[cron.eager]
schedule = "@every 1s"
concurrency_policy = "Replace"
job_template = { command = "trap 'echo replaced >> ${replace}; exit 0' TERM; echo start >> ${replace}; sleep 2.5 & wait; echo end >> ${replace}" }
`,
  );
  await waitFor(
    'two Forbid runs and two replacements',
    () =>
      linesOf(forbid).filter((l) => l === 'end').length >= 2 &&
      linesOf(replace).filter((l) => l === 'replaced').length >= 2,
    { timeoutMs: 20_000 },
  );
  const seen = linesOf(forbid);
  for (const [i, l] of seen.entries())
    assert.equal(l, i % 2 === 0 ? 'start' : 'end', `no overlap: ${seen.join(' ')}`);
  const careful = (await tendJson<CronView[]>(e, ['cron', 'ls'])).find((c) => c.name === 'careful');
  assert.ok((careful?.skipped ?? 0) >= 1, 'Forbid skipped the times that came while a run went on');
  assert.ok(!linesOf(replace).includes('end'), 'no Replace run lived to its end');
  // a replaced run is deleted just after its successor starts: what settles is one run, running
  const eager = await waitFor('only the newest run of eager', async () => {
    const runs = await tendJson<JobView[]>(e, ['job', 'status', 'eager']);
    return runs.length === 1 && runs.every((r) => r.phase === 'Running' || r.phase === 'Pending') && runs;
  });
  assert.equal(eager.length, 1, JSON.stringify(eager));
});

test('history limits keep the newest finished runs; trigger, suspend, resume, add and rm from the CLI', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[cron.quick]
schedule = "@every 1s"
successful_jobs_history_limit = 2
failed_jobs_history_limit = 1
job_template = { command = "true" }
[cron.broken]
schedule = "0 0 1 1 *"
failed_jobs_history_limit = 1
job_template = { command = "exit 1", backoff_limit = 0 }
`,
  );
  const cron = async (name: string) =>
    (await tendJson<CronView[]>(e, ['cron', 'ls'])).find((c) => c.name === name);
  await waitFor('four quick runs', async () => ((await cron('quick'))?.successes ?? 0) >= 4, {
    timeoutMs: 20_000,
  });
  const kept = await tendJson<JobView[]>(e, ['job', 'status', 'quick']);
  assert.ok(kept.filter((r) => r.phase === 'Succeeded').length <= 2, JSON.stringify(kept.map((r) => r.name)));

  for (let i = 0; i < 3; i++) {
    const run = await tendJson<JobView | null>(e, ['cron', 'trigger', 'broken']);
    assert.ok(run?.name.startsWith('broken-'));
    await waitFor('the failed run', async () => (await cron('broken'))?.failures === i + 1);
  }
  const failed = await waitFor('pruning', async () => {
    const runs = await tendJson<JobView[]>(e, ['job', 'status', 'broken']);
    return runs.length === 1 && runs;
  });
  assert.equal(failed[0]?.phase, 'Failed');

  const suspended = await tendJson<CronView>(e, ['cron', 'suspend', 'quick']);
  assert.equal(suspended.suspended, true);
  assert.equal(suspended.next_schedule_time, null);
  assert.equal((await tendJson<CronView>(e, ['cron', 'resume', 'quick'])).suspended, false);

  // --json before the command: everything after -- is the job's
  const addedOut = await tend(e, [
    'cron',
    'add',
    'nightly',
    '--json',
    '--schedule',
    '30 2 * * *',
    '--time-zone',
    'Europe/Berlin',
    '--',
    'echo',
    'hi',
  ]);
  const added = JSON.parse(addedOut.stdout) as CronView;
  assert.equal(added.time_zone, 'Europe/Berlin');
  assert.ok((added.next_schedule_time ?? 0) > Date.now());
  const bad = await tend(e, ['cron', 'add', 'bad', '--schedule', '61 * * * *', '--', 'true']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /cron\.bad\.schedule: Invalid value for minute: 61/);
  assert.equal((await tend(e, ['cron', 'rm', 'nightly'])).code, 0);
  assert.deepEqual((await tendJson<CronView[]>(e, ['cron', 'ls'])).map((c) => c.name).sort(), [
    'broken',
    'quick',
  ]);
});
