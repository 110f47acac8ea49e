/** `tend rm NAME…`: stops services and forgets them (also from the saved state). */
import type { Cli } from '../context.ts';

export async function run(cli: Cli, names: string[]): Promise<number> {
  const client = await cli.client();
  const result = await client.service.remove({ names, wait: 60_000 }, { timeoutMs: 70_000 });
  if (cli.json) cli.printJson(result);
  else cli.print(`removed ${result.removed.join(', ')}`);
  return 0;
}
