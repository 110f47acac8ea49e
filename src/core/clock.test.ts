import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from './clock.ts';

test('a timer longer than Node can wait (about 24.8 days, a yearly cron job) does not fire at once', async () => {
  let fired = false;
  const handle = systemClock.setTimer(40 * 24 * 3600 * 1000, () => {
    fired = true;
  });
  // Node turns an overflowing timeout into 1 ms, and timers fire in order of due time: a
  // 5 ms timer firing first is the event that proves the long one did not
  await new Promise<void>((resolve) => systemClock.setTimer(5, resolve));
  handle.cancel();
  assert.equal(fired, false);
});
