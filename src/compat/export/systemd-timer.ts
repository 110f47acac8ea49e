/** Cron schedules as systemd timers: OnCalendar= from the cron fields, OnUnitActiveSec= for "@every". */
import type { CronConfig } from '../../config/schema.ts';

const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** A cron field in systemd's calendar syntax: "*\/5" → "0/5", "1-5" → "1..5". */
function calendarField(f: string, names?: readonly string[]): string {
  return f
    .split(',')
    .map((part) => {
      const [range, step] = part.split('/');
      const r = (range ?? '*').replace(/-/g, '..');
      const shown =
        names && /^\d+$/.test(r)
          ? (names[Number(r)] ?? r)
          : names
            ? r.replace(/\d+/g, (d) => names[Number(d)] ?? d)
            : r;
      return step ? `${shown === '*' ? '0' : shown}/${step}` : shown;
    })
    .join(',');
}

/** The [Timer] lines of a cron schedule, or null (noted) when systemd cannot say it. */
export function timerOf(c: CronConfig, where: string, unmapped: string[]): string[] | null {
  const s = c.schedule.trim();
  const zone = c.time_zone ? ` ${c.time_zone}` : '';
  const every = /^@every\s+(.+)$/.exec(s);
  if (every)
    return [
      `OnActiveSec=${every[1]?.replace(/\s+/g, '')}`,
      `OnUnitActiveSec=${every[1]?.replace(/\s+/g, '')}`,
    ];
  const named: Record<string, string> = {
    '@yearly': 'yearly',
    '@annually': 'yearly',
    '@monthly': 'monthly',
    '@weekly': 'weekly',
    '@daily': 'daily',
    '@midnight': 'daily',
    '@hourly': 'hourly',
  };
  if (named[s]) return [`OnCalendar=${named[s]}${zone}`];
  const fields = s.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    unmapped.push(`${where}.schedule: "${s}" has no systemd calendar form; no timer written`);
    return null;
  }
  const [sec, min, hour, dom, mon, dow] = fields.length === 6 ? fields : ['0', ...fields];
  if (dom !== '*' && dow !== '*')
    unmapped.push(`${where}.schedule: cron runs when either day field matches, systemd when both do`);
  const day = dow === '*' ? '' : `${calendarField(dow ?? '*', weekdays)} `;
  const pad = (f: string | undefined) => calendarField(f ?? '*');
  return [`OnCalendar=${day}*-${pad(mon)}-${pad(dom)} ${pad(hour)}:${pad(min)}:${pad(sec)}${zone}`];
}
