/** `tend shutdown`: stop every service and end tend; returns once tend has gone. */
import type { Client } from '../../client/client.ts';
import { readStat } from '../../process/proc.ts';
import type { Cli } from '../context.ts';

export async function run(cli: Cli, opts: { guard?: string } = {}): Promise<number> {
  await shutdownAndWait(await cli.client(), opts.guard === undefined ? {} : { guard: Number(opts.guard) });
  if (!cli.json) cli.print('tend stopped');
  return 0;
}

/** Asks tend to stop everything and end; resolves once its process has gone. */
export async function shutdownAndWait(client: Client, params: { guard?: number } = {}): Promise<void> {
  const { pid, start_ticks } = await client.system.version();
  await client.system.shutdown(params);
  // tend closes its connections once every service has stopped
  await client.closed;
  // then its process ends; a zombie its parent has not reaped yet counts as gone
  const deadline = Date.now() + 10_000;
  while (isRunning(pid, start_ticks) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
}

/**
 * Whether tend's process still runs. The start time tells it apart from another process with
 * the same number: a reused PID, or tend's PID 1 seen from outside its PID namespace.
 */
function isRunning(pid: number, startTicks: number | undefined): boolean {
  const st = readStat(pid);
  if (st === null || st.state === 'Z' || st.state === 'X') return false;
  return startTicks === undefined || st.startTicks === startTicks;
}
