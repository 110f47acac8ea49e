/**
 * One service's page (a base with all its instances, or one instance): its rows and actions,
 * kill and scale, then its logs, CPU and memory over the last hour, its dependencies with
 * why, its last exits, and its definition as tend holds it.
 */
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { useApp } from '../lib/context.ts';
import { useObservable } from '../lib/observable.ts';
import { KillForm, ScaleForm, ServiceActions } from './actions.ts';
import { Charts } from './charts-lazy.ts';
import { ConfigView } from './config-view.ts';
import { ExitsView } from './exits-view.ts';
import { LogsView } from './logs-view.ts';
import { ServicesTable } from './services.ts';
import { WhyView } from './why-view.ts';

export function ServicePage({ name }: { name: string }) {
  const { live } = useApp();
  const services = useObservable(live.services);
  const loaded = useObservable(live.loaded);
  const instances = useMemo(
    () =>
      [...services.values()]
        .filter((s) => s.name === name || s.base === name)
        .map((s) => s.name)
        .sort(),
    [services, name],
  );
  const base = services.get(instances[0] ?? '')?.base ?? name;
  if (loaded && instances.length === 0) {
    return html`<section><h1>${name}</h1><p role="alert">tend has no service named "${name}".</p>
      <p><a href="#/services">Back to the services</a></p></section>`;
  }
  return html`<section aria-labelledby="service-title" class="service-page">
    <div class="toolbar">
      <h1 id="service-title">${name}</h1>
      <${ServiceActions} name=${name} />
    </div>
    <div class="toolbar">
      <${KillForm} name=${name} />
      ${name === base ? html`<${ScaleForm} base=${base} instances=${instances.length || 1} />` : null}
    </div>
    <${ServicesTable} names=${instances} label=${`Instances of ${name}`} />
    <${LogsView} name=${name} />
    <${Charts} names=${instances} />
    <div class="columns">
      <${WhyView} name=${name} />
      <${ExitsView} names=${instances} />
    </div>
    <${ConfigView} name=${base} />
  </section>`;
}
