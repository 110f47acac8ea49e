/**
 * PM2 from the peers cache, with a private PM2_HOME: apps from an ecosystem file, status
 * through `pm2 jlist` (what tools built on PM2 call).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { exec, type PeerFactory, type ServiceDef } from './peer.ts';

function app(dir: string, s: ServiceDef) {
  return {
    name: s.name,
    script: s.cmd[0],
    args: s.cmd.slice(1),
    interpreter: 'none',
    autorestart: s.restart,
    ...(s.backoff ? { exp_backoff_restart_delay: 100 } : { restart_delay: 0 }),
    min_uptime: 0,
    max_restarts: 100000,
    out_file: path.join(dir, `${s.name}.log`),
    error_file: path.join(dir, `${s.name}.err`),
    merge_logs: true,
  };
}

export const createPm2: PeerFactory = (dir, cacheDir) => {
  const bin = path.join(cacheDir, 'node_modules/.bin/pm2');
  const env = { ...process.env, PM2_HOME: path.join(dir, 'pm2home') };
  const pm2 = (...args: string[]) => exec(bin, args, { env });
  return {
    name: 'pm2',
    version: () =>
      (
        JSON.parse(readFileSync(path.join(cacheDir, 'node_modules/pm2/package.json'), 'utf8')) as {
          version: string;
        }
      ).version,
    statusCommand: [bin, ['jlist'], env],
    async startDaemon() {
      pm2('ping');
    },
    daemonPids() {
      try {
        return [Number(readFileSync(path.join(env.PM2_HOME, 'pm2.pid'), 'utf8'))];
      } catch {
        return [];
      }
    },
    addServices(services) {
      const file = path.join(dir, 'ecosystem.config.cjs');
      writeFileSync(file, `module.exports = ${JSON.stringify({ apps: services.map((s) => app(dir, s)) })};`);
      pm2('start', file);
    },
    runningCount: () =>
      (JSON.parse(pm2('jlist')) as { pm2_env: { status: string } }[]).filter(
        (p) => p.pm2_env.status === 'online',
      ).length,
    restart: (name) => void pm2('restart', name),
    stopAll: () => void pm2('stop', 'all'),
    logFile: (name) => path.join(dir, `${name}.log`),
    shutdown() {
      const pids = this.daemonPids();
      exec(bin, ['kill'], { env, allowFail: true });
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
    },
  };
};
