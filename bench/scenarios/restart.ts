/** restart: kill -9 of a service's process until its replacement runs, p50 and p95. */
import { childrenOf, commandOf, isAlive } from '../lib/measure.ts';
import { now, percentile, round, sleep, waitFor } from '../lib/timing.ts';
import { bringUp, sleeperPids } from './fleet.ts';
import type { Scenario } from './scenario.ts';

export const restart: Scenario = {
  name: 'restart',
  description: 'kill -9 of a service process → its new process running (restart delay 0)',
  run: ({ options, withPeer }) =>
    withPeer(async (peer) => {
      await bringUp(peer, options.n);
      const times: number[] = [];
      for (let i = 0; i < options.trials; i++) {
        const command = `sleep ${3600 + (i % options.n)}`;
        const victim = sleeperPids(peer).find((pid) => commandOf(pid).endsWith(command));
        if (!victim) throw new Error(`no process runs ${command}`);
        const known = new Set(peer.daemonPids().flatMap(childrenOf));
        const t0 = now();
        process.kill(victim, 'SIGKILL');
        // only processes that were not there before are read: the poll stays cheap
        await waitFor(
          `a new ${command}`,
          () =>
            peer
              .daemonPids()
              .flatMap(childrenOf)
              .some((pid) => !known.has(pid) && commandOf(pid).endsWith(command) && isAlive(pid)),
          { timeoutMs: 30_000, everyMs: 1 },
        );
        times.push(now() - t0);
        await sleep(100);
      }
      return {
        restart_ms_p50: round(percentile(times, 50), 1),
        restart_ms_p95: round(percentile(times, 95), 1),
      };
    }),
};
