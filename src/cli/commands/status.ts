/**
 * `tend status NAME`: the full record of each selected instance: why it is in its state, and
 * what one checks when something is wrong (where it runs, what runs, its restart policy, its
 * log file). `tend status` with no name lists every service, as `pm2 status` does.
 */
import type { ServiceView, SpecView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { formatDuration, formatExit } from '../output/format.ts';

export async function run(cli: Cli, name: string | undefined): Promise<number> {
  if (name === undefined) return (await import('./ls.ts')).run(cli);
  const client = await cli.client();
  const services = await client.service.status({ name });
  if (cli.json) {
    cli.printJson(services);
    return 0;
  }
  const specs = new Map(
    (await client.service.describe({ name }).catch((): SpecView[] => [])).map((s) => [s.name, s]),
  );
  const now = Date.now();
  const blocks = services.map((s) => {
    const spec = specs.get(s.base);
    return [
      cli.paint('bold', s.name),
      `  state:     ${cli.paint(stateColors[s.state] ?? 'gray', s.state)} for ${formatDuration(now - s.since)}`,
      ...(s.reason !== s.state ? [`  reason:    ${s.reason}`] : []),
      `  command:   ${s.command}`,
      `  cwd:       ${s.cwd ?? spec?.cwd ?? "tend's own"}`,
      `  restart:   ${spec ? restartPolicy(spec) : '-'}`,
      `  pid:       ${s.pid ?? '-'}`,
      `  uptime:    ${s.pid === null ? '-' : formatDuration(s.uptime_ms)}`,
      `  restarts:  ${restarts(s, now)}`,
      `  last exit: ${formatExit(s.last_exit, now)}`,
      `  log:       ${s.log_files?.join(', ') ?? '-'}`,
      `  class:     ${s.class}${s.critical ? ', critical' : ''}`,
      ...(s.log_error ? [`  log file:  ${cli.paint('red', logTrouble(s.log_error, now))}`] : []),
    ].join('\n');
  });
  cli.print(blocks.join('\n\n'));
  return 0;
}

/** `on-failure, at most 10 restarts`: the policy as the definition says it. */
function restartPolicy(spec: SpecView): string {
  if (spec.restart === 'never') return 'never';
  return `${spec.restart}${spec.max_restarts === null ? '' : `, at most ${spec.max_restarts} restarts in the window`}`;
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
