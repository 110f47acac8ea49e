/** bringup: from the start command to all N services observed running, for each fleet size. */
import { bringUp } from './fleet.ts';
import type { Figures, Scenario } from './scenario.ts';

export const bringup: Scenario = {
  name: 'bringup',
  description: 'from the add command to N services running (by /proc, and by the peer status)',
  async run({ options, withPeer }) {
    const figures: Figures = {};
    for (const n of options.sizes) {
      const fleet = await withPeer((peer) => bringUp(peer, n));
      figures[`bringup_ms@${n}`] = fleet.bringupMs;
      figures[`bringup_status_ms@${n}`] = fleet.statusMs;
    }
    return figures;
  },
};
