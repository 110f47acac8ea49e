/**
 * `tend daemon [config]`: tend with its control socket in $TEND_HOME, saving services added at
 * run time. Foreground by default (for systemd or a terminal); `-d` starts a detached copy,
 * waits until it answers and exits. Signals act as daemon/signals.ts says (SIGTERM/SIGINT stop
 * everything, SIGHUP reloads, SIGUSR1 restarts tend in place, SIGUSR2 dumps the states…).
 */
import path from 'node:path';
import { TendError } from '../../core/errors.ts';
import { daemonHomeDir, type HomeLayout, layout } from '../../daemon/home.ts';
import { startRuntime } from '../../daemon/runtime.ts';
import type { Cli } from '../context.ts';
import { detach } from '../detach.ts';
import { currentExecOnExit, guardAgainstFatalErrors, setExecOnExit, setGuarded } from '../exit-policy.ts';
import { execForLongRun } from '../long-running.ts';
import { handleModeSignals } from '../mode-signals.ts';
import { makeLogger } from '../output/logger.ts';
import { pidInfoFile, removePidFiles, writePidFiles } from '../pid-file.ts';
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
  if (opts.detach) return detached(cli, home);
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
  writePidFiles(home, version);
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
  removePidFiles(home);
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
async function detached(cli: Cli, home: HomeLayout): Promise<number> {
  const { version: v } = await detach(home, { ...process.env, TEND_HOME: home.dir });
  const files = { pid_file: home.pidFile, pid_info: pidInfoFile(home), log: path.join(home.dir, 'tend.log') };
  if (cli.json) cli.printJson({ pid: v.pid, socket: home.socket, ...files });
  else cli.print(`tend daemon running (pid ${v.pid}), socket ${home.socket}, pid file ${home.pidFile}`);
  return 0;
}
