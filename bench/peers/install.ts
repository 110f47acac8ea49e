/**
 * Installs the peers on demand, never into the project: PM2 from npm into a cache folder,
 * supervisord from Debian's packages (as root). A peer that cannot be installed is skipped
 * with the reason, and the run goes on without it.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exec, hasCommand } from './peer.ts';

/** Where installed peers live: $TEND_BENCH_CACHE, else ~/.cache/tend-bench. */
export function peersCacheDir(): string {
  return process.env.TEND_BENCH_CACHE ?? path.join(os.homedir(), '.cache', 'tend-bench');
}

/** Makes `peer` runnable; returns null when it is, or why it cannot be. */
export function installPeer(peer: string, cacheDir: string): string | null {
  try {
    if (peer === 'pm2') installPm2(cacheDir);
    else if (peer === 'supervisord') installDebian('supervisor', ['supervisord', 'supervisorctl']);
    else if (peer === 'runit') installDebian('runit', ['runsvdir', 'sv']);
    else if (peer === 's6') installDebian('s6', ['s6-svscan', 's6-svc', 's6-svstat']);
    return null;
  } catch (e) {
    return e instanceof Error ? (e.message.split('\n')[0] ?? String(e)) : String(e);
  }
}

function installPm2(cacheDir: string): void {
  if (existsSync(path.join(cacheDir, 'node_modules/.bin/pm2'))) return;
  mkdirSync(cacheDir, { recursive: true });
  const manifest = path.join(cacheDir, 'package.json');
  if (!existsSync(manifest)) writeFileSync(manifest, '{ "private": true }\n');
  console.error(`installing pm2 into ${cacheDir}`);
  exec('npm', ['install', '--no-audit', '--no-fund', '--prefix', cacheDir, 'pm2@latest']);
}

/** A peer from Debian's packages, installed as root when its commands are missing. */
function installDebian(pkg: string, commands: readonly string[]): void {
  if (commands.every(hasCommand)) return;
  if (process.getuid?.() !== 0) throw new Error(`${pkg} is not installed (apt-get install ${pkg}, as root)`);
  if (!hasCommand('apt-get')) throw new Error(`${pkg} is not installed and there is no apt-get here`);
  console.error(`installing ${pkg} from Debian`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  exec('apt-get', ['update', '-qq'], { env });
  exec('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env });
}
