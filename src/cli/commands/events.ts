/** `tend events`: every kernel event as it happens, one JSON object (or TSV row) per line. */
import type { EventView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';

export async function run(cli: Cli, opts: { service?: string[]; format: 'json' | 'tsv' }): Promise<number> {
  const client = await cli.client();
  const stream = client.events({
    ...(opts.service ? { services: opts.service } : {}),
    // stdout carries only events; the note that the stream is live goes to stderr
    onSubscribed: () => cli.err.write(`tend: following events from ${client.socket}\n`),
  });
  for await (const e of stream) {
    cli.out.write(`${opts.format === 'tsv' ? tsv(e) : JSON.stringify(e)}\n`);
  }
  return 0;
}

function tsv(e: EventView): string {
  const { type, service, at, ...rest } = e;
  const fields = Object.values(rest).map((v) =>
    v === null || v === undefined ? '' : String(v).replace(/[\t\n]/g, ' '),
  );
  return [`service.${type}`, service, String(at), ...fields].join('\t');
}
