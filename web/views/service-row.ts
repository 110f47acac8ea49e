/**
 * One instance's row. It renders again only when its own view or figures change (memo), so
 * an event about one service of a thousand touches one row; the uptime cell follows the clock
 * on its own. Rows are ARIA table rows on a CSS grid: the browser lays out and paints only
 * those on screen (content-visibility), which a <table> does not allow.
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
import { stateBadge } from './state-badge.ts';

const up = new Set(['running', 'starting', 'stopping']);

export function Uptime({ s }: { s: ServiceView }) {
  // the clock only says when to render again; the time itself is read now, as a tick can be
  // up to a second older than a process that just started
  useObservable(now);
  if (!up.has(s.state) || s.started_at === null) return html`<span class="muted">—</span>`;
  return html`${duration(Math.max(0, Date.now() - s.started_at))}`;
}

/** Plain functions, not components: a row of a thousand pays for no component it need not have. */
function restarts(s: ServiceView) {
  const cause = exitText(s.last_exit);
  return html`${s.restarts}${cause ? html` <span class="muted">(last: ${cause})</span>` : null}`;
}

function health(s: ServiceView) {
  const ready = s.state === 'running' ? 'ready' : s.state === 'starting' ? 'not ready' : '—';
  if (!s.health) return html`${ready}`;
  return html`${`${ready}, `}<span class=${s.health.ok ? 'ok' : 'bad'} title=${s.health.detail}
      >${s.health.ok ? '✓ healthy' : `✕ failing: ${s.health.detail}`}</span
    >`;
}

export const ServiceRow = memo(
  ({ s, f, actions }: { s: ServiceView; f: Figures | undefined; actions: boolean }) => {
    return html`<div role="row" class="grid-row" data-service=${s.name} data-state=${s.state}>
      <span role="rowheader"><a href=${serviceHref(s.name)}>${s.name}</a></span>
      <span role="cell">${stateBadge(s.state)}</span>
      <span role="cell" class="num" data-pid>${s.pid ?? '—'}</span>
      <span role="cell" class="num"><${Uptime} s=${s} /></span>
      <span role="cell">${restarts(s)}</span>
      <span role="cell" class="num">${percent(f?.cpu)}</span>
      <span role="cell" class="num">${bytes(f?.rss)}</span>
      <span role="cell">${health(s)}</span>
      <span role="cell" class="reason" title=${s.reason}>${s.reason}</span>
      ${actions ? html`<span role="cell"><${ServiceActions} name=${s.name} /></span>` : null}
    </div>`;
  },
);
