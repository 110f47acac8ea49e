/**
 * The format of tend's state files (state/run.json, state/services.json): a `version` this
 * tend reads, and the `tend` that wrote it. A file in a format this tend does not know (a
 * newer tend wrote it, or it is not tend's) is refused with a clear error and left as it is,
 * never guessed at: an older tend that misread a newer run state would start services twice.
 */
import pkg from '../../package.json' with { type: 'json' };
import { TendError } from '../core/errors.ts';

/** The one format this tend reads and writes. */
export const stateFormat = 1;

/** What every state file carries beside its data. */
export function formatFields(): { version: typeof stateFormat; tend: string } {
  return { version: stateFormat, tend: pkg.version };
}

/** Throws TEND_STATE_VERSION unless `data` is in this tend's format. */
export function checkStateFormat(file: string, data: unknown): void {
  const o = typeof data === 'object' && data !== null ? (data as Record<string, unknown>) : {};
  if (o.version === stateFormat) return;
  throw new TendError('TEND_STATE_VERSION', {
    file,
    found: o.version ?? null,
    writer: typeof o.tend === 'string' ? o.tend : null,
    supported: stateFormat,
    self: pkg.version,
  });
}
