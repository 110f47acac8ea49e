/**
 * The actions on services, each with feedback: start, stop and restart (per row), kill with a
 * signal and scale (on a service's page), and what a group or the whole set can do. The API
 * is asked to wait for the change, so "done" means done; a refusal shows tend's own words.
 */
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { useApp } from '../lib/context.ts';
import { memo } from '../lib/memo.ts';
import { act } from '../lib/notices.ts';
import type { ServiceView } from '../lib/types.ts';

const waitMs = 30_000;
export const signals = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGQUIT',
  'SIGKILL',
  'SIGSTOP',
  'SIGCONT',
];

type Verb = 'start' | 'stop' | 'restart';
const past: Record<Verb, string> = { start: 'started', stop: 'stopped', restart: 'restarted' };

function summary(views: readonly ServiceView[]): string {
  if (views.length === 0) return 'nothing to do';
  if (views.length > 3) return `${views.length} instances`;
  return views.map((v) => `${v.name} ${v.state}`).join(', ');
}

/** A button that is busy (and says so) while its action runs. */
function ActionButton(props: { label: string; verb: string; run: () => Promise<unknown>; danger?: boolean }) {
  const [busy, setBusy] = useState(false);
  const click = async () => {
    setBusy(true);
    await props.run();
    setBusy(false);
  };
  return html`<button
    type="button"
    class=${props.danger ? 'danger' : ''}
    aria-label=${props.label}
    aria-busy=${busy ? 'true' : 'false'}
    disabled=${busy}
    data-action=${props.verb}
    onClick=${click}
  >
    ${props.verb}
  </button>`;
}

/** Rendered again only when the name changes: a row's new state does not touch its buttons. */
export const ServiceActions = memo(({ name }: { name: string }) => {
  const { api, canAct } = useApp();
  if (!canAct) return null;
  const verb = (v: Verb) =>
    act(
      `${v} ${name}`,
      () => api.post<ServiceView[]>(`/api/services/${encodeURIComponent(name)}/${v}?wait=${waitMs}`),
      (r) => `${past[v]}: ${summary(r)}`,
    );
  return html`<span class="actions">
    <${ActionButton} label=${`Start ${name}`} verb="start" run=${() => verb('start')} />
    <${ActionButton} label=${`Stop ${name}`} verb="stop" run=${() => verb('stop')} danger />
    <${ActionButton} label=${`Restart ${name}`} verb="restart" run=${() => verb('restart')} />
  </span>`;
});

export function KillForm({ name }: { name: string }) {
  const { api, canAct } = useApp();
  const [signal, setSignal] = useState('SIGTERM');
  if (!canAct) return null;
  const submit = (e: Event) => {
    e.preventDefault();
    void act(
      `send ${signal} to ${name}`,
      () => api.post<{ signalled: string[] }>(`/api/services/${encodeURIComponent(name)}/kill`, { signal }),
      (r) => `${signal} sent to ${r.signalled.join(', ') || 'no running process'}`,
    );
  };
  return html`<form class="inline" onSubmit=${submit}>
    <label for="kill-signal">Signal</label>
    <select id="kill-signal" value=${signal} onChange=${(e: Event) => setSignal((e.target as HTMLSelectElement).value)}>
      ${signals.map((s) => html`<option value=${s}>${s}</option>`)}
    </select>
    <button type="submit" class="danger" data-action="kill">Send signal</button>
  </form>`;
}

export function ScaleForm({ base, instances }: { base: string; instances: number }) {
  const { api, canAct } = useApp();
  const [count, setCount] = useState(String(instances));
  if (!canAct) return null;
  const submit = (e: Event) => {
    e.preventDefault();
    const n = Number(count);
    void act(
      `scale ${base} to ${n}`,
      () => api.rpc<ServiceView[]>('service.scale', { name: base, instances: n, wait: waitMs }),
      (r) => `${base} scaled to ${n}: ${summary(r)}`,
    );
  };
  return html`<form class="inline" onSubmit=${submit}>
    <label for="scale-count">Instances</label>
    <input id="scale-count" type="number" min="1" max="1000" value=${count}
      onInput=${(e: Event) => setCount((e.target as HTMLInputElement).value)} />
    <button type="submit" data-action="scale">Scale</button>
  </form>`;
}

export function GroupActions({ name }: { name: string }) {
  const { api, canAct } = useApp();
  if (!canAct) return null;
  const verb = (v: Verb) =>
    act(
      `${v} group ${name}`,
      () => api.rpc<ServiceView[]>(`group.${v}`, { name, wait: waitMs }),
      (r) => `group ${name} ${past[v]}: ${summary(r)}`,
    );
  return html`<span class="actions">
    <${ActionButton} label=${`Start group ${name}`} verb="start" run=${() => verb('start')} />
    <${ActionButton} label=${`Stop group ${name}`} verb="stop" run=${() => verb('stop')} danger />
    <${ActionButton} label=${`Restart group ${name}`} verb="restart" run=${() => verb('restart')} />
  </span>`;
}

/** Start all at once; stop all asks once more, as it stops every user service. */
export function AllActions() {
  const { api, canAct } = useApp();
  const [confirming, setConfirming] = useState(false);
  if (!canAct) return null;
  const all = (v: 'start' | 'stop') =>
    act(
      `${v} all`,
      () => api.post<ServiceView[]>(`/api/${v}-all?wait=${waitMs}`),
      (r) => `${v === 'start' ? 'started' : 'stopped'} all: ${summary(r)}`,
    );
  if (confirming) {
    return html`<span class="actions" role="group" aria-label="Confirm stop all">
      <span>Stop every user service?</span>
      <${ActionButton}
        label="Yes, stop all"
        verb="stop all"
        danger
        run=${async () => {
          setConfirming(false);
          await all('stop');
        }}
      />
      <button type="button" onClick=${() => setConfirming(false)}>Cancel</button>
    </span>`;
  }
  return html`<span class="actions">
    <${ActionButton} label="Start all services" verb="start all" run=${() => all('start')} />
    <button type="button" class="danger" data-action="stop all" onClick=${() => setConfirming(true)}>stop all</button>
  </span>`;
}
