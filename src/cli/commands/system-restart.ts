/** `tend system restart`: tend re-executes itself in place; returns once the new image answers. */
import { waitForTend } from '../../client/wait-for-tend.ts';
import type { Cli } from '../context.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  const socket = client.socket;
  const before = await client.system.version();
  await client.system.restart();
  // the old image closes every connection as it goes
  await client.closed;
  const now = await waitForTend(socket, { timeoutMs: 30_000, what: 'tend to answer after its hot restart' });
  // after an upgrade the new image is the installed version
  const change = now.version === before.version ? '' : `, ${before.version} → ${now.version}`;
  if (cli.json) cli.printJson({ pid: now.pid, same_pid: now.pid === before.pid });
  else cli.print(`tend restarted in place (pid ${now.pid}${change}), services kept running`);
  return 0;
}
