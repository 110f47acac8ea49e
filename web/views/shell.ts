/**
 * The signed-in page: a header with the views and the stream's state, the feedback region,
 * and the view the URL names. It owns the live model and the figures stream, and closes
 * them when the token goes away.
 */
import { html } from 'htm/preact';
import { useEffect, useMemo } from 'preact/hooks';
import { Api } from '../lib/api.ts';
import { App, type AppContext } from '../lib/context.ts';
import { Live } from '../lib/live.ts';
import { notice } from '../lib/notices.ts';
import { useObservable } from '../lib/observable.ts';
import { route } from '../lib/router.ts';
import { type Session, signOut } from '../lib/session.ts';
import { LiveStats } from '../lib/stats.ts';
import { Events } from './events.ts';
import { Graph } from './graph.ts';
import { Jobs } from './jobs.ts';
import { ServicePage } from './service-page.ts';
import { Services } from './services.ts';

const views = [
  ['services', 'Services'],
  ['jobs', 'Jobs'],
  ['graph', 'Graph'],
  ['events', 'Events'],
] as const;

const connectionText = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…' } as const;

function Notice() {
  const n = useObservable(notice);
  // two regions, always present, so screen readers announce what is put in them
  return html`<div class="notices">
    <p role="status" class=${n && n.kind !== 'error' ? `notice ${n.kind}` : 'notice empty'}>
      ${n && n.kind !== 'error' ? n.text : ''}
    </p>
    <p role="alert" class=${n?.kind === 'error' ? 'notice error' : 'notice empty'}>${n?.kind === 'error' ? n.text : ''}</p>
  </div>`;
}

function Current() {
  const r = useObservable(route);
  switch (r.view) {
    case 'service':
      return html`<${ServicePage} key=${r.name} name=${r.name} />`;
    case 'jobs':
      return html`<${Jobs} />`;
    case 'graph':
      return html`<${Graph} />`;
    case 'events':
      return html`<${Events} />`;
    default:
      return html`<${Services} />`;
  }
}

export function Shell({ session }: { session: Session }) {
  const app = useMemo<AppContext>(() => {
    const api = new Api(session);
    return { api, live: new Live(api), stats: new LiveStats(api), canAct: session.canAct };
  }, [session]);
  useEffect(
    () => () => {
      app.live.close();
      app.stats.close();
    },
    [app],
  );
  const connection = useObservable(app.live.connection);
  const r = useObservable(route);
  const active = r.view === 'service' ? 'services' : r.view;
  return html`<${App.Provider} value=${app}>
    <a class="skip" href="#main">Skip to content</a>
    <header class="top">
      <a class="brand" href="#/services"><span class="logo" aria-hidden="true">◆</span> tend</a>
      <nav aria-label="Views">
        ${views.map(
          ([id, label]) =>
            html`<a href=${`#/${id}`} aria-current=${active === id ? 'page' : undefined}>${label}</a>`,
        )}
      </nav>
      <span class=${`connection ${connection}`} role="status">
        <span aria-hidden="true">${connection === 'live' ? '●' : '○'}</span> ${connectionText[connection]}
      </span>
      <button type="button" class="quiet" onClick=${() => signOut()}>Sign out</button>
    </header>
    <${Notice} />
    <main id="main" tabindex="-1"><${Current} /></main>
  </${App.Provider}>`;
}
