/**
 * `tend daemon [config]`: tend with its control socket in $TEND_HOME, saving services added at
 * run time. Foreground by default (for systemd or a terminal); `-d` starts a detached copy,
 * waits until it answers and exits. Signals act as daemon/signals.ts says (SIGTERM/SIGINT stop
 * everything, SIGHUP reloads, SIGUSR1 restarts tend in place, SIGUSR2 dumps the states…).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { waitForTend } from '../../client/wait-for-tend.ts';
import { TendError } from '../../core/errors.ts';
import { daemonHomeDir, layout } from '../../daemon/home.ts';
import { startRuntime } from '../../daemon/runtime.ts';
import { selfArgs } from '../../native/single-executable.ts';
import { readStat } from '../../process/proc.ts';
import type { Cli } from '../context.ts';
import { currentExecOnExit, guardAgainstFatalErrors, setExecOnExit, setGuarded } from '../exit-policy.ts';
import { execForLongRun } from '../long-running.ts';
import { handleModeSignals } from '../mode-signals.ts';
import { makeLogger } from '../output/logger.ts';
import { httpOptionSettings, serveHttpIfConfigured } from '../serve-http.ts';
import { version } from '../version.ts';

export async function run(
  cli: Cli,
  configArg: string | undefined,
  opts: { detach?: boolean; http?: string; exitGuard?: string },
): Promise<number> {
  const home = layout(cli.options.home ?? daemonHomeDir());
  const configPath = configArg ? path.resolve(configArg) : null;
  const httpOption = opts.http === undefined ? null : httpOptionSettings(opts.http);
  if (opts.detach) return detach(cli, home.dir, home.socket, home.pidFile);
  execForLongRun({ heap: true });
  const logger = makeLogger();
  const exitGuard = opts.exitGuard === undefined ? null : guardCode(opts.exitGuard);
  const fatal = (m: string) => logger.log('error', m);
  if (exitGuard !== null) guardAgainstFatalErrors(fatal);
  const runtime = await startRuntime({
    home,
    configPath,
    persist: true,
    exitOnCriticalFailure: false,
    version,
    exitGuard,
    execOnExit: currentExecOnExit(),
    exitHooks: { setExecOnExit, setGuarded: (on) => setGuarded(on, fatal) },
    warn: (e) => logger.log('warn', e.message, { code: e.code }),
  });
  // the PID file carries the start time so a reused PID is never mistaken for this daemon
  writeFileSync(home.pidFile, `${process.pid} ${readStat(process.pid)?.startTicks ?? 0}\n`, { mode: 0o600 });
  logger.log('info', 'tend daemon started', { pid: process.pid, socket: home.socket, version });
  await serveHttpIfConfigured(runtime, httpOption ?? runtime.http, (level, m) => logger.log(level, m));
  runtime.sup.events.add((e) => {
    if (e.type === 'state')
      logger.log(e.to === 'failed' ? 'error' : 'info', `${e.service} ${e.to}`, { reason: e.reason });
    else if (e.type === 'log-error' && e.resumed)
      logger.log('warn', `${e.service}: log file writable again`, { file: e.file, dropped: e.dropped });
    else if (e.type === 'log-error')
      logger.log('error', `${e.service}: log file cannot be written`, { file: e.file, error: e.error });
  });
  const say = (text: string, warn = false) => logger.log(warn ? 'warn' : 'info', text);
  const unhandle = handleModeSignals('daemon', runtime, say, (sig) => {
    logger.log('info', `${sig}: stopping every service`);
    runtime.shutdown(0);
  });
  const code = await runtime.done;
  unhandle();
  rmSync(home.pidFile, { force: true });
  logger.log('info', 'tend daemon stopped', { code });
  return code;
}

function guardCode(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n))
    throw new TendError('TEND_USAGE', {
      message: `--exit-guard: expected an integer code, got ${JSON.stringify(value)}`,
    });
  return n;
}

/** Starts `tend daemon` again without -d in its own session, logging to the home's tend.log. */
async function detach(cli: Cli, dir: string, socket: string, pidFile: string): Promise<number> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const out = openSync(path.join(dir, 'tend.log'), 'a', 0o600);
  const args = selfArgs().filter((a) => a !== '-d' && a !== '--detach');
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...process.env, TEND_HOME: dir },
  });
  child.unref();
  const unreachable = () =>
    new TendError('TEND_DAEMON_UNREACHABLE', {
      socket,
      why: `the detached daemon did not answer; see ${path.join(dir, 'tend.log')}`,
    });
  const v = await waitForTend(socket, {
    timeoutMs: 20_000,
    what: 'the detached daemon',
    giveUp: () => (child.exitCode !== null ? unreachable() : null),
  }).catch((e: unknown) => {
    throw e instanceof TendError && e.code === 'TEND_TIMEOUT' ? unreachable() : e;
  });
  if (!cli.json) cli.print(`tend daemon running (pid ${v.pid}), socket ${socket}, pid file ${pidFile}`);
  else cli.printJson({ pid: v.pid, socket, pid_file: pidFile });
  return 0;
}
