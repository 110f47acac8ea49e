/**
 * soak: 100 services log 1,000 lines/s in all while one service is restarted every second.
 * The supervisor's RSS each minute (it must stay flat after the first minutes) and its CPU
 * seconds per million lines.
 */
import { cpuSeconds, rssMb } from '../lib/measure.ts';
import { now, round, sleep } from '../lib/timing.ts';
import type { Scenario } from './scenario.ts';

const loggers = 100;
const linesPerSecond = 1000;
/** perl (in every Debian) writes one 100-byte line each 100 ms: 10 a second, 1,000 in all. */
const logger = ['perl', '-e', '$|=1; for (;;) { print "x" x 99, "\\n"; select(undef, undef, undef, 0.1) }'];

export const soak: Scenario = {
  name: 'soak',
  description: `${loggers} services logging ${linesPerSecond} lines/s, one restarted every second`,
  run: ({ options, withPeer }) =>
    withPeer(async (peer) => {
      peer.addServices([
        ...Array.from({ length: loggers }, (_, i) => ({ name: `log${i}`, cmd: logger, restart: true })),
        { name: 'bouncer', cmd: ['sleep', '3600'], restart: true },
      ]);
      const figures: Record<string, number> = {};
      const minuteMs = 60_000 * Math.min(1, options.soakMinutes);
      const minutes = Math.max(1, Math.round(options.soakMinutes / Math.min(1, options.soakMinutes)));
      const cpuBefore = cpuSeconds(peer.daemonPids());
      const t0 = now();
      for (let m = 1; m <= minutes; m++) {
        while (now() - t0 < m * minuteMs) {
          peer.restart('bouncer');
          await sleep(1000);
        }
        figures[`soak_rss_mb_min${m}`] = round(rssMb(peer.daemonPids()), 1);
      }
      const seconds = (now() - t0) / 1000;
      const millionLines = (linesPerSecond * seconds) / 1e6;
      figures.soak_cpu_s_per_mline = round((cpuSeconds(peer.daemonPids()) - cpuBefore) / millionLines, 3);
      // after the first five minutes (the heap and the pipes have found their size) it must be flat
      const from = Math.min(5, minutes - 1);
      if (minutes >= 2) {
        figures.soak_rss_growth = round(
          (figures[`soak_rss_mb_min${minutes}`] ?? 0) / (figures[`soak_rss_mb_min${from}`] ?? 1),
          3,
        );
      }
      return figures;
    }),
};
