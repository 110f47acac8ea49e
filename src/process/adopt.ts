/**
 * Watching a process that is not tend's child: one a previous tend started, found alive with
 * the same start time after tend itself was killed and started again. Its exit cannot be
 * waited for (and its status cannot be known), so /proc is read at a bounded interval, and
 * only for adopted processes.
 */

import { readStat } from './proc.ts';
import type { ProcessEnd, SpawnedProcess } from './spawn.ts';

const pollMs = 100;

/** True when `pid` is alive and is the process that started at `startTicks` (not a reuse). */
export function isSameProcess(pid: number, startTicks: number): boolean {
  const st = readStat(pid);
  return st !== null && st.startTicks === startTicks && st.state !== 'Z' && st.state !== 'X';
}

export function watchAdopted(
  pid: number,
  startTicks: number,
  onEnd: (end: ProcessEnd) => void,
): SpawnedProcess {
  let running = true;
  const timer = setInterval(() => {
    if (isSameProcess(pid, startTicks)) return;
    running = false;
    clearInterval(timer);
    onEnd({ kind: 'exit', code: null, signal: null });
  }, pollMs);
  return {
    pid,
    stdout: null,
    stderr: null,
    notify: null,
    onMessage: () => {},
    get running() {
      return running;
    },
  };
}
