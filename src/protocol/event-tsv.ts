/**
 * An event as one line of tab-separated fields, for shell scripts and controllers (daemonproxy's
 * stream format); the "Event stream" section of docs/controllers.md documents each form.
 */
import type { EventView } from './methods.ts';

const clean = (v: unknown) => (v === null || v === undefined ? '' : String(v).replace(/[\t\n]/g, ' '));

/** One event as tab-separated fields; docs/controllers.md "Event stream" documents each form. */
export function eventTsv(e: EventView): string {
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
      // daemonproxy's exit reason and value, then how long it ran and had been down before (ms)
      return f(
        'service.exit',
        e.service,
        e.at,
        e.pid,
        e.signal ? 'signal' : 'exit',
        e.signal ?? e.code,
        e.uptimeMs,
        e.downtimeMs,
      );
    case 'fd':
      return f('fd.state', e.name, e.state, e.at, e.kind, e.detail);
    case 'signal':
      return f('signal', e.signal, e.count, e.at);
    case 'statedump-end':
      return f('statedump.end', e.at);
    case 'health':
      return f('service.health', e.service, e.at, e.ok ? 'ok' : 'fail', e.detail);
    case 'log-error':
      return f('service.log_error', e.service, e.at, e.file, e.error);
    case 'job':
      return f('job.state', e.service, e.phase, e.at, e.active, e.succeeded, e.failed, e.reason);
    case 'added':
    case 'removed':
      return f(`service.${e.type}`, e.service, e.at);
    default:
      return f(`service.${e.type}`, e.service, e.at);
  }
}
