/**
 * What the screen is doing (selection, filter, search, scroll, the open dialog) and how a key
 * press changes it, as one pure function: it returns the next state and at most one effect
 * for the app to carry out (an SDK call, a page to load, quitting). Nothing here is tend's
 * state: that comes from the view model.
 */
import { unreachable } from '../../core/errors.ts';
import { describe, needsConfirmation, type RowAction, signals } from './actions.ts';
import { type Action, actionOf, helpLines, type KeyPress, keyName } from './keymap.ts';
import { findEntry, type LogEntry, searchPattern } from './log-lines.ts';
import type { Row, Target } from './rows.ts';
import type { Line } from './theme.ts';

export type Mode =
  | { readonly kind: 'table' }
  | { readonly kind: 'prompt'; readonly purpose: 'filter' | 'search'; readonly text: string }
  | { readonly kind: 'confirm'; readonly target: Target; readonly action: RowAction }
  | { readonly kind: 'signals'; readonly target: Target; readonly index: number }
  | {
      readonly kind: 'page';
      readonly title: string;
      readonly lines: readonly Line[];
      readonly offset: number;
    };

export interface UiState {
  readonly mode: Mode;
  readonly selectedKey: string | null;
  /** Where the selection was, for when its row goes away. */
  readonly selectedIndex: number;
  readonly filter: string;
  readonly search: string;
  /** The log entry a search found. */
  readonly highlight: number | null;
  /** The log entry on the pane's last row; null follows the newest. */
  readonly bottom: number | null;
  readonly wrap: boolean;
  readonly stderrOnly: boolean;
  readonly message: { readonly text: string; readonly error: boolean } | null;
}

export const initialUi: UiState = {
  mode: { kind: 'table' },
  selectedKey: null,
  selectedIndex: 0,
  filter: '',
  search: '',
  highlight: null,
  bottom: null,
  wrap: false,
  stderrOnly: false,
  message: null,
};

export type Effect =
  | { readonly kind: 'quit' }
  | { readonly kind: 'perform'; readonly target: Target; readonly action: RowAction }
  | { readonly kind: 'details'; readonly target: Target }
  | { readonly kind: 'tree' };

/** What a key press needs to know of the screen as drawn. */
export interface KeyContext {
  readonly rows: readonly Row[];
  readonly entries: readonly LogEntry[];
  /** The log entry on the pane's first row. */
  readonly top: number | null;
  readonly logHeight: number;
  readonly pageHeight: number;
  /** Instances of each base name, for `+`/`-`. */
  readonly instances: (base: string) => number;
}

export interface Step {
  readonly state: UiState;
  readonly effect: Effect | null;
}

const say = (s: UiState, text: string, error = false): UiState => ({ ...s, message: { text, error } });
const none = (state: UiState): Step => ({ state, effect: null });

/** The selected row's index: where its key is now, else where it was (-1: no rows). */
export function selectedIndex(s: UiState, rows: readonly Row[]): number {
  if (rows.length === 0) return -1;
  const found = rows.findIndex((r) => r.key === s.selectedKey);
  return found >= 0 ? found : Math.min(s.selectedIndex, rows.length - 1);
}

const selectedRow = (s: UiState, ctx: KeyContext): Row | undefined => ctx.rows[selectedIndex(s, ctx.rows)];

function select(s: UiState, ctx: KeyContext, index: number): UiState {
  const i = Math.max(0, Math.min(ctx.rows.length - 1, index));
  return { ...s, selectedIndex: i, selectedKey: ctx.rows[i]?.key ?? null };
}

/** An action on the selected row: asked first when it is destructive on a system service. */
function onRow(s: UiState, target: Target | undefined, action: RowAction): Step {
  if (!target) return none(say(s, 'no row selected'));
  if (needsConfirmation(target, action)) return none({ ...s, mode: { kind: 'confirm', target, action } });
  return { state: say(s, `${describe(target, action)}…`), effect: { kind: 'perform', target, action } };
}

function scale(s: UiState, ctx: KeyContext, delta: 1 | -1): Step {
  const row = selectedRow(s, ctx);
  if (row?.target.kind !== 'service') return none(say(s, 'only a service can be scaled'));
  const from = ctx.instances(row.target.base);
  const instances = from + delta;
  if (instances < 1) return none(say(s, `${row.target.base} has one instance: stop it with x instead`, true));
  if (instances > 1000) return none(say(s, 'at most 1000 instances', true));
  return onRow(s, row.target, { kind: 'scale', instances, from });
}

