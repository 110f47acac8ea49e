/**
 * What the benchmarks read about a supervisor from the outside: its processes, their children,
 * CPU seconds and RSS, all from /proc, so every peer is measured the same way.
 */
import { readFileSync } from 'node:fs';
import { readStat } from '../../src/process/proc.ts';

export { childrenOf } from '../../src/process/proc.ts';

export function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim();
  } catch {
    return '';
  }
}

export function isAlive(pid: number): boolean {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}

/** CPU seconds (user + system) of these processes so far. */
export function cpuSeconds(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (readStat(pid)?.cpuSeconds ?? 0), 0);
}

/** Resident memory of these processes, in MB. */
export function rssMb(pids: readonly number[]): number {
  return pids.reduce((sum, pid) => sum + (readStat(pid)?.rssBytes ?? 0), 0) / 2 ** 20;
}
