/**
 * The charts' placeholder: the chart library is fetched only when a service's page opens,
 * so the first load stays small.
 */
import { html } from 'htm/preact';
import { type FunctionComponent, h } from 'preact';
import { useEffect, useState } from 'preact/hooks';

type ChartsProps = { names: readonly string[] };
let loaded: FunctionComponent<ChartsProps> | null = null;

export function Charts(props: ChartsProps) {
  const [component, setComponent] = useState<FunctionComponent<ChartsProps> | null>(() => loaded);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (loaded) return;
    import('./charts.ts').then(
      (m) => {
        loaded = m.ServiceCharts;
        setComponent(() => m.ServiceCharts);
      },
      (e: unknown) => setProblem(`The charts could not be loaded: ${String(e)}`),
    );
  }, []);
  if (component) return h(component, props);
  return html`<section aria-labelledby="charts-title">
    <h2 id="charts-title">CPU and memory</h2>
    <p class="muted">${problem ?? 'Loading the charts…'}</p>
  </section>`;
}
