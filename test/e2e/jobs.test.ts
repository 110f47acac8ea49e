/** Kubernetes-style jobs against a real daemon: completions, parallelism, back-off, indexes, deadlines. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { pidsWithEnv } from '../../src/process/proc.ts';
import type { JobView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, tend, tendJson, testEnv } from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

/** The most `start` lines not yet matched by an `end` line, reading the file in order. */
function mostAtOnce(file: string): number {
  let now = 0;
  let most = 0;
  for (const l of linesOf(file)) {
    now += l === 'start' ? 1 : -1;
    most = Math.max(most, now);
  }
  return most;
}

test('parallelism 3, completions 10, a command that fails at random: Succeeded with exactly 10 successes or Failed past backoff_limit, never more than 3 at once', async (t) => {
  const e = testEnv(t);
  const trace = path.join(e.dir, 'trace');
  const oks = path.join(e.dir, 'oks');
  await daemonWithConfig(
    t,
    e,
    `[jobs.work]
command = "echo start >> ${trace}; sleep 0.1; echo end >> ${trace}; [ $(od -An -N1 -tu1 /dev/urandom) -gt 70 ] && echo ok >> ${oks}"
parallelism = 3
completions = 10
backoff_limit = 6
backoff_delay = "20ms"
autostart = false
`,
  );
  const r = await tend(e, ['job', 'run', 'work', '--json']);
  const run = JSON.parse(r.stdout) as JobView;
  assert.ok(['Succeeded', 'Failed'].includes(run.phase), r.stdout);
  if (run.phase === 'Succeeded') {
    assert.equal(r.code, 0);
    assert.equal(run.succeeded, 10);
    assert.equal(linesOf(oks).length, 10);
    assert.ok(run.failed <= 6);
  } else {
    assert.equal(r.code, 1);
    assert.equal(run.reason, 'BackoffLimitExceeded');
    assert.equal(run.failed, 7);
  }
  assert.equal(run.max_active, 3, 'the pods ran three at a time');
  assert.ok(mostAtOnce(trace) <= 3, `at most 3 at once, saw ${mostAtOnce(trace)}`);
  const again = await tendJson<JobView[]>(e, ['job', 'status', 'work']);
  assert.equal(again[0]?.phase, run.phase);
});

