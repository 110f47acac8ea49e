import assert from 'node:assert/strict';
import { test } from 'node:test';
import { systemClock } from './clock.ts';

test('a timer longer than Node can wait (about 24.8 days, a yearly cron job) does not fire at once', async () => {
  let fired = false;
  const handle = systemClock.setTimer(40 * 24 * 3600 * 1000, () => {
    fired = true;
  });
  // Node runs an overflowing timeout after 1 ms; give it ten times that
  await new Promise((r) => setTimeout(r, 10));
  handle.cancel();
  assert.equal(fired, false);
});
