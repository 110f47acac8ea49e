/** stopall: stop every one of N services; the time, and the processes left behind (must be 0). */
import { isAlive } from '../lib/measure.ts';
import { now, round, sleep, waitFor } from '../lib/timing.ts';
import { bringUp, sleeperPids } from './fleet.ts';
import type { Scenario } from './scenario.ts';

export const stopall: Scenario = {
  name: 'stopall',
  description: 'stop-all of N services until none is left',
  run: ({ options, withPeer }) =>
    withPeer(async (peer) => {
      await bringUp(peer, options.n);
      const pids = sleeperPids(peer);
      const t0 = now();
      peer.stopAll();
      await waitFor('every service to stop', () => sleeperPids(peer).length === 0, {
        timeoutMs: 120_000,
        everyMs: 5,
      });
      const ms = round(now() - t0);
      // a process that left its supervisor's tree is still ours to count
      await sleep(200);
      const left = pids.filter(isAlive).length;
      return { stopall_ms: ms, stopall_left: left };
    }),
};
