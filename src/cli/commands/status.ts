/** `tend status NAME`: the full record of each selected instance, including why it is in its state. */
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { formatDuration, formatExit } from '../output/format.ts';

export async function run(cli: Cli, name: string): Promise<number> {
  const client = await cli.client();
  const services = await client.service.status({ name });
  if (cli.json) {
    cli.printJson(services);
    return 0;
  }
  const now = Date.now();
  const blocks = services.map((s) =>
    [
      cli.paint('bold', s.name),
      `  state:     ${cli.paint(stateColors[s.state] ?? 'gray', s.state)} for ${formatDuration(now - s.since)}`,
      `  reason:    ${s.reason}`,
      `  command:   ${s.command}`,
      `  pid:       ${s.pid ?? '-'}`,
      `  uptime:    ${s.pid === null ? '-' : formatDuration(s.uptime_ms)}`,
      `  restarts:  ${s.restarts}`,
      `  last exit: ${formatExit(s.last_exit)}`,
      `  class:     ${s.class}${s.critical ? ', critical' : ''}`,
    ].join('\n'),
  );
  cli.print(blocks.join('\n\n'));
  return 0;
}
