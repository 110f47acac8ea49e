/**
 * Processes a killed tend started but could not record: every service's environment carries
 * TEND_SUPERVISED_BY (tend's home), so a new tend finds, in /proc, each process group of its
 * home that it does not adopt (spawned in the instant before the kill, or of a service removed
 * meanwhile) and stops it, rather than run a service twice or leave one unsupervised.
 */

import { readFileSync } from 'node:fs';
import { listPids, readStat } from '../process/proc.ts';

export const supervisedBy = 'TEND_SUPERVISED_BY';

/** The process groups whose members carry this home's mark, but for those kept. */
export function strayGroups(home: string, kept: ReadonlySet<number>): number[] {
  const mark = `${supervisedBy}=${home}`;
  const own = readStat(process.pid)?.pgrp;
  const groups: number[] = [];
  for (const pid of listPids()) {
    // a service's group is led by its first process, marked: never a group tend itself is in
    if (pid === process.pid || pid === own || kept.has(pid)) continue;
    const st = readStat(pid);
    if (!st || st.state === 'Z' || st.pgrp !== pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(mark)) groups.push(pid);
    } catch {
      // gone already, or not ours to read
    }
  }
  return groups;
}

/** SIGTERM to each group, SIGKILL to what is left of it after `graceMs`. */
export function stopGroups(pgids: readonly number[], graceMs = 5000): void {
  const started = new Map<number, number>();
  for (const g of pgids) {
    started.set(g, readStat(g)?.startTicks ?? -1);
    try {
      process.kill(-g, 'SIGTERM');
    } catch {
      // gone already
    }
  }
  if (pgids.length === 0) return;
  setTimeout(() => {
    for (const g of pgids) {
      // the leader's start time tells a group that is still the same from a reused id
      const leader = readStat(g);
      if (leader && leader.startTicks !== started.get(g)) continue;
      try {
        process.kill(-g, 'SIGKILL');
      } catch {
        // gone
      }
    }
  }, graceMs).unref();
}
