/**
 * Watching a process a previous tend started. After a hot restart it is still tend's child:
 * the reaper collects its exit status, even one that came during the switch. After tend was
 * killed it is somebody else's child: its exit cannot be waited for (nor its status known), so
 * /proc is read at a bounded interval, and only for adopted processes.
 */

import { readStat } from './proc.ts';
import { reaper } from './reaper.ts';
import { type ProcessEnd, pidOnlyProcess, type SpawnedProcess } from './spawn.ts';

const pollMs = 100;

/** True when `pid` is alive and is the process that started at `startTicks` (not a reuse). */
export function isSameProcess(pid: number, startTicks: number): boolean {
  const st = readStat(pid);
  return st !== null && st.startTicks === startTicks && st.state !== 'Z' && st.state !== 'X';
}

/**
 * True when `pid` is still the process that started at `startTicks` and tend can account for
 * it: alive, or ended as tend's own child (a zombie whose exit status is still to be read, or
 * one the reaper already collected while another service was being adopted).
 */
export function isAdoptable(pid: number, startTicks: number): boolean {
  if (reaper.holdsStatusOf(pid)) return true;
  const st = readStat(pid);
  if (st === null || st.startTicks !== startTicks) return false;
  return st.ppid === process.pid || (st.state !== 'Z' && st.state !== 'X');
}

export function watchAdopted(
  pid: number,
  startTicks: number,
  onEnd: (end: ProcessEnd) => void,
): SpawnedProcess {
  let running = true;
  const ended = (end: ProcessEnd) => {
    running = false;
    onEnd(end);
  };
  if (reaper.holdsStatusOf(pid) || readStat(pid)?.ppid === process.pid) {
    reaper.start();
    reaper.watch(pid, ({ code, signal }) => ended({ kind: 'exit', code, signal }));
  } else {
    const timer = setInterval(() => {
      if (isSameProcess(pid, startTicks)) return;
      clearInterval(timer);
      ended({ kind: 'exit', code: null, signal: null });
    }, pollMs);
  }
  return pidOnlyProcess(pid, () => running);
}
