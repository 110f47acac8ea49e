/**
 * supervisord (Debian's package) with a private config and an include folder: programs are
 * added by writing their files and `supervisorctl update`, as its users do.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitFor } from '../lib/timing.ts';
import { exec, type PeerFactory, type ServiceDef } from './peer.ts';

function program(dir: string, s: ServiceDef): string {
  return [
    `[program:${s.name}]`,
    `command=${s.cmd.map((a) => (/[\s"'%]/.test(a) ? `"${a.replaceAll('%', '%%').replaceAll('"', '\\"')}"` : a)).join(' ')}`,
    // startsecs=0: running at once, as the other peers count it; a crash loop backs off
    `startsecs=${s.backoff ? 1 : 0}`,
    'startretries=100000',
    `autorestart=${s.restart ? 'true' : 'false'}`,
    `stdout_logfile=${dir}/${s.name}.log`,
    'stdout_logfile_maxbytes=0',
    'redirect_stderr=true',
    'stopasgroup=true',
    'killasgroup=true',
    '',
  ].join('\n');
}

export const createSupervisord: PeerFactory = (dir) => {
  const conf = path.join(dir, 'supervisord.conf');
  const socket = path.join(dir, 'supervisor.sock');
  const confDir = path.join(dir, 'conf.d');
  const ctl = (...args: string[]) => exec('supervisorctl', ['-c', conf, ...args], { allowFail: true });
  let daemon: ChildProcess | null = null;
  return {
    name: 'supervisord',
    version: () => exec('supervisord', ['--version']).trim(),
    statusCommand: ['supervisorctl', ['-c', conf, 'status'], process.env],
    async startDaemon() {
      mkdirSync(confDir, { recursive: true });
      writeFileSync(
        conf,
        [
          '[unix_http_server]',
          `file=${socket}`,
          '[supervisord]',
          `logfile=${dir}/supervisord.log`,
          `pidfile=${dir}/supervisord.pid`,
          'nodaemon=true',
          'minfds=4096',
          '[rpcinterface:supervisor]',
          'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
          '[supervisorctl]',
          `serverurl=unix://${socket}`,
          '[include]',
          `files=${confDir}/*.conf`,
          '',
        ].join('\n'),
      );
      const child = spawn('supervisord', ['-c', conf], { stdio: 'ignore', detached: true });
      daemon = child;
      await waitFor('supervisord to answer', () => ctl('pid').trim() === String(child.pid), {
        timeoutMs: 20_000,
        everyMs: 50,
      });
    },
    daemonPids: () => (daemon?.pid ? [daemon.pid] : []),
    addServices(services) {
      for (const s of services) writeFileSync(path.join(confDir, `${s.name}.conf`), program(dir, s));
      ctl('update');
    },
    runningCount: () =>
      ctl('status')
        .split('\n')
        .filter((l) => /\sRUNNING\s/.test(l)).length,
    restart: (name) => void ctl('restart', name),
    stopAll: () => void ctl('stop', 'all'),
    logFile: (name) => path.join(dir, `${name}.log`),
    shutdown() {
      ctl('shutdown');
      try {
        if (daemon?.pid) process.kill(-daemon.pid, 'SIGKILL');
      } catch {
        // gone already
      }
    },
  };
};
