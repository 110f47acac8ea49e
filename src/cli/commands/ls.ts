/** `tend ls`: every service with its state, pid, uptime, restarts, CPU and memory. */
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { formatBytes, formatDuration, formatExit } from '../output/format.ts';
import { renderTable } from '../output/table.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  // both questions at once: one round trip, not two
  const [services, statsList] = await Promise.all([
    client.service.list(),
    cli.json ? Promise.resolve([]) : client.service.stats(),
  ]);
  if (cli.json) {
    cli.printJson(services);
    return 0;
  }
  if (services.length === 0) {
    cli.print('no services');
    return 0;
  }
  const stats = new Map(statsList.map((s) => [s.name, s]));
  const rows = services.map((s) => {
    const st = stats.get(s.name);
    const live = s.pid !== null;
    return [
      s.name,
      cli.paint(stateColors[s.state] ?? 'gray', s.state),
      s.pid === null ? '-' : String(s.pid),
      live ? formatDuration(s.uptime_ms) : '-',
      String(s.restarts),
      live && st ? `${st.cpu_percent.toFixed(1)}%` : '-',
      live && st ? formatBytes(st.rss_bytes) : '-',
      formatExit(s.last_exit),
    ];
  });
  cli.print(renderTable(['NAME', 'STATE', 'PID', 'UPTIME', 'RESTARTS', 'CPU', 'MEM', 'LAST EXIT'], rows));
  return 0;
}
