/**
 * soak: 20 services each log 1,000 lines/s while one service is restarted every second. The
 * supervisor's RSS each minute (it must stay flat) and its CPU seconds per million lines.
 */
import { cpuSeconds, rssMb } from '../lib/measure.ts';
import { now, round, sleep } from '../lib/timing.ts';
import type { Scenario } from './scenario.ts';

const loggers = 20;
const linesPerSecond = 1000;
/** perl (in every Debian) writes 10 lines each 10 ms: light enough for 20 of them. */
const logger = [
  'perl',
  '-e',
  '$|=1; for (;;) { print "x" x 99, "\\n" for 1..10; select(undef, undef, undef, 0.01) }',
];

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
      const millionLines = (loggers * linesPerSecond * seconds) / 1e6;
      figures.soak_cpu_s_per_mline = round((cpuSeconds(peer.daemonPids()) - cpuBefore) / millionLines, 3);
      if (minutes >= 2) {
        figures.soak_rss_growth = round(
          (figures[`soak_rss_mb_min${minutes}`] ?? 0) / (figures.soak_rss_mb_min2 ?? 1),
          3,
        );
      }
      return figures;
    }),
};
