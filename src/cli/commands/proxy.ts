/** `tend proxy ls`: the on-demand proxies, their connections, bytes and the starts they caused. */
import type { Cli } from '../context.ts';
import { formatBytes, formatDuration } from '../output/format.ts';
import { renderTable } from '../output/table.ts';

export async function ls(cli: Cli, name?: string): Promise<number> {
  const client = await cli.client();
  const proxies = await client.proxy.status(name ? { name } : {});
  if (cli.json) cli.printJson(proxies);
  else if (!proxies.length) cli.print('no on-demand services');
  else {
    const now = Date.now();
    const rows = proxies.map((p) => [
      p.service,
      p.state,
      p.listen,
      p.backend ?? '(the service takes the socket)',
      `${p.connections}/${p.total}`,
      `${formatBytes(p.bytes_in)} in, ${formatBytes(p.bytes_out)} out`,
      p.last_use === null ? '-' : `${formatDuration(now - p.last_use)} ago`,
      String(p.starts),
    ]);
    cli.print(
      renderTable(
        ['SERVICE', 'STATE', 'LISTEN', 'BACKEND', 'CONN/TOTAL', 'BYTES', 'LAST USE', 'STARTS'],
        rows,
      ),
    );
  }
  return 0;
}
