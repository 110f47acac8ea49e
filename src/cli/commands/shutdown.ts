/** `tend shutdown`: stop every service and end tend; returns once tend has gone. */
import { readStat } from '../../process/proc.ts';
import type { Cli } from '../context.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  const { pid } = await client.system.version();
  await client.system.shutdown();
  // tend closes its connections once every service has stopped
  await client.closed;
  // then its process ends; a zombie its parent has not reaped yet counts as gone
  const deadline = Date.now() + 10_000;
  while (isRunning(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  if (!cli.json) cli.print('tend stopped');
  return 0;
}

function isRunning(pid: number): boolean {
  const st = readStat(pid);
  return st !== null && st.state !== 'Z' && st.state !== 'X';
}
