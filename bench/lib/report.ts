/**
 * Turns one run's results into the markdown table of RESULTS.md: each figure for every peer,
 * tend's ratio to each peer, and whether the target set for it is met.
 */
import type { Figures } from '../scenarios/scenario.ts';

export interface PeerResult {
  readonly peer: string;
  readonly version?: string;
  readonly figures: Figures;
  /** Why a scenario or the whole peer could not be measured. */
  readonly errors: Record<string, string>;
}

export interface RunResult {
  readonly date: string;
  readonly machine: Record<string, string | number>;
  readonly options: object;
  readonly results: readonly PeerResult[];
  readonly skipped: Record<string, string>;
}

/** A target: tend ÷ peer at most (or, with `atLeast`, at least) the ratio, or an absolute bound. */
interface Target {
  readonly ratio?: Partial<Record<string, number>>;
  readonly atLeast?: boolean;
  readonly max?: number;
}

const targets: Record<string, Target> = {
  'bringup_ms@100': { ratio: { pm2: 0.25, supervisord: 0.3 } },
  bringup_linear: { max: 10 },
  bringup_linear_5000: { max: 50 },
  'rss_mb@100': { ratio: { pm2: 0.6 } },
  // a bare Node 24 measured in the same run, plus 12 MB
  'rss_over_node_mb@100': { max: 12 },
  'rss_kb_per_service@1000': { max: 20 },
  'rss_kb_per_service@5000': { max: 20 },
  idle_cpu_s_60s: { max: 0.004 },
  restart_ms_p50: { ratio: { pm2: 0.5, runit: 2 } },
  restart_ms_p95: { ratio: { pm2: 0.5, runit: 2 } },
  // `tend ls`: against the peers' status commands, and a bare `node -e 0` plus 15 ms
  status_ms_p50: { ratio: { pm2: 0.3, supervisord: 0.3 } },
  status_over_node_ms: { max: 15 },
  'status_ms_p50@5000': { max: 150 },
  event_ms_p50: { max: 1 },
  event_ms_p99: { max: 5 },
  logs_lost: { max: 0 },
  logs_duplicated: { max: 0 },
  // the writer's own speed into a plain pipe is the honest limit
  logs_vs_writer: { max: Number.POSITIVE_INFINITY },
  logs_cpu_s_per_gb: { ratio: { supervisord: 1 } },
  soak_rss_growth: { max: 1.05 },
  soak_cpu_s_per_mline: { ratio: { supervisord: 0.5 } },
  stopall_ms: { ratio: { pm2: 0.1, supervisord: 1 } },
  stopall_left: { max: 0 },
  // the bar for `tend tui` with 1000 services and 10,000 lines/s: a key answered within 100 ms
  tui_key_ms_p95: { max: 100 },
  tui_cpu_percent: { max: 20 },
  web_first_load_kb: { max: 150 },
  'web_tti_ms@100': { max: 1000 },
  // smooth: no frame of the page longer than a tenth of a second while 1000 rows change
  'web_longest_frame_ms@1000': { max: 100 },
};

/** Targets that are a floor rather than a ceiling. */
const floors: Record<string, number> = { logs_vs_writer: 0.9 };

/** Figures computed from others (against the baselines where a target is set against them). */
export function derive(figures: Figures): Figures {
  const out: Figures = { ...figures };
  const f = (name: string) => figures[name];
  const ratio = (a: number | undefined, b: number | undefined, digits = 2) =>
    a !== undefined && b ? Number((a / b).toFixed(digits)) : undefined;
  const set = (name: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) out[name] = value;
  };
  set('bringup_linear', ratio(f('bringup_ms@1000'), f('bringup_ms@100')));
  set('bringup_linear_5000', ratio(f('bringup_ms@5000'), f('bringup_ms@100')));
  const rss = f('rss_mb@100');
  const node = f('baseline_node_rss_mb');
  if (rss !== undefined && node !== undefined) set('rss_over_node_mb@100', Number((rss - node).toFixed(1)));
  const status = f('status_ms_p50');
  const start = f('baseline_node_start_ms_p50');
  if (status !== undefined && start !== undefined)
    set('status_over_node_ms', Number((status - start).toFixed(1)));
  set('logs_vs_writer', ratio(f('logs_mb_s'), f('baseline_writer_mb_s')));
  const cpu = f('logs_cpu_s');
  const mb = f('logs_mb_s');
  const total = f('logs_total_ms');
  if (cpu !== undefined && mb && total)
    set('logs_cpu_s_per_gb', Number((cpu / ((mb * total) / 1e6)).toFixed(2)));
  return out;
}

function verdict(name: string, tend: number | undefined, peers: readonly PeerResult[]): string {
  const target = targets[name];
  if (!target || tend === undefined) return '';
  const parts: string[] = [];
  const floor = floors[name];
  if (floor !== undefined) parts.push(`${tend >= floor ? 'met' : 'missed'} (≥ ${floor})`);
  else if (target.max !== undefined) parts.push(`${tend <= target.max ? 'met' : 'missed'} (≤ ${target.max})`);
  for (const [peer, bound] of Object.entries(target.ratio ?? {})) {
    const other = peers.find((p) => p.peer === peer)?.figures[name];
    if (other === undefined || bound === undefined || other === 0) continue;
    const ratio = tend / other;
    const ok = target.atLeast ? ratio >= bound : ratio <= bound;
    parts.push(`${ok ? 'met' : 'missed'} (${target.atLeast ? '≥' : '≤'} ${bound}× ${peer})`);
  }
  return parts.join(', ');
}

/** `analysis`: hand-written notes on the gaps (bench/gaps.md), appended to the table. */
export function markdown(run: RunResult, analysis = ''): string {
  const tend = run.results.find((r) => r.peer === 'tend');
  const others = run.results.filter((r) => r.peer !== 'tend');
  const names = [...new Set(run.results.flatMap((r) => Object.keys(r.figures)))];
  const header = [
    'figure',
    ...run.results.map((r) => r.peer),
    ...others.map((o) => `tend ÷ ${o.peer}`),
    'target',
  ];
  const rows = names.map((name) => {
    const t = tend?.figures[name];
    return [
      name,
      ...run.results.map((r) => String(r.figures[name] ?? '—')),
      ...others.map((o) => {
        const v = o.figures[name];
        return t === undefined || v === undefined || v === 0 ? '—' : (t / v).toFixed(2);
      }),
      verdict(name, t, others),
    ];
  });
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const machine = Object.entries(run.machine)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
  const versions = run.results.map((r) => `${r.peer} ${r.version ?? '?'}`).join(', ');
  const problems = [
    ...Object.entries(run.skipped).map(([peer, why]) => `- ${peer} skipped: ${why}`),
    ...run.results.flatMap((r) => Object.entries(r.errors).map(([s, why]) => `- ${r.peer}, ${s}: ${why}`)),
  ];
  return [
    '<!-- generated by `npm run bench` (bench/run.ts); do not edit by hand -->',
    `# Benchmark results, ${run.date.slice(0, 10)}`,
    '',
    `Machine: ${machine}. Versions: ${versions}.`,
    `Options: \`${JSON.stringify(run.options)}\`.`,
    '',
    line(header),
    line(header.map(() => '---')),
    ...rows.map(line),
    '',
    ...(problems.length ? ['Not measured:', '', ...problems, ''] : []),
    ...(analysis ? [analysis.trim(), ''] : []),
  ].join('\n');
}
