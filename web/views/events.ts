/**
 * Events: state changes with their reasons, spawns, exits and health results. The ones this
 * page saw since it opened, newest first, and tend's history before them when it keeps one.
 */
import { html } from 'htm/preact';
import { useMemo, useState } from 'preact/hooks';
import { useApp } from '../lib/context.ts';
import { dateTime } from '../lib/format.ts';
import { useObservable } from '../lib/observable.ts';
import { serviceHref } from '../lib/router.ts';
import type { EventView } from '../lib/types.ts';
import { useHistory } from './history.ts';
import { StateBadge } from './state-badge.ts';

function What({ e }: { e: EventView }) {
  const f = e as Record<string, unknown>;
  switch (e.type) {
    case 'state':
      return html`<${StateBadge} state=${String(f.from)} /> → <${StateBadge} state=${String(f.to)} /> <span class="muted">${String(f.reason ?? '')}</span>`;
    case 'spawn':
      return html`started, PID ${String(f.pid)}`;
    case 'exit':
      return html`PID ${String(f.pid)} ended: ${f.signal ? String(f.signal) : `exit ${String(f.code)}`}`;
    case 'health':
      return html`${f.ok ? '✓ health check passed' : '✕ health check failed'} <span class="muted">${String(f.detail ?? '')}</span>`;
    case 'job':
      return html`job run <${StateBadge} state=${String(f.phase)} /> ${String(f.active)} active, ${String(f.succeeded)} succeeded, ${String(f.failed)} failed`;
    case 'log-error':
      return html`log file could not be written: ${String(f.error ?? '')}`;
    default:
      // history entries of other kinds (an action, an added service) carry their own line
      return html`${typeof f.what === 'string' ? f.what : e.type}`;
  }
}

const shownAtMost = 500;
/** A stable key per event object, so a new event at the top re-renders no other line. */
const ids = new WeakMap<EventView, number>();
let nextId = 1;
function idOf(e: EventView): number {
  let id = ids.get(e);
  if (id === undefined) {
    id = nextId++;
    ids.set(e, id);
  }
  return id;
}

export function Events() {
  const { live } = useApp();
  const events = useObservable(live.events);
  const history = useHistory(null, null);
  const [filter, setFilter] = useState('');
  const [type, setType] = useState('');
  const all = useMemo(() => {
    const past = history.events ?? [];
    const first = events[0]?.at ?? Number.POSITIVE_INFINITY;
    return [...past.filter((e) => e.at < first), ...events];
  }, [events, history.events]);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return all
      .filter((e) => (!type || e.type === type) && (!f || e.service.toLowerCase().includes(f)))
      .slice(-shownAtMost)
      .reverse();
  }, [all, filter, type]);
  return html`<section aria-labelledby="events-title">
    <div class="toolbar">
      <h1 id="events-title">Events</h1>
      <label class="filter"><span>Service</span>
        <input type="search" value=${filter} onInput=${(e: Event) => setFilter((e.target as HTMLInputElement).value)} /></label>
      <label class="filter"><span>Kind</span>
        <select value=${type} onChange=${(e: Event) => setType((e.target as HTMLSelectElement).value)}>
          <option value="">all</option>
          ${['state', 'spawn', 'exit', 'health', 'job', 'added', 'removed', 'log-error'].map((t) => html`<option value=${t}>${t}</option>`)}
        </select></label>
    </div>
    <p class="muted">${history.note} ${all.length} events${all.length > shownAtMost ? `, the newest ${shownAtMost} shown` : ''}.</p>
    ${
      shown.length === 0
        ? html`<p class="muted">No event yet: they appear here as they happen.</p>`
        : html`<ol class="events" reversed>
          ${shown.map(
            (e) => html`<li key=${idOf(e)}>
              <time datetime=${new Date(e.at).toISOString()}>${dateTime(e.at)}</time>
              <a href=${e.type === 'job' ? '#/jobs' : serviceHref(e.service)}>${e.service}</a>
              <span class="kind">${e.type}</span>
              <span><${What} e=${e} /></span>
            </li>`,
          )}
        </ol>`
    }
  </section>`;
}
