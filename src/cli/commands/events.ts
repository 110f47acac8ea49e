/**
 * `tend events [--format json|tsv] [--service NAME…]`: a snapshot of every instance, a
 * `snapshot-end` marker, then every event as it happens, one per line. A reader that falls
 * behind gets an `overflow` line with the count it missed and a fresh snapshot, never a gap.
 */
import type { EventView } from '../../protocol/methods.ts';
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
    cli.out.write(`${opts.format === 'tsv' ? tsv(e) : JSON.stringify(e)}\n`);
  }
  return 0;
}

const clean = (v: unknown) => (v === null || v === undefined ? '' : String(v).replace(/[\t\n]/g, ' '));

/** One event as tab-separated fields; README "Event stream" documents each form. */
export function tsv(e: EventView): string {
  const f = (...fields: unknown[]) => fields.map(clean).join('\t');
  switch (e.type) {
    case 'snapshot':
      return f('service.state', e.service, e.state, e.at, e.pid, e.reason);
    case 'state':
      return f('service.state', e.service, e.to, e.at, e.pid, e.reason);
    case 'snapshot-end':
      return f('snapshot.end', e.at);
    case 'overflow':
      return f('overflow', e.missed, e.at);
    case 'spawn':
      return f('service.spawn', e.service, e.at, e.pid);
    case 'exit':
      return e.signal
        ? f('service.exit', e.service, e.at, e.pid, 'signal', e.signal)
        : f('service.exit', e.service, e.at, e.pid, 'exit', e.code);
    case 'health':
      return f('service.health', e.service, e.at, e.ok ? 'ok' : 'fail', e.detail);
    case 'log-error':
      return f('service.log_error', e.service, e.at, e.file, e.error);
    case 'added':
    case 'removed':
      return f(`service.${e.type}`, e.service, e.at);
    default:
      return f(`service.${e.type}`, e.service, e.at);
  }
}