/** The nearest match older (-1) or newer (+1) than the current one, brought into view. */
function findNext(s: UiState, ctx: KeyContext, term: string, direction: -1 | 1): Step {
  if (!term) return none(say(s, 'no search yet: press / first'));
  const from = s.highlight ?? (direction === -1 ? s.bottom : null);
  const n = findEntry(ctx.entries, searchPattern(term), from, direction, s.stderrOnly);
  if (n === null)
    return none(say({ ...s, search: term }, `${term}: no ${s.highlight === null ? '' : 'more '}match`, true));
  const last = ctx.entries.at(-1)?.n ?? n;
  // the match in the middle of the pane, held there while new lines arrive
  const bottom = Math.min(last, n + Math.floor(ctx.logHeight / 2));
  return none({ ...s, search: term, highlight: n, bottom, message: null });
}

function onTable(s: UiState, ctx: KeyContext, action: Action | null): Step {
  if (action === null) return none(s);
  switch (action) {
    case 'down':
      return none(select(s, ctx, selectedIndex(s, ctx.rows) + 1));
    case 'up':
      return none(select(s, ctx, selectedIndex(s, ctx.rows) - 1));
    case 'first':
      return none(select(s, ctx, 0));
    case 'last':
      return none(select(s, ctx, ctx.rows.length - 1));
    case 'start':
    case 'stop':
    case 'restart':
      return onRow(s, selectedRow(s, ctx)?.target, { kind: action });
    case 'kill': {
      const row = selectedRow(s, ctx);
      if (row?.target.kind !== 'service') return none(say(s, 'only a service has a process group to signal'));
      return none({ ...s, mode: { kind: 'signals', target: row.target, index: 0 } });
    }
    case 'scale-up':
      return scale(s, ctx, 1);
    case 'scale-down':
      return scale(s, ctx, -1);
    case 'details': {
      const row = selectedRow(s, ctx);
      if (!row) return none(s);
      const mode: Mode = { kind: 'page', title: row.target.name, lines: [{ text: 'reading…' }], offset: 0 };
      return { state: { ...s, mode }, effect: { kind: 'details', target: row.target } };
    }
    case 'tree': {
      const mode: Mode = { kind: 'page', title: 'dependency tree', lines: [{ text: 'reading…' }], offset: 0 };
      return { state: { ...s, mode }, effect: { kind: 'tree' } };
    }
    case 'filter':
      return none({ ...s, mode: { kind: 'prompt', purpose: 'filter', text: s.filter } });
    case 'search':
      return none({ ...s, mode: { kind: 'prompt', purpose: 'search', text: '' } });
    case 'next-match':
      return findNext(s, ctx, s.search, -1);
    case 'previous-match':
      return findNext(s, ctx, s.search, 1);
    case 'stderr':
      return none({ ...s, stderrOnly: !s.stderrOnly });
    case 'wrap':
      return none({ ...s, wrap: !s.wrap });
    case 'page-up':
      return ctx.top === null
        ? none(s)
        : none({ ...s, bottom: Math.max(ctx.entries[0]?.n ?? 0, ctx.top - 1) });
    case 'page-down': {
      if (s.bottom === null) return none(s);
      const next = s.bottom + ctx.logHeight;
      return none({ ...s, bottom: next >= (ctx.entries.at(-1)?.n ?? 0) ? null : next });
    }
    case 'follow':
      return none({ ...s, bottom: null, highlight: null });
    case 'oldest':
      return none({ ...s, bottom: (ctx.entries[0]?.n ?? 0) + ctx.logHeight - 1 });
    case 'clear':
      return none({ ...s, filter: '', search: '', highlight: null, message: null });
    case 'help':
      return none({
        ...s,
        mode: { kind: 'page', title: 'keys', lines: helpLines().map((text) => ({ text })), offset: 0 },
      });
    case 'quit':
      return { state: s, effect: { kind: 'quit' } };
    default:
      return unreachable(action);
  }
}

