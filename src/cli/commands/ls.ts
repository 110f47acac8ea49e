/** `tend ls`: every service with its state, pid, uptime, restarts, CPU and memory. */
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { formatBytes, formatDuration, formatExit } from '../output/format.ts';
import { renderTable } from '../output/table.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  if (cli.json) {
    cli.printJson(await client.service.list());
    return 0;
  }
  // the stats carry each instance's state and PID too: one question, one pass in the daemon
  const stats = await client.service.stats();
  if (stats.length === 0) {
    cli.print('no services');
    return 0;
  }
  const rows = stats.map((s) => {
    const live = s.pid !== null;
    return [
      s.name,
      cli.paint(stateColors[s.state] ?? 'gray', s.state),
      s.pid === null ? '-' : String(s.pid),
      live ? formatDuration(s.uptime_ms) : '-',
      String(s.restarts),
      live ? `${s.cpu_percent.toFixed(1)}%` : '-',
      live ? formatBytes(s.rss_bytes) : '-',
      formatExit(s.last_exit),
    ];
  });
  cli.print(renderTable(['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'CPU', 'MEM', 'LAST EXIT'], rows));
  return 0;
}
