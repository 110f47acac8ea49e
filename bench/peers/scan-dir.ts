/**
 * What runit and s6 share: a scan directory of service directories, each with a `run` script
 * that execs the service with its output appended to a log file (as a plain pipe to svlogd or
 * s6-log would end up), a `finish` script that takes a one-shot down, and a tree of
 * supervisor processes (the scanner and one supervisor per service) measured together.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { childrenOf } from '../lib/measure.ts';
import type { ServiceDef } from './peer.ts';

function quote(arg: string): string {
  return `'${arg.replaceAll("'", "'\\''")}'`;
}

/**
 * Writes each service's directory beside the scan directory and moves it in whole, so the
 * scanner never sees half a service. `down` makes the supervisor leave a one-shot down
 * after it ends; `downCommand` runs from the service directory when it finishes.
 */
export function writeServiceDirs(
  scanDir: string,
  logDir: string,
  services: readonly ServiceDef[],
  downCommand: string,
): void {
  const staging = `${scanDir}.staging`;
  mkdirSync(staging, { recursive: true });
  mkdirSync(logDir, { recursive: true });
  for (const s of services) {
    const dir = path.join(staging, s.name);
    mkdirSync(dir, { recursive: true });
    const log = path.join(logDir, `${s.name}.log`);
    writeFileSync(
      path.join(dir, 'run'),
      `#!/bin/sh\nexec ${s.cmd.map(quote).join(' ')} >>${quote(log)} 2>&1\n`,
    );
    chmodSync(path.join(dir, 'run'), 0o755);
    if (!s.restart) {
      writeFileSync(path.join(dir, 'finish'), `#!/bin/sh\nexec ${downCommand}\n`);
      chmodSync(path.join(dir, 'finish'), 0o755);
    }
    renameSync(dir, path.join(scanDir, s.name));
  }
}

/** The scanner and its supervisors: every process of the supervisor itself. */
export function supervisorTree(scannerPid: number | undefined): number[] {
  return scannerPid ? [scannerPid, ...childrenOf(scannerPid)] : [];
}
