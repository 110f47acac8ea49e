/**
 * `tend startup` / `tend unstartup`: install tend itself as a systemd service (the system's when
 * run as root, else the user's), enabled and started, running `tend daemon` on the daemon's
 * home; or take it out again. PM2's `pm2 startup`. Without a running systemd it refuses and
 * says so; `--print` shows the unit without installing anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { unitWord } from '../../compat/export/systemd-lines.ts';
import { TendError } from '../../core/errors.ts';
import { daemonHomeDir } from '../../daemon/home.ts';
import { singleExecutable } from '../../native/single-executable.ts';
import type { Cli } from '../context.ts';

interface StartupOptions {
  readonly user?: boolean;
  readonly system?: boolean;
  readonly print?: boolean;
  readonly name?: string;
}

type Scope = 'user' | 'system';

function scopeOf(opts: StartupOptions): Scope {
  if (opts.user && opts.system)
    throw new TendError('TEND_USAGE', { message: 'give --user or --system, not both' });
  if (opts.user) return 'user';
  if (opts.system) return 'system';
  return process.getuid?.() === 0 ? 'system' : 'user';
}

function unitPath(scope: Scope, name: string): string {
  if (scope === 'system') return path.join('/etc/systemd/system', `${name}.service`);
  const config = process.env.XDG_CONFIG_HOME || path.join(homedir(), '.config');
  return path.join(config, 'systemd', 'user', `${name}.service`);
}

/** The unit that runs this very tend (this Node, this entry script) as a daemon on `home`. */
export function startupUnit(scope: Scope, home: string, config: string | null): string {
  // the single executable is its own entry; a Node install names its script
  const entry = singleExecutable ? [] : [path.resolve(process.argv[1] ?? 'tend')];
  const argv = [process.execPath, ...entry, 'daemon', ...(config ? [config] : [])];
  return [
    '# Written by "tend startup"; "tend unstartup" removes it.',
    '[Unit]',
    `Description=tend process supervisor (home ${home})`,
    'After=network.target',
    '',
    '[Service]',
    'Type=exec',
    `Environment=${unitWord(`TEND_HOME=${home}`)}`,
    `ExecStart=${argv.map(unitWord).join(' ')}`,
    'ExecReload=/bin/kill -HUP $MAINPID',
    'Restart=on-failure',
    'RestartSec=1s',
    // tend stops its services itself on SIGTERM, in reverse dependency order, and takes them
    // back after a crash: systemd must signal tend alone, not the services behind it
    'KillMode=process',
    'TimeoutStopSec=90s',
    '',
    '[Install]',
    `WantedBy=${scope === 'system' ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}

/** sd_booted(): systemd runs as init when this folder exists. */
function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

function refuseWithoutSystemd(verb: string): void {
  if (systemdRunning()) return;
  throw new TendError('TEND_USAGE', {
    message: `tend ${verb} needs a running systemd, and this machine has none (no /run/systemd/system: it was not booted with systemd, as in a container); "tend startup --print" shows the unit to install by hand, and "tend daemon" runs tend without one`,
  });
}

function systemctl(scope: Scope, args: string[]): string {
  const full = [...(scope === 'user' ? ['--user'] : []), ...args];
  execFileSync('systemctl', full, { stdio: ['ignore', 'ignore', 'pipe'] });
  return `systemctl ${full.join(' ')}`;
}

export async function startup(cli: Cli, config: string | undefined, opts: StartupOptions): Promise<number> {
  const scope = scopeOf(opts);
  const name = opts.name ?? 'tend';
  const home = path.resolve(cli.options.home ?? daemonHomeDir());
  const configPath = config ? path.resolve(config) : null;
  if (configPath && !existsSync(configPath)) {
    throw new TendError('TEND_CONFIG_NOT_FOUND', { detail: `${configPath} does not exist` });
  }
  const unit = startupUnit(scope, home, configPath);
  if (opts.print) {
    process.stdout.write(unit);
    return 0;
  }
  refuseWithoutSystemd('startup');
  const file = unitPath(scope, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, unit, { mode: 0o644 });
  const ran = [systemctl(scope, ['daemon-reload']), systemctl(scope, ['enable', '--now', `${name}.service`])];
  if (cli.json) cli.printJson({ unit: file, scope, home, config: configPath, ran });
  else {
    cli.print(
      `wrote ${file} (${scope} unit): tend daemon with its home in ${home}${configPath ? `, config ${configPath}` : ''}`,
    );
    for (const r of ran) cli.print(`ran ${r}`);
    cli.print(
      `tend now starts with the ${scope === 'system' ? 'machine' : 'user session'}; "tend unstartup" undoes it`,
    );
  }
  return 0;
}

export async function unstartup(cli: Cli, opts: StartupOptions): Promise<number> {
  const scope = scopeOf(opts);
  const name = opts.name ?? 'tend';
  const file = unitPath(scope, name);
  refuseWithoutSystemd('unstartup');
  if (!existsSync(file)) {
    throw new TendError('TEND_USAGE', {
      message: `there is no ${scope} unit ${file}: "tend startup" did not install one here`,
    });
  }
  const ran = [systemctl(scope, ['disable', '--now', `${name}.service`])];
  rmSync(file);
  ran.push(systemctl(scope, ['daemon-reload']));
  if (cli.json) cli.printJson({ removed: file, scope, ran });
  else {
    cli.print(`removed ${file}`);
    for (const r of ran) cli.print(`ran ${r}`);
  }
  return 0;
}
