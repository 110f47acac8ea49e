/**
 * What the log pane draws, as pure functions: service output made safe for the terminal, the
 * rows that fit the pane (wrapped or cut, stderr only or not, scrolled back or following),
 * and search within the scroll-back.
 */

export interface LogEntry {
  /** Position in the pane's scroll-back, counting up from the first line received. */
  readonly n: number;
  readonly stream: 'stdout' | 'stderr';
  readonly at: number;
  readonly text: string;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences are what is removed
const escapes = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-_]?/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
const controls = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

/** A service's text without the escapes and control characters that would drive the terminal. */
export function sanitize(text: string): string {
  return text.replace(escapes, '').replaceAll('\t', '    ').replace(controls, '');
}

export interface PaneRow {
  readonly key: string;
  readonly n: number;
  readonly text: string;
  readonly stream: 'stdout' | 'stderr';
  readonly match: boolean;
}

export interface PaneOptions {
  readonly width: number;
  readonly height: number;
  readonly wrap: boolean;
  readonly stderrOnly: boolean;
  /** The entry shown on the last row; null follows the newest. */
  readonly bottom: number | null;
  /** An entry to show highlighted (a search match). */
  readonly highlight: number | null;
}

export interface PaneView {
  readonly rows: readonly PaneRow[];
  /** The entry on the first row, to page back from; null when the pane is empty. */
  readonly top: number | null;
  /** Showing the newest lines as they come (not held at a scrolled-back place). */
  readonly following: boolean;
}

/** Index of entry `n` (entries are consecutive, only trimmed at the front), clamped. */
function indexOf(entries: readonly LogEntry[], n: number): number {
  const first = entries[0]?.n ?? 0;
  return Math.max(-1, Math.min(entries.length - 1, n - first));
}

function chunks(text: string, width: number, wrap: boolean): string[] {
  const chars = Array.from(text);
  if (chars.length <= width) return [text];
  if (!wrap) return [`${chars.slice(0, Math.max(0, width - 1)).join('')}…`];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += width) out.push(chars.slice(i, i + width).join(''));
  return out;
}

/** The rows that fit the pane, oldest first, ending at `bottom`. */
export function paneRows(entries: readonly LogEntry[], o: PaneOptions): PaneView {
  const width = Math.max(1, o.width);
  const last = o.bottom === null ? entries.length - 1 : indexOf(entries, o.bottom);
  const rows: PaneRow[] = [];
  let top: number | null = null;
  for (let i = last; i >= 0 && rows.length < o.height; i--) {
    const e = entries[i]!;
    if (o.stderrOnly && e.stream !== 'stderr') continue;
    const parts = chunks(e.text, width, o.wrap);
    for (let p = parts.length - 1; p >= 0 && rows.length < o.height; p--) {
      rows.push({
        key: `${e.n}.${p}`,
        n: e.n,
        text: parts[p]!,
        stream: e.stream,
        match: e.n === o.highlight,
      });
    }
    top = e.n;
  }
  rows.reverse();
  return { rows, top, following: o.bottom === null };
}

/** A search term as a case-insensitive regular expression; not a valid one: the literal text. */
export function searchPattern(term: string): RegExp {
  try {
    return new RegExp(term, 'i');
  } catch {
    return new RegExp(term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
  }
}

/**
 * The nearest entry matching `pattern` older than `from` (direction -1) or newer (+1);
 * `from` null starts past the newest end. Null when there is none.
 */
export function findEntry(
  entries: readonly LogEntry[],
  pattern: RegExp,
  from: number | null,
  direction: -1 | 1,
  stderrOnly: boolean,
): number | null {
  let i = from === null ? entries.length : indexOf(entries, from);
  if (from !== null && direction === 1 && i < 0) i = -1;
  for (i += direction; i >= 0 && i < entries.length; i += direction) {
    const e = entries[i]!;
    if (stderrOnly && e.stream !== 'stderr') continue;
    if (pattern.test(e.text)) return e.n;
  }
  return null;
}
