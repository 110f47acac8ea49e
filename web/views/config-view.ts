/**
 * A service's definition as tend holds it: every default applied, durations in ms. The
 * values of `env` are hidden until asked for, as they often hold secrets.
 */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';

interface Definition {
  readonly name: string;
  readonly definition: Record<string, unknown>;
}

function show(value: unknown): string {
  if (value === null) return '—';
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

export function ConfigView({ name }: { name: string }) {
  const { api } = useApp();
  const [defs, setDefs] = useState<Definition[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reveal, setReveal] = useState(false);
  useEffect(() => {
    api
      .get<Definition[]>(`/api/services/${encodeURIComponent(name)}/config`)
      .then(setDefs, (e) => setProblem(describeError(e)));
  }, [name]);
  return html`<section aria-labelledby="config-title">
    <div class="toolbar">
      <h2 id="config-title">Definition</h2>
      <button type="button" class="quiet" aria-pressed=${reveal ? 'true' : 'false'} onClick=${() => setReveal(!reveal)}>
        ${reveal ? 'Hide env values' : 'Show env values'}
      </button>
    </div>
    ${problem ? html`<p role="alert">${problem}</p>` : null}
    ${defs?.map(
      (d) => html`<dl class="config" key=${d.name}>
        ${Object.entries(d.definition).map(([k, v]) => {
          const value =
            k === 'env' && v && typeof v === 'object' && !reveal
              ? Object.fromEntries(Object.keys(v).map((key) => [key, '••••']))
              : v;
          return html`<div><dt>${k}</dt><dd><code>${show(value)}</code></dd></div>`;
        })}
      </dl>`,
    )}
  </section>`;
}
