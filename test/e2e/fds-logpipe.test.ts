/**
 * The runit model `producer | consumer` with the pipe held by tend (a `[fds.logpipe]` handle):
 * each side is killed ten times at random moments and restarted, and no number is lost or
 * duplicated, except the line a consumer had read and not yet written when it was killed.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, tend, tendJson, testEnv } from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

test("a producer and a consumer joined by a tend-held pipe each restart ten times: nothing lost but the consumer's line in flight", async (t) => {
  const e = testEnv(t);
  const out = path.join(e.dir, 'out');
  const marks = path.join(e.dir, 'marks');
  const stop = path.join(e.dir, 'stop');
  // every line is one write (atomic in a pipe) of "<PID:N>"; the side file keeps the last N
  // the pipe took, so the check sees a tail lost as well as a gap
  writeFileSync(
    path.join(e.dir, 'producer.sh'),
    `i=0; while [ ! -e ${stop} ]; do i=$((i+1)); echo "<$$:$i>"; echo "$$ $i" > ${marks}.$$; done; sleep 1000\n`,
  );
  // read(1) takes a line byte by byte: a kill loses at most the line it was in
  writeFileSync(
    path.join(e.dir, 'consumer.sh'),
    `while IFS= read -r l; do printf '%s\\n' "$l" >> ${out}; done\n`,
  );
  await daemonWithConfig(
    t,
    e,
    `[fds.logpipe]
type = "pipe"

[services.producer]
args = ["sh", "producer.sh"]
fds = { stdout = "logpipe.w" }
restart = "always"
restart_delay = "10ms"
backoff = false
max_restarts = 100

[services.consumer]
args = ["sh", "consumer.sh"]
fds = { stdin = "logpipe.r" }
restart = "always"
restart_delay = "10ms"
backoff = false
max_restarts = 100
`,
  );
  const pidOf = async (name: string) => {
    const s = (await tendJson<ServiceView[]>(e, ['status', name]))[0];
    return s?.state === 'running' ? s.pid : null;
  };
  const kills = ['producer', 'consumer']
    .flatMap((n) => Array.from({ length: 10 }, () => n))
    .sort(() => Math.random() - 0.5);
  const consumerKills: number[] = [];
  for (const name of kills) {
    const pid = await waitFor(`${name} running`, () => pidOf(name));
    // a random moment: after a random number of further lines reached the file
    const target = linesOf(out).length + 20 + Math.floor(Math.random() * 400);
    await waitFor('lines to flow', () => linesOf(out).length >= target, { everyMs: 5 });
    process.kill(pid, 'SIGKILL');
    if (name === 'consumer') consumerKills.push(linesOf(out).length);
    await waitFor(`${name} restarted`, async () => {
      const now = await pidOf(name);
      return now !== null && now !== pid;
    });
  }
  writeFileSync(stop, '');
  // the last producer stops writing; the consumer drains what the pipe holds
  await waitFor('the consumer to drain the pipe', () => {
    const lines = linesOf(out);
    const last = new Map<string, number>();
    for (const l of lines) {
      const m = /^<(\d+):(\d+)>$/.exec(l);
      if (m?.[1] && m[2]) last.set(m[1], Math.max(last.get(m[1]) ?? 0, Number(m[2])));
    }
    return [...last].every(([pid, n]) => n >= markOf(marks, pid)) && last.size > 0;
  });

  const lines = linesOf(out);
  const seen = new Map<string, Set<number>>();
  let garbled = 0;
  let duplicated = 0;
  for (const l of lines) {
    const m = /^<(\d+):(\d+)>$/.exec(l);
    if (!m?.[1] || !m[2]) {
      garbled++;
      continue;
    }
    const set = seen.get(m[1]) ?? new Set();
    if (set.has(Number(m[2]))) duplicated++;
    set.add(Number(m[2]));
    seen.set(m[1], set);
  }
  let lost = 0;
  for (const [pid, set] of seen) {
    const max = Math.max(...set, markOf(marks, pid));
    for (let i = 1; i <= max; i++) if (!set.has(i)) lost++;
  }
  assert.ok(seen.size >= 11, `ten producer restarts make eleven producers, saw ${seen.size}`);
  assert.equal(duplicated, 0, 'no number twice');
  // each consumer kill may cost the one line it was reading: its number is lost, and the part
  // it had not read yet reaches the next consumer as a garbled line
  assert.ok(lost <= consumerKills.length, `lost ${lost} over ${consumerKills.length} consumer kills`);
  assert.ok(garbled <= lost, `garbled ${garbled}, lost ${lost}`);
  t.diagnostic(
    `${lines.length} lines; ${lost} lost (${garbled} of them half-read) over ${consumerKills.length} consumer kills: at most 1 line in flight per kill`,
  );
  const list = await tendJson<{ name: string; users: { service: string }[] }[]>(e, ['fd', 'ls']);
  assert.deepEqual(
    list.map((h) => [h.name, h.users.map((u) => u.service)]),
    [
      ['logpipe.r', ['consumer']],
      ['logpipe.w', ['producer']],
    ],
  );
  assert.equal((await tend(e, ['shutdown'])).code, 0);
});

function markOf(marks: string, pid: string): number {
  const [line] = linesOf(`${marks}.${pid}`);
  return Number(line?.split(' ')[1] ?? 0);
}
