/**
 * `tend up [config]`: the stack in the foreground. Ctrl-C or SIGTERM stops every service
 * gracefully (reverse order of start); a second Ctrl-C kills them at once. Exits 0 after a
 * clean stop, 1 when a critical service failed. Also serves .tend/tend.sock for other terminals,
 * and with `--http` the HTTP API and its web page. `-d` runs the same in the background for
 * this folder, as `docker compose up -d` does (`tend down` stops it).
 */
import path from 'node:path';
import { findConfig } from '../../config/index.ts';
import { type HomeLayout, layout, projectHomeDir } from '../../daemon/home.ts';
import { startRuntime } from '../../daemon/runtime.ts';
import type { Cli } from '../context.ts';
import { detach } from '../detach.ts';
import { execForLongRun } from '../long-running.ts';
import { handleModeSignals } from '../mode-signals.ts';
import { UpPrinter } from '../output/up-printer.ts';
import { removePidFiles, writePidFiles } from '../pid-file.ts';
import { httpOptionSettings, serveHttpIfConfigured } from '../serve-http.ts';
import { version } from '../version.ts';

/** `tend up -d`: the same stack in the background; its lines go to `.tend/tend.log`. */
async function detached(cli: Cli, home: HomeLayout, configPath: string): Promise<number> {
  const { version: v, log } = await detach(home);
  const project = path.dirname(configPath);
  if (cli.json) cli.printJson({ pid: v.pid, socket: home.socket, config: configPath, log });
  else {
    cli.print(`tend up running in the background for ${project} (pid ${v.pid}); its output: ${log}`);
    cli.print('from this folder: "tend ls", "tend logs -f", "tend restart NAME"; "tend down" stops it');
  }
  return 0;
}

export async function run(
  cli: Cli,
  configArg: string | undefined,
  opts: { only?: string; http?: string; detach?: boolean },
): Promise<number> {
  const configPath = configArg ? path.resolve(configArg) : findConfig(process.cwd());
  const httpOption = opts.http === undefined ? null : httpOptionSettings(opts.http);
  const home = layout(cli.options.home ?? projectHomeDir(path.dirname(configPath)));
  if (opts.detach) return detached(cli, home, configPath);
  execForLongRun({ heap: false });
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
  writePidFiles(home, version);
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
  removePidFiles(home);
  p.tend(code === 0 ? 'all services stopped' : 'stopped because a critical service failed', code !== 0);
  return code;
}
