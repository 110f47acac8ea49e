/** `tend reload`: re-read the config; only changed services restart. */
import type { Cli } from '../context.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  const r = await client.system.reload();
  if (cli.json) cli.printJson(r);
  else
    cli.print(
      `added: ${r.added.join(', ') || '-'}; updated: ${r.updated.join(', ') || '-'}; removed: ${r.removed.join(', ') || '-'}`,
    );
  return 0;
}
