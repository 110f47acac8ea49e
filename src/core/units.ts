/**
 * Durations and sizes as people write them in config files and on the command line:
 * "500ms", "5s", "1m30s", "1h30m", "2d", or a number of seconds; "512KB", "10MB" (decimal,
 * powers of 1000), "1MiB", "2GiB" (binary, powers of 1024), Kubernetes' "1Mi", "1Gi" and
 * "500M", or a number of bytes. Shared by the config layer and the kernel (cron's "@every").
 * By hand on purpose: the grammar is strict (no spaces, no words), and neither `ms` (no
 * compound units) nor `parse-duration` (takes "1h 30m" and "5 minutes") reads it.
 */

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds, or null when the value is not a duration (negative ones included). */
export function parseDuration(value: unknown): number | null {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return null;
  return Math.round(parts.reduce((ms, p) => ms + Number(p[1]) * (units[p[2] ?? 's'] ?? 0), 0));
}

/** Multipliers by unit, lower-cased: decimal SI prefixes, binary IEC ones (with or without "B"). */
const sizeUnits: Record<string, number> = {
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  ki: 1024,
  kib: 1024,
  mi: 1024 ** 2,
  mib: 1024 ** 2,
  gi: 1024 ** 3,
  gib: 1024 ** 3,
  ti: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Bytes, or null when the value is not a size. */
export function parseSize(value: unknown): number | null {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  if (!m) return null;
  const factor = sizeUnits[(m[2] || 'b').toLowerCase()];
  if (factor === undefined || (factor === 1 && !Number.isInteger(Number(m[1])))) return null;
  return Math.round(Number(m[1]) * factor);
}

/** The examples an error message offers. */
export const sizeHelp = 'a size like "512KB", "10MB", "1MiB", "2GiB", "1Gi" or a number of bytes';
export const durationHelp = 'a duration like "500ms", "5s", "1m30s", "1h30m", "2d" or a number of seconds';
