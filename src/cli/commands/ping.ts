/** `tend ping`: whether tend answers, which version, and on which socket. */
import type { Cli } from '../context.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  const v = await client.system.version();
  if (cli.json) cli.printJson({ ...v, socket: client.socket, source: client.source });
  else cli.print(`tend ${v.version} (pid ${v.pid}) answers on ${client.socket} (${client.source})`);
  return 0;
}
