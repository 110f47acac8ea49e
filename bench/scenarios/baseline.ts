/**
 * baseline: what the machine itself gives, measured in the same run as the peers, so that
 * targets can be set against it: a bare Node's resident memory and start-up (the floor of any
 * Node CLI and daemon), and the log writer's own speed into a plain pipe (the floor of any
 * supervisor's log throughput).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rssMb } from '../lib/measure.ts';
import { median, now, round, sleep } from '../lib/timing.ts';
import type { Scenario } from './scenario.ts';

export const baseline: Scenario = {
  name: 'baseline',
  description: "a bare Node's RSS and start-up, and the log writer's speed into a plain pipe",
  peers: ['tend'],
  async run({ options }) {
    const idle = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await sleep(1000);
    const nodeRss = rssMb(idle.pid ? [idle.pid] : []);
    idle.kill('SIGKILL');
    const starts = Array.from({ length: Math.max(5, Math.min(20, options.trials)) }, () => {
      const t0 = now();
      spawnSync(process.execPath, ['-e', '0'], { stdio: 'ignore' });
      return now() - t0;
    });
    const lines = options.logLines;
    const program = path.join(os.tmpdir(), `tend-bench-baseline-${process.pid}.awk`);
    writeFileSync(program, `BEGIN { for (i = 0; i < ${lines}; i++) printf "%09d %089d\\n", i, 0 }\n`);
    const t0 = now();
    spawnSync('sh', ['-c', `awk -f '${program}' | cat > /dev/null`], { stdio: 'ignore' });
    const seconds = (now() - t0) / 1000;
    return {
      baseline_node_rss_mb: round(nodeRss, 1),
      baseline_node_start_ms_p50: round(median(starts), 1),
      baseline_writer_mb_s: round((lines * 100) / 1e6 / seconds, 1),
    };
  },
};
