/**
 * The services view: every instance with its state, PID, uptime, restarts, CPU, memory and
 * health, live; a filter; start/stop all; and the config's groups with their actions.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { useApp } from '../lib/context.ts';
import { useObservable } from '../lib/observable.ts';
import type { GroupView } from '../lib/types.ts';
import { AllActions, GroupActions } from './actions.ts';
import { ServiceRow } from './service-row.ts';
import { StateBadge } from './state-badge.ts';

export function ServicesTable({ names, label }: { names: readonly string[]; label: string }) {
  const { live, stats, canAct } = useApp();
  const services = useObservable(live.services);
  const figures = useObservable(stats.figures);
  return html`<div class="scroll" role="region" aria-label=${label} tabindex="0">
    <div role="table" class=${`grid-table services${canAct ? ' with-actions' : ''}`} aria-label=${label}>
      <div role="rowgroup">
        <div role="row" class="grid-row head">
          <span role="columnheader">Name</span>
          <span role="columnheader">State</span>
          <span role="columnheader" class="num">PID</span>
          <span role="columnheader" class="num">Uptime</span>
          <span role="columnheader">Restarts</span>
          <span role="columnheader" class="num">CPU</span>
          <span role="columnheader" class="num">Memory</span>
          <span role="columnheader">Health</span>
          <span role="columnheader">Reason</span>
          ${canAct ? html`<span role="columnheader">Actions</span>` : null}
        </div>
      </div>
      <div role="rowgroup">
        ${names.map((name) => {
          const s = services.get(name);
          return s
            ? html`<${ServiceRow} key=${name} s=${s} f=${figures.get(name)} actions=${canAct} />`
            : null;
        })}
      </div>
    </div>
  </div>`;
}

function Groups() {
  const { api, live } = useApp();
  const shape = useObservable(live.shapeChanged);
  const services = useObservable(live.services);
  const [groups, setGroups] = useState<GroupView[] | null>(null);
  useEffect(() => {
    api.rpc<GroupView[]>('group.list').then(setGroups, () => setGroups([]));
  }, [shape]);
  if (!groups?.length) return null;
  return html`<section aria-labelledby="groups-title">
    <h2 id="groups-title">Groups</h2>
    <ul class="groups">
      ${groups.map(
        (g) => html`<li key=${g.name}>
          <strong>${g.name}</strong>
          <span class="members">
            ${g.instances.map(
              (i) =>
                html`<span class="member">${i.name} <${StateBadge} state=${services.get(i.name)?.state ?? i.state} /></span>`,
            )}
          </span>
          <${GroupActions} name=${g.name} />
        </li>`,
      )}
    </ul>
  </section>`;
}

export function Services() {
  const { live } = useApp();
  const services = useObservable(live.services);
  const loaded = useObservable(live.loaded);
  const [filter, setFilter] = useState('');
  const names = useObservable(live.names);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    if (!f) return names;
    return names.filter((n) => n.toLowerCase().includes(f) || services.get(n)?.state === f);
  }, [names, filter, services]);
  useEffect(() => {
    if (loaded) performance.mark('tend-interactive');
  }, [loaded]);
  const counts = useMemo(() => {
    const c = new Map<string, number>();
    for (const s of services.values()) c.set(s.state, (c.get(s.state) ?? 0) + 1);
    return [...c].sort();
  }, [services]);
  return html`<section aria-labelledby="services-title">
    <div class="toolbar">
      <h1 id="services-title">Services</h1>
      <p class="muted" aria-live="polite">
        ${loaded ? `${services.size} instances: ${counts.map(([k, n]) => `${n} ${k}`).join(', ') || 'none'}` : 'Loading…'}
      </p>
      <label class="filter">
        <span>Filter</span>
        <input type="search" value=${filter} placeholder="name or state" onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} />
      </label>
      <${AllActions} />
    </div>
    ${loaded ? html`<${ServicesTable} names=${shown} label="Services" />` : html`<p>Loading services…</p>`}
    ${loaded && services.size === 0 ? html`<p>No services. Add some with <code>tend add</code> or a config.</p>` : null}
    <${Groups} />
  </section>`;
}
