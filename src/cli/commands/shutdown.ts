/** `tend shutdown`: stop every service and end tend; returns once tend has gone. */
import type { Cli } from '../context.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  const { pid } = await client.system.version();
  await client.system.shutdown();
  // the socket closes when tend has stopped everything; wait for the process itself to end
  const deadline = Date.now() + 120_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!cli.json) cli.print('tend stopped');
  return 0;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
