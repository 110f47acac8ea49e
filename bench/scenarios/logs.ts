/**
 * logs: one service writes numbered 100-byte lines as fast as it can; the throughput to its
 * log file, lines lost or duplicated, and the supervisor's CPU seconds.
 */
import { closeSync, openSync, readSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { childrenOf, commandOf, cpuSeconds } from '../lib/measure.ts';
import { now, round, sleep, waitFor } from '../lib/timing.ts';
import type { Scenario } from './scenario.ts';

const lineBytes = 100;

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** Reads the file once and counts each number seen: lines that arrived, lost and repeated. */
function countLines(file: string, expected: number): { got: number; lost: number; duplicated: number } {
  const seen = new Uint8Array(expected);
  let got = 0;
  let duplicated = 0;
  let carry = '';
  const fd = openSync(file, 'r');
  const chunk = Buffer.alloc(1 << 20);
  try {
    for (let n = readSync(fd, chunk); n > 0; n = readSync(fd, chunk)) {
      const lines = (carry + chunk.toString('latin1', 0, n)).split('\n');
      carry = lines.pop() ?? '';
      for (const line of lines) {
        if (line.length !== lineBytes - 1 || line[9] !== ' ') continue;
        const i = Number(line.slice(0, 9));
        if (!(i >= 0 && i < expected)) continue;
        if (seen[i]) duplicated++;
        else got++;
        seen[i] = 1;
      }
    }
  } finally {
    closeSync(fd);
  }
  return { got, lost: expected - got, duplicated };
}

export const logs: Scenario = {
  name: 'logs',
  description: 'one service writes numbered 100-byte lines as fast as it can',
  run: ({ options, withPeer }) =>
    withPeer(async (peer) => {
      const lines = options.logLines;
      const program = path.join(os.tmpdir(), `tend-bench-lines-${process.pid}.awk`);
      writeFileSync(
        program,
        `BEGIN { for (i = 0; i < ${lines}; i++) printf "%09d %0${lineBytes - 11}d\\n", i, 0 }\n`,
      );
      const file = peer.logFile('writer');
      const expectedBytes = lines * lineBytes;
      const cpuBefore = cpuSeconds(peer.daemonPids());
      const t0 = now();
      peer.addServices([{ name: 'writer', cmd: ['awk', '-f', program], restart: false }]);
      // the clock for throughput starts when the writer runs (not at the CLI call, nor at the
      // first byte in the file, which a supervisor that buffers would delay)
      await waitFor(
        'the writer to run',
        () =>
          fileSize(file) > 0 ||
          peer
            .daemonPids()
            .flatMap(childrenOf)
            .some((pid) => commandOf(pid).includes(program)),
        { timeoutMs: 30_000, everyMs: 1 },
      );
      const first = now();
      let size = fileSize(file);
      let grewAt = now();
      while (size < expectedBytes && now() - grewAt < options.settleMs) {
        await sleep(2);
        const next = fileSize(file);
        if (next !== size) grewAt = now();
        size = next;
      }
      const last = Math.min(now(), grewAt);
      const counted = countLines(file, lines);
      const cpu = cpuSeconds(peer.daemonPids()) - cpuBefore;
      return {
        logs_total_ms: round(last - t0),
        logs_mb_s: round((counted.got * lineBytes) / 1e6 / Math.max(0.001, (last - first) / 1000), 1),
        logs_lost: counted.lost,
        logs_duplicated: counted.duplicated,
        logs_cpu_s: round(cpu, 2),
        logs_cpu_s_per_gb: round(cpu / Math.max(1e-9, (counted.got * lineBytes) / 1e9), 2),
      };
    }),
};
