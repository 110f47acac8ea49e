/** `tend cron ls | add | rm | suspend | resume | trigger`: jobs on a schedule. */
import type { CronView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { formatDuration } from '../output/format.ts';
import { renderTable } from '../output/table.ts';

function when(at: number | null, now: number): string {
  if (at === null) return '-';
  const d = at - now;
  return d >= 0 ? `in ${formatDuration(d)}` : `${formatDuration(-d)} ago`;
}

export async function ls(cli: Cli): Promise<number> {
  const list = await (await cli.client()).cron.list();
  if (cli.json) {
    cli.printJson(list);
    return 0;
  }
  if (!list.length) {
    cli.print('no cron jobs');
    return 0;
  }
  const now = Date.now();
  const rows = list.map((c) => [
    c.name,
    c.schedule + (c.time_zone ? ` (${c.time_zone})` : ''),
    c.suspended ? cli.paint('yellow', 'suspended') : c.concurrency_policy,
    when(c.last_schedule_time, now),
    c.suspended ? '-' : when(c.next_schedule_time, now),
    String(c.active.length),
    `${c.successes}/${c.failures}/${c.skipped}`,
  ]);
  cli.print(renderTable(['NAME', 'SCHEDULE', 'POLICY', 'LAST', 'NEXT', 'ACTIVE', 'OK/FAILED/SKIPPED'], rows));
  return 0;
}

export interface AddOptions {
  schedule: string;
  timeZone?: string;
  concurrency?: string;
  startingDeadline?: string;
}

export async function add(cli: Cli, name: string, command: string[], opts: AddOptions): Promise<number> {
  const definition = {
    schedule: opts.schedule,
    ...(opts.timeZone ? { time_zone: opts.timeZone } : {}),
    ...(opts.concurrency ? { concurrency_policy: opts.concurrency } : {}),
    ...(opts.startingDeadline ? { starting_deadline_seconds: Number(opts.startingDeadline) } : {}),
    job_template: command.length === 1 ? { command: command[0] } : { args: command },
  };
  const view = await (await cli.client()).cron.add({ name, cron: definition });
  print(cli, view);
  return 0;
}

export async function rm(cli: Cli, name: string): Promise<number> {
  await (await cli.client()).cron.remove({ name });
  if (!cli.json) cli.print(`cron job ${name} removed`);
  return 0;
}

export function suspend(suspended: boolean) {
  return async (cli: Cli, name: string): Promise<number> => {
    const client = await cli.client();
    print(cli, suspended ? await client.cron.suspend({ name }) : await client.cron.resume({ name }));
    return 0;
  };
}

export async function trigger(cli: Cli, name: string): Promise<number> {
  const run = await (await cli.client()).cron.trigger({ name });
  if (cli.json) cli.printJson(run);
  else
    cli.print(
      run ? `started ${run.name}` : `skipped: the last run of ${name} still runs (concurrency_policy Forbid)`,
    );
  return 0;
}

function print(cli: Cli, c: CronView): void {
  if (cli.json) cli.printJson(c);
  else
    cli.print(
      `${c.name}: ${c.schedule}${c.suspended ? ', suspended' : `, next ${c.next_schedule_time ? new Date(c.next_schedule_time).toISOString() : '-'}`}`,
    );
}
