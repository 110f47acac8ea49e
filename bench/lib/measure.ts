/**
 * What the benchmarks read about a supervisor from the outside: its processes, their children,
 * CPU seconds and RSS, all from /proc, so every peer is measured the same way.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { readStat } from '../../src/process/proc.ts';

/** Direct children of `pid`, from /proc/PID/task/TID/children (no scan of all of /proc). */
export function childrenOf(pid: number): number[] {
  const found: number[] = [];
  try {
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1');
      for (const p of text.split(' ')) if (p) found.push(Number(p));
    }
  } catch {
    // the process ended
  }
  return found;
}

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

/** Every live process whose command line matches, anywhere on the machine. */
export function processesMatching(pattern: RegExp): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pattern.test(commandOf(pid)) && isAlive(pid)) found.push(pid);
  }
  return found;
}
