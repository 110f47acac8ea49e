/**
 * Readings from /proc, taken only when somebody asks: a process's start time (to tell a
 * reused PID from the original), its group, CPU time and RSS, and the members of a group.
 */
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

/** Kernel clock ticks per second (USER_HZ); 100 on every Linux architecture tend runs on. */
const ticksPerSecond = 100;
const pageSize = 4096;

export interface ProcStat {
  readonly pid: number;
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  /** user + system CPU time in seconds. */
  readonly cpuSeconds: number;
  /** Start time in clock ticks after boot (field 22): with the PID, a unique identity. */
  readonly startTicks: number;
  readonly rssBytes: number;
}

/** One buffer for every stat read: a stat line is under 1 KB, and the read is synchronous. */
const statBuffer = Buffer.allocUnsafe(4096);

export function readStat(pid: number): ProcStat | null {
  let text: string;
  // open + one read + close: readFileSync also stats the file and, /proc's sizes being 0,
  // reads twice; at 5,000 services a `tend ls` reads 5,000 of these
  try {
    const fd = openSync(`/proc/${pid}/stat`, 'r');
    try {
      text = statBuffer.toString('latin1', 0, readSync(fd, statBuffer, 0, statBuffer.length, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  // the command name (field 2) may hold spaces and parentheses: split after the last ')'
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ', 22);
  // f[0] is field 3 (state), so field N is f[N - 3]
  return {
    pid,
    state: f[0] ?? '?',
    ppid: Number(f[1]),
    pgrp: Number(f[2]),
    cpuSeconds: (Number(f[11]) + Number(f[12])) / ticksPerSecond,
    startTicks: Number(f[19]),
    rssBytes: Number(f[21]) * pageSize,
  };
}

/** When a process started, in seconds since the epoch (boot time from /proc/stat + its start ticks). */
export function startedAtSeconds(pid: number): number | null {
  const st = readStat(pid);
  if (!st) return null;
  try {
    const btime = /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'));
    return btime ? Number(btime[1]) + st.startTicks / ticksPerSecond : null;
  } catch {
    return null;
  }
}

export function listPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (Number.isInteger(pid) && pid > 0) pids.push(pid);
  }
  return pids;
}

/**
 * Direct children of `pid`, zombies included, from /proc/PID/task/TID/children (each thread
 * lists its own); on a kernel without that file, a scan of every process for its parent.
 */
export function childrenOf(pid: number): number[] {
  try {
    const children: number[] = [];
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const p of readFileSync(`/proc/${pid}/task/${task}/children`, 'latin1').split(' ')) {
        if (p) children.push(Number(p));
      }
    }
    return children;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !readStat(pid)) return [];
    return listPids().filter((p) => readStat(p)?.ppid === pid);
  }
}

/** Live (non-zombie) members of a process group. */
export function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const pid of listPids()) {
    const st = readStat(pid);
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') members.push(pid);
  }
  return members;
}

export interface GroupStats {
  readonly pids: readonly number[];
  readonly cpuSeconds: number;
  readonly rssBytes: number;
}

/**
 * Below this many groups, each is measured from its leader down its tree of children (a few
 * reads per process of the group); from this many on, one pass over every process of the
 * machine is cheaper. A max_memory check of one service then never reads all of /proc.
 */
const treeWalkUpTo = 8;

/** Sums CPU and RSS over the members of several groups. */
export function groupStats(pgids: readonly number[]): Map<number, GroupStats> {
  const acc = new Map<number, { pids: number[]; cpuSeconds: number; rssBytes: number }>();
  for (const g of pgids) acc.set(g, { pids: [], cpuSeconds: 0, rssBytes: 0 });
  if (acc.size === 0) return acc;
  if (acc.size < treeWalkUpTo) {
    for (const [pgid, a] of acc) {
      // the group's members are the leader's descendants that stayed in its group
      const queue = [pgid];
      for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
        const st = readStat(pid);
        if (!st || st.pgrp !== pgid) continue;
        if (st.state !== 'Z') {
          a.pids.push(pid);
          a.cpuSeconds += st.cpuSeconds;
          a.rssBytes += st.rssBytes;
        }
        queue.push(...childrenOf(pid));
      }
    }
    return acc;
  }
  for (const pid of listPids()) {
    const st = readStat(pid);
    if (!st || st.state === 'Z') continue;
    const a = acc.get(st.pgrp);
    if (!a) continue;
    a.pids.push(pid);
    a.cpuSeconds += st.cpuSeconds;
    a.rssBytes += st.rssBytes;
  }
  return acc;
}

/** Every process (but this one) whose environment holds `entry` (`KEY=value`), found in /proc. */
export function pidsWithEnv(entry: string): number[] {
  return listPids().filter((pid) => {
    if (pid === process.pid) return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry);
    } catch {
      // gone already, or not ours to read
      return false;
    }
  });
}
