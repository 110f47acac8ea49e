/**
 * One instance's row. It renders again only when its own view or figures change (memo), so
 * an event about one service of a thousand touches one row; the uptime cell follows the clock
 * on its own.
 */
import { html } from 'htm/preact';
import { now } from '../lib/clock.ts';
import { bytes, duration, exitText, percent } from '../lib/format.ts';
import { memo } from '../lib/memo.ts';
import { useObservable } from '../lib/observable.ts';
import { serviceHref } from '../lib/router.ts';
import type { Figures } from '../lib/stats.ts';
import type { ServiceView } from '../lib/types.ts';
import { ServiceActions } from './actions.ts';
import { StateBadge } from './state-badge.ts';

const up = new Set(['running', 'starting', 'stopping']);

export function Uptime({ s }: { s: ServiceView }) {
  // the clock only says when to render again; the time itself is read now, as a tick can be
  // up to a second older than a process that just started
  useObservable(now);
  if (!up.has(s.state) || s.started_at === null) return html`<span class="muted">—</span>`;
  return html`${duration(Math.max(0, Date.now() - s.started_at))}`;
}

function Restarts({ s }: { s: ServiceView }) {
  const cause = exitText(s.last_exit);
  return html`${s.restarts}${cause ? html` <span class="muted">(last: ${cause})</span>` : null}`;
}

export function Health({ s }: { s: ServiceView }) {
  const ready = s.state === 'running' ? 'ready' : s.state === 'starting' ? 'not ready' : '—';
  if (!s.health) return html`${ready}`;
  return html`${`${ready}, `}<span class=${s.health.ok ? 'ok' : 'bad'} title=${s.health.detail}
      >${s.health.ok ? '✓ healthy' : `✕ failing: ${s.health.detail}`}</span
    >`;
}

export const ServiceRow = memo(
  ({ s, f, actions }: { s: ServiceView; f: Figures | undefined; actions: boolean }) => {
    return html`<tr data-service=${s.name} data-state=${s.state}>
    <th scope="row"><a href=${serviceHref(s.name)}>${s.name}</a></th>
    <td data-label="State"><${StateBadge} state=${s.state} /></td>
    <td data-label="PID" class="num" data-pid>${s.pid ?? '—'}</td>
    <td data-label="Uptime" class="num"><${Uptime} s=${s} /></td>
    <td data-label="Restarts"><${Restarts} s=${s} /></td>
    <td data-label="CPU" class="num">${percent(f?.cpu)}</td>
    <td data-label="Memory" class="num">${bytes(f?.rss)}</td>
    <td data-label="Health"><${Health} s=${s} /></td>
    <td data-label="Reason" class="reason">${s.reason}</td>
    ${actions ? html`<td><${ServiceActions} name=${s.name} /></td>` : null}
  </tr>`;
  },
);
