/**
 * `tend add NAME [flags] -- CMD ARGS…` or `tend add -f FILE`. A file is validated here first,
 * so its errors carry file:line:col; relative paths in it are made absolute against its folder
 * before the definitions travel to tend. Where a service runs is decided here, where the user
 * stands: the caller's folder for flags, the file's folder for a file (as a config's `cwd`
 * defaults to its folder), saved absolute so a restart of tend changes nothing.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseServicesFragment, readDefinitions } from '../../config/index.ts';
import { TendError } from '../../core/errors.ts';
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { reportOutcome, settleMs } from '../output/outcome.ts';
import { printStatesOnTimeout } from '../output/timeout-states.ts';

export interface AddOptions {
  file?: string;
  cwd?: string;
  env?: string[];
  instances?: string;
  restart?: string;
  restartDelay?: string;
  maxRestarts?: string;
  stopSignal?: string;
  stopTimeout?: string;
  class?: string;
  critical?: boolean;
  user?: string;
  start: boolean;
  wait: boolean;
  timeout: string;
}

export async function run(
  cli: Cli,
  name: string | undefined,
  command: string[],
  opts: AddOptions,
): Promise<number> {
  const { services, relocate, dir } = opts.file
    ? await fromFile(opts.file)
    : { services: fromFlags(name, command, opts), relocate: (e: unknown) => e, dir: process.cwd() };
  const client = await cli.client();
  // a remote tend has no such folder: there the service runs where that tend says
  if (cli.local) for (const def of Object.values(services)) def.cwd ??= dir;
  const wait = opts.wait && opts.start ? Math.round(Number(opts.timeout) * 1000) : undefined;
  const settle = wait ? settleMs : undefined;
  const since = cli.local ? Date.now() : null;
  const timeoutMs = (wait ?? 0) + settleMs + 10_000;
  const names = Object.keys(services);
  // how the file fits with what already runs is checked by tend; its answer is told at file:line:col
  const result = await printStatesOnTimeout(client, names, () =>
    client.service.add({ services, start: opts.start, wait, settle }, { timeoutMs }),
  ).catch((e: unknown) => {
    throw relocate(e);
  });
  const added = new Set(result.map((s) => s.name));
  if (wait) return reportOutcome(cli, client, result, { since, added });
  if (cli.json) cli.printJson(result);
  else
    for (const s of result)
      cli.print(`added ${s.name} ${cli.paint(stateColors[s.state] ?? 'gray', s.state)} in ${s.cwd ?? '-'}`);
  return 0;
}

async function fromFile(file: string): Promise<{
  services: Record<string, Record<string, unknown>>;
  relocate: (e: unknown) => unknown;
  dir: string;
}> {
  const abs = path.resolve(file);
  const text = readFileSync(abs, 'utf8');
  const dir = path.dirname(abs);
  // the fields, with locations; throws TEND_CONFIG_INVALID naming file:line:col
  const { relocate } = await parseServicesFragment(text, abs, dir);
  const defs = readDefinitions(text, abs);
  for (const def of Object.values(defs)) {
    if (typeof def.cwd === 'string') def.cwd = path.resolve(dir, def.cwd);
    if (typeof def.env_file === 'string') def.env_file = path.resolve(dir, def.env_file);
    if (Array.isArray(def.env_file)) def.env_file = def.env_file.map((f) => path.resolve(dir, String(f)));
  }
  return { services: defs, relocate, dir };
}

function fromFlags(
  name: string | undefined,
  command: string[],
  o: AddOptions,
): Record<string, Record<string, unknown>> {
  if (!name || command.length === 0) {
    throw new TendError('TEND_USAGE', {
      message: 'usage: tend add NAME [options] -- COMMAND [ARGS…], or tend add -f FILE',
    });
  }
  const def: Record<string, unknown> = command.length === 1 ? { command: command[0] } : { args: command };
  if (o.cwd) def.cwd = path.resolve(o.cwd);
  if (o.env) def.env = Object.fromEntries(o.env.map((kv) => splitEnv(kv)));
  if (o.instances) def.instances = Number(o.instances);
  if (o.restart) def.restart = o.restart;
  if (o.restartDelay) def.restart_delay = durationValue(o.restartDelay);
  if (o.maxRestarts) def.max_restarts = Number(o.maxRestarts);
  if (o.stopSignal) def.stop_signal = o.stopSignal;
  if (o.stopTimeout) def.stop_timeout = durationValue(o.stopTimeout);
  if (o.class) def.class = o.class;
  if (o.critical) def.critical = true;
  if (o.user) def.user = o.user;
  return { [name]: def };
}

function splitEnv(kv: string): [string, string] {
  const i = kv.indexOf('=');
  if (i <= 0)
    throw new TendError('TEND_USAGE', { message: `--env takes KEY=VALUE, got ${JSON.stringify(kv)}` });
  return [kv.slice(0, i), kv.slice(i + 1)];
}

/** A bare number on the command line is seconds, as in the config. */
function durationValue(v: string): string | number {
  return /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}
