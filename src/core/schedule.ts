/**
 * When a cron job runs next: a 5- or 6-field cron expression or a nickname (`@hourly`,
 * `@daily`…) in an IANA time zone, computed by croner, or `@every DURATION`. Only the next
 * time is asked for, from a given instant, so a fake clock drives it in tests; croner keeps
 * no timer of its own here.
 */
import { Cron } from 'croner';
import { parseDuration } from './units.ts';

export interface Schedule {
  readonly text: string;
  /** The first run strictly after `after` (ms since the epoch), or null if there is none. */
  next(after: number): number | null;
}

/** Throws an Error whose message says what is wrong with the schedule or the time zone. */
export function parseSchedule(text: string, timeZone: string | null = null): Schedule {
  if (timeZone !== null) assertTimeZone(timeZone);
  const every = /^@every\s+(\S+)$/.exec(text.trim());
  if (every) {
    const ms = parseDuration(every[1] ?? '');
    if (ms === null || ms < 1000)
      throw new Error(`"@every" needs a duration of at least 1s, such as "@every 30s"`);
    return { text, next: (after) => after + ms };
  }
  const fields = text.trim().split(/\s+/);
  if (!text.trim().startsWith('@') && (fields.length < 5 || fields.length > 6)) {
    throw new Error(`expected 5 or 6 fields (or @hourly, @daily, @every 30s…), got ${fields.length}`);
  }
  let cron: Cron;
  try {
    cron = new Cron(text, { paused: true, ...(timeZone ? { timezone: timeZone } : {}) });
  } catch (e) {
    throw new Error((e as Error).message.replace(/^CronPattern: /, ''));
  }
  return {
    text,
    next: (after) => cron.nextRun(new Date(after))?.getTime() ?? null,
  };
}

export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
  } catch {
    throw new Error(
      `unknown time zone ${JSON.stringify(timeZone)} (use an IANA name such as "Europe/Berlin")`,
    );
  }
}
