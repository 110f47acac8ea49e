/** idle_cpu: CPU seconds the supervisor uses while N services sit idle. */
import { cpuSeconds } from '../lib/measure.ts';
import { round, sleep } from '../lib/timing.ts';
import { bringUp } from './fleet.ts';
import type { Scenario } from './scenario.ts';

export const idleCpu: Scenario = {
  name: 'idle_cpu',
  description: 'CPU seconds of the supervisor over the window with N idle services',
  run: ({ options, withPeer }) =>
    withPeer(async (peer) => {
      await bringUp(peer, options.n);
      await sleep(1000);
      const before = cpuSeconds(peer.daemonPids());
      await sleep(options.windowSeconds * 1000);
      return { [`idle_cpu_s_${options.windowSeconds}s`]: round(cpuSeconds(peer.daemonPids()) - before, 3) };
    }),
};
