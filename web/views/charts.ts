/**
 * CPU and memory over the last hour, drawn with uPlot (canvas, fast with thousands of
 * points): the hour tend kept while a page was open, then each new sample as it comes.
 * Each chart has a text summary beside it for those who cannot see the canvas.
 */
import { html } from 'htm/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { useApp } from '../lib/context.ts';
import { bytes, percent } from '../lib/format.ts';
import { useObservable } from '../lib/observable.ts';

interface Series {
  readonly name: string;
  readonly at: readonly number[];
  readonly cpu_percent: readonly (number | null)[];
  readonly rss_bytes: readonly (number | null)[];
}

/** Per instance, sample time (s) → value; kept one hour. */
type Points = Map<number, { cpu: number | null; rss: number | null }>;
const hour = 3600;

function css(name: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || '#888';
}

function Chart(props: {
  title: string;
  names: readonly string[];
  data: uPlot.AlignedData;
  value: (v: number) => string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const colours = ['--chart-1', '--chart-2', '--chart-3', '--chart-4'].map(css);
    const axis = {
      stroke: css('--fg'),
      grid: { stroke: css('--border') },
      ticks: { stroke: css('--border') },
    };
    const opts: uPlot.Options = {
      width: Math.max(240, el.clientWidth),
      height: 180,
      series: [
        {},
        ...props.names.map((n, i) => ({
          label: n,
          stroke: colours[i % colours.length] ?? '#888',
          width: 2,
          value: (_u: uPlot, v: number | null) => (v === null ? '—' : props.value(v)),
        })),
      ],
      axes: [axis, { ...axis, values: (_u: uPlot, ticks: number[]) => ticks.map(props.value), size: 70 }],
      scales: {
        // ten minutes at least, so a page opened a moment ago still reads as a time line
        x: {
          time: true,
          // from the data itself: uPlot widens a single point to a whole day
          range: (u, min, max) => {
            const xs = u.data?.[0] ?? [];
            const first = xs[0] ?? min;
            const last = xs[xs.length - 1] ?? max;
            return [Math.min(first, last - 600), last];
          },
        },
        y: { range: (_u, _min, max) => [0, Math.max(max, props.title === 'CPU' ? 1 : 1024 * 1024)] },
      },
      legend: { live: true },
    };
    plot.current = new uPlot(opts, props.data, el);
    const resize = new ResizeObserver(() =>
      plot.current?.setSize({ width: Math.max(240, el.clientWidth), height: 180 }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, [props.names.join()]);
  useEffect(() => plot.current?.setData(props.data), [props.data]);
  const last = props.data.slice(1).map((s) => [...s].reverse().find((v) => v !== null && v !== undefined));
  const peak = props.data
    .slice(1)
    .map((s) =>
      Math.max(
        0,
        ...Array.from(s as ArrayLike<number | null>).filter((v): v is number => typeof v === 'number'),
      ),
    );
  const summary = props.names
    .map(
      (n, i) =>
        `${n}: now ${last[i] === undefined ? '—' : props.value(last[i] ?? 0)}, peak ${props.value(peak[i] ?? 0)}`,
    )
    .join('; ');
  const minutes = Math.round(((props.data[0]?.at(-1) ?? 0) - (props.data[0]?.[0] ?? 0)) / 60);
  return html`<figure class="chart">
    <figcaption>${props.title} <span class="muted">(${minutes} min kept) ${summary}</span></figcaption>
    <div ref=${box} role="img" aria-label=${`${props.title} over time. ${summary}`}></div>
  </figure>`;
}

export function ServiceCharts({ names }: { names: readonly string[] }) {
  const { api, stats } = useApp();
  const tick = useObservable(stats.ticks);
  const points = useRef(new Map<string, Points>());
  // the names the columns were made for: a scaled service draws nothing until its data matches
  const [data, setData] = useState<{ key: string; cpu: uPlot.AlignedData; rss: uPlot.AlignedData } | null>(
    null,
  );
  const key = names.join(',');

  const redraw = () => {
    const times = new Set<number>();
    for (const n of names) for (const t of points.current.get(n)?.keys() ?? []) times.add(t);
    const cutoff = Date.now() / 1000 - hour;
    const xs = [...times].filter((t) => t >= cutoff).sort((a, b) => a - b);
    const column = (pick: 'cpu' | 'rss') =>
      names.map((n) => xs.map((t) => points.current.get(n)?.get(t)?.[pick] ?? null));
    setData({ key: names.join(','), cpu: [xs, ...column('cpu')], rss: [xs, ...column('rss')] });
  };

  useEffect(() => {
    let current = true;
    points.current = new Map(names.map((n) => [n, new Map()]));
    api.get<{ series: Series[] }>(`/api/stats/history?names=${encodeURIComponent(key)}`).then(
      (h) => {
        if (!current) return;
        for (const s of h.series) {
          const p = points.current.get(s.name);
          for (const [i, at] of s.at.entries()) {
            p?.set(Math.round(at / 1000), { cpu: s.cpu_percent[i] ?? null, rss: s.rss_bytes[i] ?? null });
          }
        }
        redraw();
      },
      () => redraw(),
    );
    return () => {
      current = false;
    };
  }, [key]);

  useEffect(() => {
    if (!tick) return;
    const t = Math.round(tick.at / 1000);
    let changed = false;
    for (const s of tick.stats) {
      const p = points.current.get(s.name);
      if (!p) continue;
      p.set(t, { cpu: s.cpu_percent, rss: s.rss_bytes });
      for (const old of p.keys()) if (old < t - hour) p.delete(old);
      changed = true;
    }
    if (changed) redraw();
  }, [tick]);

  return html`<section aria-labelledby="charts-title">
    <h2 id="charts-title">CPU and memory, last hour</h2>
    ${
      data?.key === key
        ? html`<div class="charts">
          <${Chart} title="CPU" names=${names} data=${data.cpu} value=${percent} />
          <${Chart} title="Memory" names=${names} data=${data.rss} value=${(v: number) => bytes(v)} />
        </div>`
        : html`<p class="muted">Reading the samples…</p>`
    }
  </section>`;
}
