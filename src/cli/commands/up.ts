/**
 * `tend up [config]`: the stack in the foreground. Ctrl-C or SIGTERM stops every service
 * gracefully (reverse order of start); a second Ctrl-C kills them at once. Exits 0 after a
 * clean stop, 1 when a critical service failed. Also serves .tend/tend.sock for other terminals,
 * and with `--http` the HTTP API and its web page.
 */
import path from 'node:path';
import { findConfig } from '../../config/index.ts';
import { layout, projectHomeDir } from '../../daemon/home.ts';
import { startRuntime } from '../../daemon/runtime.ts';
import type { Cli } from '../context.ts';
import { execForLongRun } from '../long-running.ts';
import { handleModeSignals } from '../mode-signals.ts';
import { UpPrinter } from '../output/up-printer.ts';
import { httpOptionSettings, serveHttpIfConfigured } from '../serve-http.ts';
import { version } from '../version.ts';

export async function run(
  cli: Cli,
  configArg: string | undefined,
  opts: { only?: string; http?: string },
): Promise<number> {
  const configPath = configArg ? path.resolve(configArg) : findConfig(process.cwd());
  execForLongRun({ heap: false });
  const httpOption = opts.http === undefined ? null : httpOptionSettings(opts.http);
  const home = layout(cli.options.home ?? projectHomeDir(path.dirname(configPath)));
  const only = opts.only
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const write = (t: string) => {
    cli.out.write(t);
  };
  const p = new UpPrinter(write, cli.paint);
  const runtime = await startRuntime({
    home,
    configPath,
    only,
    persist: false,
    exitOnCriticalFailure: true,
    version,
    warn: (e) => p.tend(e.message, true),
    attach: (sup, services) => p.attach(sup, services),
  });
  p.tend(`control socket: ${home.socket}`);
  await serveHttpIfConfigured(runtime, httpOption ?? runtime.http, (level, m) => p.tend(m, level !== 'info'));

  let stops = 0;
  const unhandle = handleModeSignals(
    'up',
    runtime,
    (t, warn) => p.tend(t, warn),
    (sig) => {
      stops++;
      if (stops === 1) {
        p.tend(`${sig}: stopping every service (again to kill at once)`);
        runtime.shutdown(0);
      } else {
        p.tend(`${sig}: killing every service`, true);
        runtime.sup.killAll();
      }
    },
  );
  const code = await runtime.done;
  unhandle();
  p.tend(code === 0 ? 'all services stopped' : 'stopped because a critical service failed', code !== 0);
  return code;
}
