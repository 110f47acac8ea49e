/**
 * crashloop: 50 services that exit at once, restarted with the peer's backoff for the window:
 * the supervisor's CPU seconds, and how fast its status still answers during the storm.
 */
import { cpuSeconds } from '../lib/measure.ts';
import { median, now, round, sleep } from '../lib/timing.ts';
import { timeStatus } from './cli.ts';
import type { Scenario } from './scenario.ts';

const crashers = 50;

export const crashloop: Scenario = {
  name: 'crashloop',
  description: `${crashers} services exiting with status 1, restarted with backoff`,
  run: ({ options, withPeer }) =>
    withPeer(async (peer) => {
      const before = cpuSeconds(peer.daemonPids());
      const end = now() + options.windowSeconds * 1000;
      peer.addServices(
        Array.from({ length: crashers }, (_, i) => ({
          name: `crash${i}`,
          cmd: ['sh', '-c', 'exit 1'],
          restart: true,
          backoff: true,
        })),
      );
      const latencies: number[] = [];
      while (now() < end) {
        latencies.push(timeStatus(peer));
        await sleep(100);
      }
      return {
        crashloop_cpu_s: round(cpuSeconds(peer.daemonPids()) - before, 2),
        crashloop_status_ms_p50: round(median(latencies), 1),
        crashloop_status_ms_max: round(Math.max(...latencies), 1),
      };
    }),
};
