/**
 * A long-running tend's PID files: `tend.pid` holds the PID alone, so `kill $(cat tend.pid)`
 * signals tend and nothing else; `tend.pid.json` beside it adds the PID's start time (a
 * reused PID is never mistaken for tend), the socket and the version.
 */
import { rmSync, writeFileSync } from 'node:fs';
import type { HomeLayout } from '../daemon/home.ts';
import { readStat } from '../process/proc.ts';

export function pidInfoFile(home: HomeLayout): string {
  return `${home.pidFile}.json`;
}

export function writePidFiles(home: HomeLayout, version: string): void {
  writeFileSync(home.pidFile, `${process.pid}\n`, { mode: 0o600 });
  const info = {
    pid: process.pid,
    start_ticks: readStat(process.pid)?.startTicks ?? 0,
    started_at: Date.now(),
    socket: home.socket,
    version,
  };
  writeFileSync(pidInfoFile(home), `${JSON.stringify(info)}\n`, { mode: 0o600 });
}

export function removePidFiles(home: HomeLayout): void {
  rmSync(home.pidFile, { force: true });
  rmSync(pidInfoFile(home), { force: true });
}