function onPrompt(
  s: UiState,
  m: Extract<Mode, { kind: 'prompt' }>,
  name: string | null,
  input: string,
  ctx: KeyContext,
): Step {
  const table: Mode = { kind: 'table' };
  if (name === 'enter') {
    if (m.purpose === 'filter') return none({ ...s, mode: table, filter: m.text });
    return findNext({ ...s, mode: table, highlight: null, bottom: null }, ctx, m.text, -1);
  }
  if (name === 'esc')
    return none(m.purpose === 'filter' ? { ...s, mode: table, filter: '' } : { ...s, mode: table });
  let text = m.text;
  if (name === 'backspace') text = Array.from(text).slice(0, -1).join('');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: typed control characters are not text
  else if (input && !/[\u0000-\u001f\u007f]/.test(input)) text += input;
  else return none(s);
  const mode: Mode = { ...m, text };
  // the filter applies as it is typed
  return none(m.purpose === 'filter' ? { ...s, mode, filter: text } : { ...s, mode });
}

const noKey: KeyPress = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  tab: false,
  backspace: false,
  delete: false,
};

/** A character of a chunk read at once, as the key it stands for. */
function keyOf(c: string): KeyPress {
  if (c === '\r' || c === '\n') return { ...noKey, return: true };
  if (c === '\u007f' || c === '\b') return { ...noKey, backspace: true };
  if (c === '\u001b') return { ...noKey, escape: true };
  return noKey;
}

/**
 * What the terminal delivered at once: keys typed faster than they are read arrive together
 * (`jr`, or `/text⏎` typed into a prompt), and count one by one. Effects after the first are
 * dropped: a second SDK call in the same read would act on a screen not yet drawn.
 */
export function onInput(s: UiState, input: string, key: KeyPress, ctx: KeyContext): Step {
  const chars = Array.from(input);
  if (chars.length <= 1 || key.ctrl) return onKey(s, input, key, ctx);
  let state = s;
  let effect: Effect | null = null;
  for (const c of chars) {
    const k = keyOf(c);
    const step = onKey(state, k === noKey ? c : '', k, ctx);
    state = step.state;
    effect ??= step.effect;
    if (effect) break;
  }
  return { state, effect };
}

/** One key press: the next state, and what to do about it. */
export function onKey(s: UiState, input: string, key: KeyPress, ctx: KeyContext): Step {
  const name = keyName(input, key);
  if (name === 'ctrl-c') return { state: s, effect: { kind: 'quit' } };
  const m = s.mode;
  const table: Mode = { kind: 'table' };
  switch (m.kind) {
    case 'table':
      return onTable({ ...s, message: name === null ? s.message : null }, ctx, actionOf(name));
    case 'prompt':
      return onPrompt(s, m, name, input, ctx);
    case 'confirm':
      if (name === 'y' || name === 'Y')
        return {
          state: say({ ...s, mode: table }, `${describe(m.target, m.action)}…`),
          effect: { kind: 'perform', target: m.target, action: m.action },
        };
      return none(say({ ...s, mode: table }, 'cancelled'));
    case 'signals': {
      const digit = name !== null && /^[1-9]$/.test(name) ? Number(name) - 1 : null;
      if (name === 'esc' || name === 'q') return none({ ...s, mode: table });
      if (name === 'j' || name === 'down')
        return none({ ...s, mode: { ...m, index: Math.min(signals.length - 1, m.index + 1) } });
      if (name === 'k' || name === 'up')
        return none({ ...s, mode: { ...m, index: Math.max(0, m.index - 1) } });
      const index = name === 'enter' ? m.index : digit !== null && digit < signals.length ? digit : null;
      if (index === null) return none(s);
      return onRow({ ...s, mode: table }, m.target, { kind: 'kill', signal: signals[index] ?? 'SIGTERM' });
    }
    case 'page': {
      const last = Math.max(0, m.lines.length - (ctx.pageHeight - 1));
      const move = (by: number) =>
        none({ ...s, mode: { ...m, offset: Math.max(0, Math.min(last, m.offset + by)) } });
      if (name === 'j' || name === 'down') return move(1);
      if (name === 'k' || name === 'up') return move(-1);
      if (name === 'pagedown' || name === 'ctrl-f' || name === ' ') return move(ctx.pageHeight - 1);
      if (name === 'pageup' || name === 'ctrl-b') return move(-(ctx.pageHeight - 1));
      if (name === 'q' || name === 'esc' || name === 'enter' || name === '?' || name === 't')
        return none({ ...s, mode: table });
      return none(s);
    }
    default:
      return unreachable(m);
  }
}
