/**
 * `tend init [config | script [args…]]`: the container entrypoint. As PID 1 (or, elsewhere,
 * as a child subreaper) tend reaps every orphan, prints the services' output on stdout as
 * `tend up` does, and turns signals into actions (a script, any .ts/.js/.mjs but
 * tend.config.*, runs as `tend run` runs it, with the same PID 1 duties):
 *
 *   SIGTERM, SIGINT  stop everything in reverse dependency order; after --grace, SIGKILL
 *   SIGHUP           reload the config
 *   SIGUSR1          hot restart (tend re-executes itself; services keep running)
 *   SIGUSR2          print every service's state on stderr
 *   SIGQUIT          kill everything at once and exit
 *   SIGWINCH         ignored (a terminal resize means nothing to the services)
 *
 * Exit status: 0 after a requested stop, 1 when a critical service failed, 124 when --grace
 * ran out and processes had to be killed; errors before the start exit as every command does.
 */
import path from 'node:path';
import { findConfig } from '../../config/index.ts';
import { TendError } from '../../core/errors.ts';
import { assertTypeStripping } from '../../core/node-support.ts';
import { daemonHomeDir, layout } from '../../daemon/home.ts';
import { startRuntime } from '../../daemon/runtime.ts';
import { becomeSubreaper } from '../../native/libc.ts';
import { listPids, readStat } from '../../process/proc.ts';
import { reaper } from '../../process/reaper.ts';
import type { Cli } from '../context.ts';
import { currentExecOnExit, guardAgainstFatalErrors, setExecOnExit, setGuarded } from '../exit-policy.ts';
import { execForLongRun } from '../long-running.ts';
import { handleModeSignals } from '../mode-signals.ts';
import { UpPrinter } from '../output/up-printer.ts';
import { serveHttpIfConfigured } from '../serve-http.ts';
import { version } from '../version.ts';

export const graceExpiredStatus = 124;

export interface InitOptions {
  readonly grace: string;
  readonly exitGuard?: string;
}

/** A script for tend run, not a config: any .ts/.js/.mjs but tend.config.*. */
function isScript(file: string): boolean {
  return /\.(m?[jt]s)$/.test(file) && !/(^|\/)tend\.config\.[^/]+$/.test(file);
}

export async function run(
  cli: Cli,
  configArg: string | undefined,
  scriptArgs: string[],
  opts: InitOptions,
): Promise<number> {
  const graceMs = seconds('--grace', opts.grace) * 1000;
  const exitGuard = opts.exitGuard === undefined ? null : integer('--exit-guard', opts.exitGuard);
  if (configArg !== undefined && isScript(configArg)) {
    // the script is the supervision logic (tend run), with init's duties around it; its
    // runner is loaded only then: it needs a Node with module hooks, a config does not
    assertTypeStripping(`tend init ${configArg}`);
    execForLongRun({ heap: true });
    const { runScript } = await import('../../script/runner.ts');
    await runScript(path.resolve(configArg), scriptArgs, {
      graceMs,
      warn: (m) => cli.err.write(`tend init: ${m}\n`),
    });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  }
  const configPath = configArg ? path.resolve(configArg) : findConfig(process.cwd());
  const home = layout(cli.options.home ?? daemonHomeDir());
  execForLongRun({ heap: true });
  const pid1 = process.pid === 1;
  const write = (t: string) => {
    cli.out.write(t);
  };
  const p = new UpPrinter(write, cli.paint);
  if (pid1 || becomeSubreaper()) reaper.takeOrphans();
  else p.tend('could not become a child subreaper: orphans go to init', true);
  if (exitGuard !== null) guardAgainstFatalErrors((m) => p.tend(m, true));

  const runtime = await startRuntime({
    home,
    configPath,
    persist: true,
    exitOnCriticalFailure: true,
    version,
    exitGuard,
    execOnExit: currentExecOnExit(),
    exitHooks: { setExecOnExit, setGuarded: (on) => setGuarded(on, (m) => p.tend(m, true)) },
    warn: (e) => p.tend(e.message, true),
    attach: (sup, services) => p.attach(sup, services),
  });
  p.tend(`${pid1 ? 'PID 1' : `pid ${process.pid}, subreaper`}, control socket: ${home.socket}`);
  await serveHttpIfConfigured(runtime, runtime.http, (level, m) => p.tend(m, level !== 'info'));

  let graceExpired = false;
  let graceTimer: NodeJS.Timeout | null = null;
  const stop = (sig: NodeJS.Signals) => {
    p.tend(`${sig}: stopping every service (at most ${graceMs / 1000}s before SIGKILL)`);
    runtime.shutdown(0);
    graceTimer ??= setTimeout(() => {
      graceExpired = true;
      p.tend(`--grace ran out: killing what is left`, true);
      runtime.sup.killAll();
    }, graceMs);
  };
  const unhandle = handleModeSignals('init', runtime, (t, warn) => p.tend(t, warn), stop);

  let code = await runtime.done;
  if (graceTimer) clearTimeout(graceTimer);
  unhandle();
  // as PID 1, what escaped every service's group would be killed by the kernel mid-write
  if (pid1) await endStragglers(graceMs);
  if (graceExpired && code === 0) code = graceExpiredStatus;
  p.tend(code === 1 ? 'stopped because a critical service failed' : 'all services stopped', code !== 0);
  return code;
}

/** SIGTERM to every other process in the namespace, then SIGKILL to what remains. */
async function endStragglers(graceMs: number): Promise<void> {
  const others = () =>
    listPids().filter((pid) => pid !== 1 && !['Z', 'X'].includes(readStat(pid)?.state ?? 'X'));
  if (others().length === 0) return;
  process.kill(-1, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (others().length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (others().length > 0) process.kill(-1, 'SIGKILL');
}

function seconds(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) {
    throw new TendError('TEND_USAGE', {
      message: `${option}: expected seconds (a number >= 0), got ${JSON.stringify(value)}`,
    });
  }
  return n;
}

function integer(option: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) {
    throw new TendError('TEND_USAGE', {
      message: `${option}: expected an integer code, got ${JSON.stringify(value)}`,
    });
  }
  return n;
}
