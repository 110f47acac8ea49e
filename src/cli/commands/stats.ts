/** `tend stats [NAME…]`: resource use of each service's process group, read from /proc now. */
import type { Cli } from '../context.ts';
import { formatBytes, formatDuration, formatExit } from '../output/format.ts';
import { renderTable } from '../output/table.ts';

export async function run(cli: Cli, names: string[]): Promise<number> {
  const client = await cli.client();
  const stats = await client.service.stats(names.length ? { names } : {});
  if (cli.json) {
    cli.printJson(stats);
    return 0;
  }
  const rows = stats.map((s) => [
    s.name,
    s.pids.length ? s.pids.join(',') : '-',
    `${s.cpu_percent.toFixed(1)}%`,
    formatBytes(s.rss_bytes),
    s.pids.length ? formatDuration(s.uptime_ms) : '-',
    String(s.restarts),
    formatExit(s.last_exit),
  ]);
  cli.print(renderTable(['NAME', 'PIDS', 'CPU', 'MEM', 'UPTIME', 'RESTARTS', 'LAST EXIT'], rows));
  return 0;
}
