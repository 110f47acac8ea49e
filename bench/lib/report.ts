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
  'rss_mb@100': { ratio: { pm2: 0.7 } },
  rss_kb_per_service: { max: 50 },
  idle_cpu_s_10s: { max: 0.01 },
  restart_ms_p50: { ratio: { pm2: 0.5 } },
  restart_ms_p95: { ratio: { pm2: 0.5 } },
  logs_lost: { max: 0 },
  logs_duplicated: { max: 0 },
  logs_mb_s: { ratio: { supervisord: 1.5 }, atLeast: true },
  status_ms_p50: { ratio: { pm2: 0.3, supervisord: 0.3 } },
  stopall_ms: { ratio: { pm2: 0.1, supervisord: 1 } },
  stopall_left: { max: 0 },
  soak_rss_growth: { max: 1.1 },
};

/** Figures computed from others: bring-up of 1000 over bring-up of 100 (linear means ≤ 10). */
export function derive(figures: Figures): Figures {
  const small = figures['bringup_ms@100'];
  const large = figures['bringup_ms@1000'];
  return small && large ? { ...figures, bringup_linear: Number((large / small).toFixed(2)) } : figures;
}

function verdict(name: string, tend: number | undefined, peers: readonly PeerResult[]): string {
  const target = targets[name];
  if (!target || tend === undefined) return '';
  const parts: string[] = [];
  if (target.max !== undefined) parts.push(`${tend <= target.max ? 'met' : 'missed'} (≤ ${target.max})`);
  for (const [peer, bound] of Object.entries(target.ratio ?? {})) {
    const other = peers.find((p) => p.peer === peer)?.figures[name];
    if (other === undefined || bound === undefined || other === 0) continue;
    const ratio = tend / other;
    const ok = target.atLeast ? ratio >= bound : ratio <= bound;
    parts.push(`${ok ? 'met' : 'missed'} (${target.atLeast ? '≥' : '≤'} ${bound}× ${peer})`);
  }
  return parts.join(', ');
}

export function markdown(run: RunResult): string {
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
  ].join('\n');
}
