/**
 * `tend history [NAME…] [--since 1d] [--kind exit,state] [--limit N] [--json]`: what happened,
 * oldest first: state changes with their reasons, exits with code or signal and run time,
 * and actions with who asked. Without --since, the newest entries (100 unless --limit).
 */

import { TendError } from '../../core/errors.ts';
import { historyKinds } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { renderTable } from '../output/table.ts';

type Kind = (typeof historyKinds)[number];

export async function run(
  cli: Cli,
  names: string[],
  opts: { since?: string; until?: string; kind?: string; limit?: string },
): Promise<number> {
  const kinds = opts.kind?.split(',').map((k) => k.trim());
  for (const k of kinds ?? []) {
    if (!(historyKinds as readonly string[]).includes(k)) {
      throw new TendError('TEND_USAGE', {
        message: `--kind: ${JSON.stringify(k)} is not one of ${historyKinds.join(', ')}`,
      });
    }
  }
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 10_000)) {
    throw new TendError('TEND_USAGE', {
      message: `--limit: expected a whole number from 1 to 10000, got ${opts.limit}`,
    });
  }
  const client = await cli.client();
  const r = await client.history.query({
    ...(names.length ? { names } : {}),
    ...(kinds ? { kinds: kinds as Kind[] } : {}),
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.until ? { until: opts.until } : {}),
    ...(limit ? { limit } : {}),
  });
  if (cli.json) {
    cli.printJson(r.entries);
    return 0;
  }
  const rows = r.entries.map((e) => [
    new Date(e.at).toISOString().replace('T', ' ').slice(0, 23),
    e.service ?? '-',
    e.kind,
    e.what,
    e.who ? `${e.who} (${e.origin})` : '',
  ]);
  cli.print(renderTable(['TIME', 'SERVICE', 'KIND', 'WHAT', 'WHO'], rows).trimEnd());
  if (r.more) cli.err.write(`tend: older entries exist; use --since or --limit to see them\n`);
  return 0;
}
