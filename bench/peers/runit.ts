/**
 * runit (Debian's package) as its users run it: `runsvdir` on a scan directory (it looks for
 * new service directories every five seconds, part of its bring-up), one `runsv` per service,
 * and `sv` to drive them. The floor tend is compared with for footprint and restart latency.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../lib/timing.ts';
import { exec, type PeerFactory } from './peer.ts';
import { supervisorTree, writeServiceDirs } from './scan-dir.ts';

export const createRunit: PeerFactory = (dir) => {
  const scanDir = path.join(dir, 'service');
  const logDir = path.join(dir, 'logs');
  const services = () => readdirSync(scanDir).map((n) => path.join(scanDir, n));
  const sv = (...args: string[]) => exec('sv', args, { allowFail: true });
  let scanner: ChildProcess | null = null;
  return {
    name: 'runit',
    // Debian's runit has no --version; the package says which
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format, not a template
    version: () => exec('dpkg-query', ['-W', '-f', '${Version}', 'runit'], { allowFail: true }).trim(),
    statusCommand: ['sh', ['-c', `sv status ${scanDir}/*`], process.env],
    async startDaemon() {
      mkdirSync(scanDir, { recursive: true });
      scanner = spawn('runsvdir', ['-P', scanDir], { stdio: 'ignore', detached: true });
      await waitFor('runsvdir to run', () => scanner?.pid !== undefined, { timeoutMs: 5000, everyMs: 10 });
    },
    daemonPids: () => supervisorTree(scanner?.pid),
    addServices(defs) {
      writeServiceDirs(scanDir, logDir, defs, 'sv down .');
    },
    runningCount: () =>
      services().length === 0
        ? 0
        : sv('status', ...services())
            .split('\n')
            .filter((l) => l.startsWith('run:')).length,
    restart: (name) => void sv('restart', path.join(scanDir, name)),
    stopAll: () => void (services().length && sv('down', ...services())),
    logFile: (name) => path.join(logDir, `${name}.log`),
    shutdown() {
      if (services().length) sv('force-shutdown', ...services());
      try {
        if (scanner?.pid) process.kill(-scanner.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
};
