/**
 * events: how long a child's exit takes to reach a subscriber of the event stream, from the
 * kill -9 to the `exit` event in the subscriber's hands (the kernel's SIGCHLD, the reaper,
 * the state change, the JSON-RPC notification over the socket), p50 and p99.
 */
import path from 'node:path';
import { connect } from '../../src/client/client.ts';
import { now, percentile, round, sleep, waitFor } from '../lib/timing.ts';
import { bringUp, sleeperPids } from './fleet.ts';
import type { Scenario } from './scenario.ts';

export const events: Scenario = {
  name: 'events',
  description:
    'a child exits → the exit event reaches a subscriber (tend only: the others have no event stream)',
  peers: ['tend'],
  run: ({ options, withPeer }) =>
    withPeer(async (peer) => {
      await bringUp(peer, options.n);
      const home = String(peer.statusCommand[2].TEND_HOME ?? '');
      const client = await connect({ socket: path.join(home, 'tend.sock') });
      // the moment an exit arrives, taken in the handler itself (no polling adds to it)
      const waiting = new Map<number, (at: number) => void>();
      const stream = client.events({ snapshot: false });
      void (async () => {
        for await (const e of stream) {
          const at = now();
          if (e.type === 'exit' && typeof e.pid === 'number') waiting.get(e.pid)?.(at);
        }
      })();
      await sleep(200);
      const times: number[] = [];
      const trials = options.trials * 4;
      for (let i = 0; i < trials; i++) {
        const victim = sleeperPids(peer)[i % options.n];
        if (!victim) continue;
        const arrived = new Promise<number>((resolve) => waiting.set(victim, resolve));
        const t0 = now();
        process.kill(victim, 'SIGKILL');
        const at = await Promise.race([arrived, sleep(10_000).then(() => Number.NaN)]);
        if (Number.isNaN(at)) throw new Error(`no exit event for ${victim} within 10 s`);
        times.push(at - t0);
        // the restart runs before the next kill
        await waitFor('the fleet back up', () => sleeperPids(peer).length >= options.n, {
          timeoutMs: 10_000,
          everyMs: 1,
        });
      }
      client.close();
      return {
        event_ms_p50: round(percentile(times, 50), 2),
        event_ms_p99: round(percentile(times, 99), 2),
      };
    }),
};