test('Indexed: every index 0..9 completes exactly once, seen through TEND_JOB_INDEX, even when some fail first', async (t) => {
  const e = testEnv(t);
  const done = path.join(e.dir, 'done');
  await daemonWithConfig(
    t,
    e,
    `[jobs.shards]
command = "if [ ! -e ${e.dir}/tried-$TEND_JOB_INDEX ]; then touch ${e.dir}/tried-$TEND_JOB_INDEX; [ $((TEND_JOB_INDEX % 3)) -ne 0 ] || exit 1; fi; echo $TEND_JOB_INDEX >> ${done}"
completions = 10
parallelism = 4
completion_mode = "Indexed"
backoff_limit = 10
backoff_delay = "20ms"
autostart = false
`,
  );
  const run = await tendJson<JobView>(e, ['job', 'run', 'shards']);
  assert.equal(run.phase, 'Succeeded');
  assert.deepEqual(run.completed_indexes, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(run.failed, 4, 'indexes 0, 3, 6 and 9 failed once');
  assert.deepEqual(
    linesOf(done)
      .map(Number)
      .sort((a, b) => a - b),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
});

test('active_deadline_seconds ends a sleeping job Failed with DeadlineExceeded and no process left; job rm deletes it', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[jobs.sleepy]\nargs = ["sleep", "100"]\nparallelism = 2\ncompletions = 2\nactive_deadline_seconds = 3\n`,
  );
  const r = await tend(e, ['job', 'run', 'sleepy']);
  // autostart already runs it: a second run is refused while the first is active
  assert.equal(r.code, 1);
  assert.match(r.stderr, /job "sleepy" is still running/);
  const [run] = await tendJson<JobView[]>(e, ['job', 'status', 'sleepy']);
  const finished = run?.phase === 'Failed' ? run : await waitForPhase(e, 'sleepy');
  assert.equal(finished.reason, 'DeadlineExceeded');
  assert.equal(finished.active, 0);
  assert.deepEqual(pidsWithEnv('TEND_JOB=sleepy'), []);
  assert.deepEqual(await tendJson(e, ['job', 'rm', 'sleepy']), { removed: ['sleepy'] });
  assert.deepEqual(await tendJson(e, ['job', 'ls']), []);
});

function waitForPhase(e: ReturnType<typeof testEnv>, name: string): Promise<JobView> {
  return waitFor(`${name} to finish`, async () => {
    const [run] = await tendJson<JobView[]>(e, ['job', 'status', name]);
    return run && (run.phase === 'Failed' || run.phase === 'Succeeded') && run;
  });
}

test('bad input is a config error naming the field: a bad schedule, an unknown time zone, completions = 0, a job named like a service', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'bad.toml'),
    `[services.web]
args = ["sleep", "1"]
[jobs.web]
command = "true"
[jobs.zero]
command = "true"
completions = 0
[cron.bad]
schedule = "61 * * * *"
job_template = { command = "true" }
[cron.nowhere]
schedule = "@hourly"
time_zone = "Mars/Olympus"
job_template = { command = "true" }
`,
  );
  const r = await tend(e, ['config', 'check', 'bad.toml']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /bad\.toml:7:\d+ jobs\.zero\.completions: expected a value >= 1/);
  assert.match(r.stderr, /bad\.toml:9:\d+ cron\.bad\.schedule: Invalid value for minute: 61/);
  assert.match(r.stderr, /bad\.toml:13:\d+ cron\.nowhere\.time_zone: unknown time zone "Mars\/Olympus"/);
  writeFileSync(
    path.join(e.dir, 'clash.toml'),
    '[services.web]\nargs = ["sleep", "1"]\n[jobs.web]\ncommand = "true"\n',
  );
  const clash = await tend(e, ['config', 'check', 'clash.toml']);
  assert.match(clash.stderr, /jobs\.web: "web" is already a service's name/);
});

test('a job writes to its own log (tend job logs, tend logs); ttl_seconds_after_finished deletes the finished run', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[jobs.hello]\ncommand = "echo hello from $TEND_JOB"\nttl_seconds_after_finished = 0.3\nautostart = false\n`,
  );
  const run = await tendJson<JobView>(e, ['job', 'run', 'hello']);
  assert.equal(run.phase, 'Succeeded');
  assert.match((await tend(e, ['job', 'logs', 'hello'])).stdout, /hello from hello/);
  assert.match((await tend(e, ['logs', 'hello'])).stdout, /hello from hello/);
  await waitFor('the run deleted', async () => (await tendJson<JobView[]>(e, ['job', 'ls'])).length === 0);
  assert.deepEqual(
    await tendJson(e, ['job', 'status', 'hello']),
    [],
    'the definition stays; its run is gone',
  );
});

test('a hot restart does not run the config jobs again', async (t) => {
  const e = testEnv(t);
  const ran = path.join(e.dir, 'ran');
  await daemonWithConfig(t, e, `[jobs.migrate]\ncommand = "echo once >> ${ran}"\n`);
  await waitFor('the job at start', () => linesOf(ran).length === 1);
  const restarted = await tend(e, ['system', 'restart']);
  assert.equal(restarted.code, 0, restarted.stderr);
  // a job that ran again would have written by the time tend answers a job run of its own
  const after = await tendJson<JobView>(e, ['job', 'run', 'migrate']);
  assert.equal(after.phase, 'Succeeded');
  assert.deepEqual(linesOf(ran), ['once', 'once'], 'once at start, once on request, none at the restart');
});
