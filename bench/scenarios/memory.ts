/** memory: the supervisor's own RSS (all its processes, not the services') with N services. */
import { rssMb } from '../lib/measure.ts';
import { round, sleep } from '../lib/timing.ts';
import { bringUp } from './fleet.ts';
import type { Figures, Scenario } from './scenario.ts';

/** Time for the heap to settle after the burst of a bring-up. */
const settleMs = 2000;

export const memory: Scenario = {
  name: 'memory',
  description: "the supervisor's own RSS with N idle services, and the cost of each extra one",
  async run({ options, withPeer }) {
    const figures: Figures = {};
    for (const n of options.sizes) {
      figures[`rss_mb@${n}`] = await withPeer(async (peer) => {
        await bringUp(peer, n);
        await sleep(settleMs);
        return round(rssMb(peer.daemonPids()), 1);
      });
    }
    // what each service beyond the smallest fleet costs, at every larger size
    const small = Math.min(...options.sizes);
    for (const n of options.sizes) {
      if (n === small) continue;
      const extra = ((figures[`rss_mb@${n}`] ?? 0) - (figures[`rss_mb@${small}`] ?? 0)) * 1024;
      figures[`rss_kb_per_service@${n}`] = round(extra / (n - small), 1);
    }
    return figures;
  },
};
