/** Human forms of durations, sizes and exit statuses, as `tend ls` and `tend up` print them. */

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  let s = Math.floor(ms / 1000);
  const d = Math.floor(s / 86_400);
  s -= d * 86_400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  if (d) return `${d}d${h}h`;
  if (h) return `${h}h${m}m`;
  if (m) return `${m}m${s}s`;
  return `${s}s`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = bytes / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** `code 1` or `SIGTERM`; with `now`, also how long ago (`SIGTERM, 3m ago`). */
export function formatExit(
  e: { code: number | null; signal: string | null; at?: number } | null,
  now?: number,
): string {
  if (!e) return '-';
  const what = e.signal ? e.signal : `code ${e.code}`;
  return now !== undefined && e.at !== undefined ? `${what}, ${formatDuration(now - e.at)} ago` : what;
}
