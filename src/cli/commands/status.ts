/** `tend status NAME`: the full record of each selected instance, including why it is in its state. */
import type { ServiceView } from '../../protocol/methods.ts';
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
      `  restarts:  ${restarts(s, now)}`,
      `  last exit: ${formatExit(s.last_exit)}`,
      `  class:     ${s.class}${s.critical ? ', critical' : ''}`,
      ...(s.log_error ? [`  log file:  ${cli.paint('red', logTrouble(s.log_error, now))}`] : []),
    ].join('\n'),
  );
  cli.print(blocks.join('\n\n'));
  return 0;
}

/** "3 (last: exit, 2m ago; exit 2, requested 1)": the count, the last one, and the causes. */
function restarts(s: ServiceView, now: number): string {
  if (s.restarts === 0 || !s.last_restart) return String(s.restarts);
  const causes = Object.entries(s.restarts_by_cause)
    .filter(([, n]) => n > 0)
    .map(([cause, n]) => `${cause} ${n}`)
    .join(', ');
  return `${s.restarts} (last: ${s.last_restart.cause}, ${formatDuration(now - s.last_restart.at)} ago; ${causes})`;
}

/** "cannot write /x/web.log for 12s: ENOSPC…; 1.0 MB waits in memory, 3400 lines dropped". */
function logTrouble(p: NonNullable<ServiceView['log_error']>, now: number): string {
  const held = `${(p.held_bytes / 2 ** 20).toFixed(1)} MB waits in memory`;
  const dropped = p.dropped_lines ? `, ${p.dropped_lines} lines (${p.dropped_bytes} bytes) dropped` : '';
  return `cannot write ${p.file} for ${formatDuration(now - p.since)}: ${p.error}; ${held}${dropped}`;
}
