/**
 * tend from this checkout, as a user runs it: the built CLI (`dist/tend.js`, what `npm i -g`
 * installs), `tend daemon` on a private TEND_HOME, services added with `tend add -f`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../lib/timing.ts';
import { exec, type PeerFactory, type ServiceDef } from './peer.ts';

const root = path.resolve(import.meta.dirname, '../..');
/**
 * The built CLI the run measures: the run builds its own copy (TEND_BENCH_BIN), so a test
 * suite that reads dist/ at the same time never sees it half rebuilt.
 */
export function tendBin(): string {
  return process.env.TEND_BENCH_BIN ?? path.join(root, 'dist/tend.js');
}

function toml(s: ServiceDef): string {
  return [
    `[services.${s.name}]`,
    `args = ${JSON.stringify(s.cmd)}`,
    `restart = "${s.restart ? 'always' : 'never'}"`,
    // the crash loop uses tend's default backoff; elsewhere a restart is immediate
    s.backoff ? 'max_restarts = 100000' : 'restart_delay = 0',
    // one growing file, as the peers are configured: rotation would move lines out of it
    'logs = { max_size = 0 }',
  ].join('\n');
}

export const createTend: PeerFactory = (dir) => {
  const bin = tendBin();
  const home = path.join(dir, 'home');
  const env = { ...process.env, TEND_HOME: home, NO_COLOR: '1', TEND_SOCKET: '' };
  const tend = (...args: string[]) => exec(process.execPath, [bin, ...args], { env });
  let daemon: ChildProcess | null = null;
  return {
    name: 'tend',
    version: () =>
      (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version,
    statusCommand: [process.execPath, [bin, 'ls'], env],
    tuiCommand: [process.execPath, [bin, 'tui'], env],
    async startDaemon() {
      mkdirSync(home, { recursive: true });
      daemon = spawn(process.execPath, [bin, 'daemon'], { env, stdio: 'ignore', detached: true });
      await waitFor('tend to answer', () => exec(process.execPath, [bin, 'ping'], { env, allowFail: true }), {
        timeoutMs: 20_000,
        everyMs: 20,
      });
    },
    // a hot restart keeps the PID, so the daemon is always this one process
    daemonPids: () => (daemon?.pid ? [daemon.pid] : []),
    addServices(services) {
      const file = path.join(dir, 'services.toml');
      writeFileSync(file, `${services.map(toml).join('\n\n')}\n`);
      // as pm2 start and supervisorctl add return: the scenario itself watches them come up
      tend('add', '-f', file, '--no-wait');
    },
    runningCount: () =>
      (JSON.parse(tend('ls', '--json')) as { state: string }[]).filter((s) => s.state === 'running').length,
    restart: (name) => void tend('restart', name, '--no-wait'),
    stopAll: () => void tend('stop', 'all'),
    logFile: (name) => path.join(home, 'logs', `${name}.log`),
    shutdown() {
      exec(process.execPath, [bin, 'shutdown'], { env, allowFail: true });
      try {
        if (daemon?.pid) process.kill(-daemon.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
};
