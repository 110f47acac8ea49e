/**
 * The last exits of a service's instances: the one tend keeps per instance, the exits seen
 * since the page opened, and, where tend keeps an event history (`history.query`), those
 * before.
 */
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { useApp } from '../lib/context.ts';
import { dateTime, exitText } from '../lib/format.ts';
import { useObservable } from '../lib/observable.ts';
import { useHistory } from './history.ts';

interface Exit {
  readonly service: string;
  readonly at: number;
  readonly code: number | null;
  readonly signal: string | null;
}

export function ExitsView({ names }: { names: readonly string[] }) {
  const { live } = useApp();
  const services = useObservable(live.services);
  const events = useObservable(live.events);
  const history = useHistory(names, 'exit');
  const exits = useMemo(() => {
    const wanted = new Set(names);
    const seen = new Map<string, Exit>();
    const add = (e: Exit) => seen.set(`${e.service}@${e.at}`, e);
    for (const n of names) {
      const last = services.get(n)?.last_exit;
      if (last) add({ service: n, ...last });
    }
    for (const e of [...(history.events ?? []), ...events]) {
      if (e.type !== 'exit' || !wanted.has(e.service)) continue;
      const f = e as Record<string, unknown>;
      add({
        service: e.service,
        at: e.at,
        code: (f.code as number | null) ?? null,
        signal: (f.signal as string | null) ?? null,
      });
    }
    return [...seen.values()].sort((a, b) => b.at - a.at).slice(0, 20);
  }, [names, services, events, history.events]);
  return html`<section aria-labelledby="exits-title">
    <h2 id="exits-title">Last exits</h2>
    ${
      exits.length === 0
        ? html`<p class="muted">No exit yet.</p>`
        : html`<ul class="exits">
          ${exits.map(
            (e) => html`<li key=${`${e.service}@${e.at}`}>
              <time datetime=${new Date(e.at).toISOString()}>${dateTime(e.at)}</time>
              ${names.length > 1 ? html` <strong>${e.service}</strong>` : null}
              <span class=${e.signal || e.code !== 0 ? 'bad' : 'ok'}>${exitText(e)}</span>
            </li>`,
          )}
        </ul>`
    }
    <p class="muted">${history.note}</p>
  </section>`;
}
