/** How figures read on the page: durations like 3m12s, sizes like 41 MB, times of day. */

export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

export function bytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

export function percent(n: number | undefined): string {
  return n === undefined ? '—' : `${n.toFixed(n < 10 ? 1 : 0)}%`;
}

export function clock(at: number | null | undefined): string {
  if (!at) return '—';
  return new Date(at).toLocaleTimeString(undefined, { hour12: false });
}

export function dateTime(at: number | null | undefined): string {
  if (!at) return '—';
  const d = new Date(at);
  return `${d.toLocaleDateString()} ${d.toLocaleTimeString(undefined, { hour12: false })}`;
}

/** "in 3m12s" or "4s ago". */
export function relative(at: number | null | undefined, now: number): string {
  if (!at) return '—';
  return at >= now ? `in ${duration(at - now)}` : `${duration(now - at)} ago`;
}

export function exitText(e: { code: number | null; signal: string | null } | null | undefined): string {
  if (!e) return '';
  if (e.signal) return e.signal;
  return `exit ${e.code ?? '?'}`;
}
