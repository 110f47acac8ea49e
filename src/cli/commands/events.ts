/**
 * `tend events [--format json|tsv] [--service NAME…]`: a snapshot of every instance, a
 * `snapshot-end` marker, then every event as it happens, one per line. A reader that falls
 * behind gets an `overflow` line with the count it missed and a fresh snapshot, never a gap.
 */
import { eventTsv } from '../../protocol/event-tsv.ts';
import type { Cli } from '../context.ts';

export async function run(cli: Cli, opts: { service?: string[]; format: 'json' | 'tsv' }): Promise<number> {
  const client = await cli.client();
  const stream = client.events({
    ...(opts.service ? { services: opts.service } : {}),
    snapshot: true,
    // stdout carries only events; the note that the stream is live goes to stderr
    onSubscribed: () => cli.err.write(`tend: following events from ${client.socket}\n`),
  });
  for await (const e of stream) {
    cli.out.write(`${opts.format === 'tsv' ? eventTsv(e) : JSON.stringify(e)}\n`);
  }
  return 0;
}
