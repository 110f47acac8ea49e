/** A service's dependencies with `why`: each one met, waiting or failed, and the detail. */
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import { useObservable } from '../lib/observable.ts';
import { serviceHref } from '../lib/router.ts';
import type { WhyView as Why } from '../lib/types.ts';
import { StateBadge } from './state-badge.ts';

const verdicts = { met: '✓ met', waiting: '… waiting', failed: '✕ cannot be met' } as const;

export function WhyView({ name }: { name: string }) {
  const { api, live } = useApp();
  const services = useObservable(live.services);
  const [why, setWhy] = useState<Why[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  // read again when the service or one of its dependencies changes state, and only then
  const involved = new Set([
    name,
    ...(why ?? []).flatMap((w) => [w.name, ...w.dependencies.map((d) => d.dependency)]),
  ]);
  const states = [...services.values()]
    .filter((s) => involved.has(s.name) || involved.has(s.base))
    .map((s) => `${s.name}=${s.state}`)
    .join();
  useEffect(() => {
    api.get<Why[]>(`/api/services/${encodeURIComponent(name)}/why`).then(
      (w) => {
        setWhy(w);
        setProblem(null);
      },
      (e) => setProblem(describeError(e)),
    );
  }, [name, states]);
  return html`<section aria-labelledby="why-title">
    <h2 id="why-title">Dependencies</h2>
    ${problem ? html`<p role="alert">${problem}</p>` : null}
    ${why?.map(
      (w) => html`<div class="why" key=${w.name}>
        <p><strong>${w.name}</strong> <${StateBadge} state=${w.state} /> <span class="muted">${w.reason}</span></p>
        ${
          w.dependencies.length === 0
            ? html`<p class="muted">No dependencies.</p>`
            : html`<ul>
              ${w.dependencies.map(
                (d) => html`<li class=${`verdict-${d.verdict}`}>
                  <span class="verdict">${verdicts[d.verdict]}</span>
                  <a href=${serviceHref(d.dependency)}>${d.dependency}</a>
                  <span class="muted">${d.kind}${d.condition !== 'ordering' ? ` (${d.condition})` : ''}</span>
                  — ${d.detail}
                </li>`,
              )}
            </ul>`
        }
      </div>`,
    )}
  </section>`;
}
