/**
 * A state as a word with a shape beside it, coloured too but never by colour alone: the
 * word is the state's name as tend says it, the shape tells the family at a glance.
 */
import { html } from 'htm/preact';

const shapes: Record<string, string> = {
  running: '●',
  starting: '◐',
  blocked: '◌',
  stopping: '◑',
  backoff: '↻',
  inactive: '○',
  exited: '■',
  failed: '✕',
  Pending: '◌',
  Running: '●',
  Succeeded: '■',
  Failed: '✕',
};

export function stateBadge(state: string) {
  return html`<span class=${`badge state-${state.toLowerCase()}`} data-state=${state}
    ><span aria-hidden="true">${shapes[state] ?? '•'}</span> ${state}</span
  >`;
}

export function StateBadge({ state }: { state: string }) {
  return stateBadge(state);
}
