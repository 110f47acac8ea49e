/** cli: the wall time of the status command a user types (`tend ls`, `pm2 jlist`, …). */
import { spawnSync } from 'node:child_process';
import { median, now, round } from '../lib/timing.ts';
import type { Peer } from '../peers/peer.ts';
import { bringUp } from './fleet.ts';
import type { Scenario } from './scenario.ts';

const calls = 20;

/** One timed call of the peer's status command. */
export function timeStatus(peer: Peer): number {
  const [program, args, env] = peer.statusCommand;
  const t0 = now();
  spawnSync(program, args, { env, stdio: 'ignore' });
  return now() - t0;
}

export const cli: Scenario = {
  name: 'cli',
  description: `median of ${calls} status calls with N services, and with the largest fleet`,
  async run({ options, withPeer }) {
    const at = async (n: number) =>
      withPeer(async (peer) => {
        await bringUp(peer, n);
        return round(median(Array.from({ length: calls }, () => timeStatus(peer))), 1);
      });
    const figures: Record<string, number> = { status_ms_p50: await at(options.n) };
    const largest = Math.max(...options.sizes);
    if (largest > options.n) figures[`status_ms_p50@${largest}`] = await at(largest);
    return figures;
  },
};
