/**
 * The table's rows and columns, as pure functions of the view model: one row per service
 * instance, then one per job run and per cron job; filtered by name or state; laid out to
 * the terminal's width.
 */
import type { CronView, JobView } from '../../protocol/methods.ts';
import { formatBytes, formatDuration } from '../output/format.ts';
import type { ServiceEntry, ViewModel } from './view-model.ts';

/** What a row stands for: the keys act on it; `log` is the name its output is kept under. */
export type Target =
  | {
      readonly kind: 'service';
      readonly name: string;
      readonly log: string;
      readonly base: string;
      readonly system: boolean;
      readonly detailed: boolean;
    }
  | { readonly kind: 'job'; readonly name: string; readonly log: string; readonly job: string }
  | { readonly kind: 'cron'; readonly name: string; readonly log: string; readonly suspended: boolean };

export interface Row {
  readonly key: string;
  readonly target: Target;
  /** A state word (services), a phase (job runs), scheduled or suspended (cron jobs). */
  readonly state: string;
  readonly cells: {
    readonly name: string;
    readonly pid: string;
    readonly uptime: string;
    readonly restarts: string;
    readonly cpu: string;
    readonly mem: string;
    readonly info: string;
  };
}

const live = new Set(['starting', 'running', 'stopping']);

/** A duration to the second: the table moves once a second, not with every frame. */
const seconds = (ms: number) => (ms < 1000 ? '0s' : formatDuration(ms));

function serviceRow(e: ServiceEntry, m: ViewModel, now: number): Row {
  const v = e.view;
  const st = m.stats.get(v.name);
  const running = v.pid !== null && live.has(v.state);
  const health = v.health ? (v.health.ok ? 'healthy' : `unhealthy: ${v.health.detail}`) : '';
  const exit = v.last_exit ? (v.last_exit.signal ?? `exit ${v.last_exit.code}`) : '';
  return {
    key: `s:${v.name}`,
    target: {
      kind: 'service',
      name: v.name,
      log: v.name,
      base: v.base,
      system: v.class === 'system',
      detailed: e.detailed,
    },
    state: v.state,
    cells: {
      name: v.name,
      pid: v.pid === null ? '-' : String(v.pid),
      uptime: running && v.started_at !== null ? seconds(now - v.started_at) : '-',
      restarts: e.detailed ? String(v.restarts) : '',
      cpu: running && st ? `${st.cpu_percent.toFixed(1)}%` : '-',
      mem: running && st ? formatBytes(st.rss_bytes) : '-',
      info: [v.class === 'system' ? 'system' : '', health || (running ? '' : exit)].filter(Boolean).join(' '),
    },
  };
}

function jobRow(j: JobView, now: number): Row {
  const end = j.completion_time ?? now;
  return {
    key: `j:${j.name}`,
    // a cron job's runs write to the cron job's log
    target: { kind: 'job', name: j.name, log: j.cron ?? j.job, job: j.job },
    state: j.phase,
    cells: {
      name: j.name,
      pid: '-',
      uptime: j.start_time === null ? '-' : seconds(end - j.start_time),
      restarts: String(j.failed),
      cpu: '-',
      mem: '-',
      info: `job ${j.succeeded}/${j.completions} done${j.active ? `, ${j.active} active` : ''}${j.reason ? `, ${j.reason}` : ''}`,
    },
  };
}

function cronRow(c: CronView, now: number): Row {
  const next = c.next_schedule_time;
  return {
    key: `c:${c.name}`,
    target: { kind: 'cron', name: c.name, log: c.name, suspended: c.suspended },
    state: c.suspended ? 'suspended' : 'scheduled',
    cells: {
      name: c.name,
      pid: '-',
      uptime: '-',
      restarts: String(c.failures),
      cpu: '-',
      mem: '-',
      info: `cron ${c.schedule}${!c.suspended && next !== null ? `, next in ${seconds(next - now)}` : ''}`,
    },
  };
}

/** Natural order: `web:2` before `web:10`. */
const collator = new Intl.Collator('en', { numeric: true });

/** A filter matches a name's part, or a state word exactly. */
export function matchesFilter(row: Row, filter: string): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return row.cells.name.toLowerCase().includes(f) || row.state.toLowerCase() === f;
}

export function tableRows(m: ViewModel, filter: string, now: number): Row[] {
  const services = [...m.services.values()]
    .sort((a, b) => collator.compare(a.view.name, b.view.name))
    .map((e) => serviceRow(e, m, now));
  const jobs = [...m.jobs.values()]
    .sort((a, b) => collator.compare(a.name, b.name))
    .map((j) => jobRow(j, now));
  const crons = [...m.crons].sort((a, b) => collator.compare(a.name, b.name)).map((c) => cronRow(c, now));
  return [...services, ...jobs, ...crons].filter((r) => matchesFilter(r, filter));
}

export interface Column {
  readonly id: keyof Row['cells'] | 'state';
  readonly title: string;
  readonly width: number;
  readonly right?: boolean;
}

/** Widths for the terminal: the name column takes what the fixed ones leave, info the rest. */
export function columns(width: number, rows: readonly Row[]): Column[] {
  const fixed: Column[] = [
    { id: 'state', title: 'STATE', width: 9 },
    { id: 'pid', title: 'PID', width: 7, right: true },
    { id: 'uptime', title: 'UPTIME', width: 7, right: true },
    { id: 'restarts', title: '↻', width: 3, right: true },
    { id: 'cpu', title: 'CPU', width: 6, right: true },
    { id: 'mem', title: 'MEM', width: 7, right: true },
  ];
  // two for the selection mark, one space between columns
  const used = 2 + fixed.reduce((s, c) => s + c.width + 1, 0);
  const longest = Math.max(4, ...rows.map((r) => r.cells.name.length));
  const name = Math.max(8, Math.min(longest, 40, width - used - 8));
  const info = Math.max(0, width - used - name - 1);
  return [{ id: 'name', title: 'NAME', width: name }, ...fixed, { id: 'info', title: 'INFO', width: info }];
}

/** Text cut to `width` (with an ellipsis) and padded to it. */
export function fit(text: string, width: number, right = false): string {
  if (width <= 0) return '';
  const chars = Array.from(text);
  const cut = chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
  const pad = ' '.repeat(Math.max(0, width - Math.min(chars.length, width)));
  return right ? pad + cut : cut + pad;
}

export function cellOf(row: Row, id: Column['id']): string {
  return id === 'state' ? row.state : row.cells[id];
}

/** A title line drawn across the width: `── title ─────`. */
export function rule(title: string, width: number): string {
  return fit(title + '─'.repeat(Math.max(0, width - Array.from(title).length)), width);
}
