/** `tend job run | ls | status | logs | rm`: Kubernetes-style jobs and their runs. */
import type { JobView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { formatDuration } from '../output/format.ts';
import { renderTable } from '../output/table.ts';

const phaseColor = { Pending: 'gray', Running: 'cyan', Succeeded: 'green', Failed: 'red' } as const;

function table(cli: Cli, runs: readonly JobView[]): string {
  if (!runs.length) return 'no job runs';
  const now = Date.now();
  const rows = runs.map((r) => [
    r.name,
    cli.paint(phaseColor[r.phase], r.phase) + (r.reason ? ` (${r.reason})` : ''),
    `${r.succeeded}/${r.completions}`,
    String(r.active),
    String(r.failed),
    r.start_time === null ? '-' : formatDuration((r.completion_time ?? now) - r.start_time),
  ]);
  return renderTable(['NAME', 'PHASE', 'COMPLETIONS', 'ACTIVE', 'FAILED', 'DURATION'], rows);
}

export async function ls(cli: Cli): Promise<number> {
  const runs = await (await cli.client()).job.list();
  if (cli.json) cli.printJson(runs);
  else cli.print(table(cli, runs));
  return 0;
}

export async function status(cli: Cli, name: string): Promise<number> {
  const runs = await (await cli.client()).job.status({ name });
  if (cli.json) cli.printJson(runs);
  else cli.print(table(cli, runs));
  return 0;
}

/** Waits for the run unless --no-wait; exits 1 when it ends Failed. */
export async function run(cli: Cli, name: string, opts: { wait: boolean; timeout: string }): Promise<number> {
  const wait = opts.wait ? Math.round(Number(opts.timeout) * 1000) : undefined;
  const result = await (await cli.client()).job.run({ name, wait }, { timeoutMs: (wait ?? 0) + 10_000 });
  if (cli.json) cli.printJson(result);
  else cli.print(table(cli, [result]));
  return result.phase === 'Failed' ? 1 : 0;
}

export async function logs(cli: Cli, name: string, opts: { lines: string }): Promise<number> {
  const { lines } = await (await cli.client()).job.logs({ name, lines: Number(opts.lines) });
  if (cli.json) cli.printJson(lines);
  else for (const l of lines) cli.print(l.text);
  return 0;
}

export async function rm(cli: Cli, name: string): Promise<number> {
  const result = await (await cli.client()).job.remove({ name });
  if (cli.json) cli.printJson(result);
  else cli.print(`removed ${result.removed.join(', ')}`);
  return 0;
}
