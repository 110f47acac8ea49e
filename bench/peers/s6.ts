/**
 * s6 (Debian's package) as its users run it: `s6-svscan` on a scan directory, told to scan
 * at once (`s6-svscanctl -a`) after services are added, one `s6-supervise` per service, and
 * `s6-svc`/`s6-svstat` to drive them. With runit, the floor for footprint and restarts.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../lib/timing.ts';
import { exec, type PeerFactory } from './peer.ts';
import { supervisorTree, writeServiceDirs } from './scan-dir.ts';

export const createS6: PeerFactory = (dir) => {
  const scanDir = path.join(dir, 'scan');
  const logDir = path.join(dir, 'logs');
  const services = () =>
    readdirSync(scanDir)
      .filter((n) => !n.startsWith('.'))
      .map((n) => path.join(scanDir, n));
  let scanner: ChildProcess | null = null;
  return {
    name: 's6',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template
    version: () => exec('dpkg-query', ['-W', '-f', '${Version}', 's6'], { allowFail: true }).trim(),
    statusCommand: ['sh', ['-c', `for s in ${scanDir}/*; do s6-svstat "$s"; done`], process.env],
    async startDaemon() {
      mkdirSync(scanDir, { recursive: true });
      // s6-svscan keeps at most 1,000 services unless told more (-c), and 1,000 is a bench size
      scanner = spawn('s6-svscan', ['-c', '10000', scanDir], { stdio: 'ignore', detached: true });
      await waitFor('s6-svscan to run', () => scanner?.pid !== undefined, { timeoutMs: 5000, everyMs: 10 });
    },
    daemonPids: () => supervisorTree(scanner?.pid),
    addServices(defs) {
      writeServiceDirs(scanDir, logDir, defs, 's6-svc -d .');
      exec('s6-svscanctl', ['-a', scanDir], { allowFail: true });
    },
    runningCount: () =>
      services().filter((s) => exec('s6-svstat', [s], { allowFail: true }).startsWith('up ')).length,
    restart: (name) => void exec('s6-svc', ['-r', path.join(scanDir, name)], { allowFail: true }),
    stopAll: () => {
      for (const s of services()) exec('s6-svc', ['-d', s], { allowFail: true });
    },
    logFile: (name) => path.join(logDir, `${name}.log`),
    shutdown() {
      exec('s6-svscanctl', ['-t', scanDir], { allowFail: true });
      try {
        if (scanner?.pid) process.kill(-scanner.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
};
