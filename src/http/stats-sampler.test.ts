import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StatsView } from '../protocol/methods.ts';
import { type Every, StatsSampler, type StatsTick } from './stats-sampler.ts';

/** A timer the test fires by hand; `armed` says whether one is set. */
function manualTimer() {
  let fire: (() => void) | null = null;
  const every: Every = (_ms, fn) => {
    fire = fn;
    return () => {
      fire = null;
    };
  };
  return { every, armed: () => fire !== null, fire: () => fire?.() };
}

const stat = (name: string, cpu: number, rss: number): StatsView => ({
  name,
  state: 'running',
  pid: 1,
  pids: [1],
  cpu_percent: cpu,
  cpu_seconds: 0,
  rss_bytes: rss,
  uptime_ms: 0,
  restarts: 0,
  last_exit: null,
});

/** Resolves once the sampler has read and delivered a tick (the read is a promise). */
const settle = () => new Promise((r) => setImmediate(r));

test('the sampler arms a timer only while somebody listens, and reads at once for the first', async () => {
  const timer = manualTimer();
  let reads = 0;
  const sampler = new StatsSampler({
    every: timer.every,
    read: async () => {
      reads++;
      return [stat('web', 1, 100)];
    },
  });
  assert.equal(sampler.sampling, false);
  assert.equal(timer.armed(), false, 'nobody listens: no timer');
  const got: StatsTick[] = [];
  const stop = sampler.subscribe((t) => got.push(t));
  assert.equal(timer.armed(), true);
  await settle();
  assert.equal(reads, 1, 'the first listener gets a reading at once');
  assert.equal(got.length, 1);
  const stopOther = sampler.subscribe(() => {});
  stop();
  assert.equal(timer.armed(), true, 'one listener is left');
  stopOther();
  assert.equal(timer.armed(), false, 'the last listener left: the timer is gone');
  assert.equal(sampler.sampling, false);
  timer.fire();
  await settle();
  assert.equal(reads, 1, 'nothing is read while nobody listens');
});

test('the sampler keeps an hour per instance, oldest first, and forgets removed instances', async () => {
  const timer = manualTimer();
  let now = 1_000_000;
  let reading = [stat('web:0', 1, 100), stat('web:1', 2, 200)];
  const sampler = new StatsSampler({
    every: timer.every,
    intervalMs: 1000,
    keepMs: 3000,
    now: () => now,
    read: async () => reading,
  });
  const stop = sampler.subscribe(() => {});
  await settle();
  for (let i = 1; i <= 3; i++) {
    now += 1000;
    reading = [stat('web:0', 1 + i, 100 + i), stat('web:1', 2, 200)];
    timer.fire();
    await settle();
  }
  const [web0] = sampler.history(new Set(['web:0']));
  assert.deepEqual(web0?.at, [1_001_000, 1_002_000, 1_003_000], 'three samples kept, oldest first');
  assert.deepEqual(web0?.cpu_percent, [2, 3, 4]);
  assert.deepEqual(web0?.rss_bytes, [101, 102, 103]);
  reading = [stat('web:0', 5, 105)];
  now += 1000;
  timer.fire();
  await settle();
  assert.deepEqual(
    sampler.history(null).map((s) => s.name),
    ['web:0'],
    'a scaled-away instance leaves with its samples',
  );
  stop();
});
