/**
 * The keys of the TUI, as one table: the dispatch, the help bar and the `?` page all read it,
 * so a key is never documented apart from what it does.
 */

/** What Ink tells about a key press (the fields used here). */
export interface KeyPress {
  readonly upArrow: boolean;
  readonly downArrow: boolean;
  readonly leftArrow: boolean;
  readonly rightArrow: boolean;
  readonly pageUp: boolean;
  readonly pageDown: boolean;
  readonly home: boolean;
  readonly end: boolean;
  readonly return: boolean;
  readonly escape: boolean;
  readonly ctrl: boolean;
  readonly tab: boolean;
  readonly backspace: boolean;
  readonly delete: boolean;
}

export const keymap = [
  { action: 'down', keys: ['j', 'down'], help: 'select the next row', bar: 'j/k move' },
  { action: 'up', keys: ['k', 'up'], help: 'select the previous row' },
  { action: 'first', keys: ['g'], help: 'select the first row' },
  { action: 'last', keys: ['G'], help: 'select the last row' },
  {
    action: 'start',
    keys: ['s'],
    help: 'start (a job: run again; a cron job: trigger, or resume)',
    bar: 's start',
  },
  { action: 'stop', keys: ['x'], help: 'stop (a job run: delete it; a cron job: suspend)', bar: 'x stop' },
  { action: 'restart', keys: ['r'], help: 'restart', bar: 'r restart' },
  { action: 'kill', keys: ['K'], help: 'send a signal: pick it from a list', bar: 'K kill' },
  { action: 'scale-up', keys: ['+', '='], help: 'one more instance', bar: '+/- scale' },
  { action: 'scale-down', keys: ['-'], help: 'one instance fewer' },
  {
    action: 'details',
    keys: ['enter'],
    help: 'details: command, env, dependencies and why, last exits',
    bar: '⏎ details',
  },
  { action: 'filter', keys: ['f'], help: 'filter the table by name or state (esc clears)', bar: 'f filter' },
  { action: 'tree', keys: ['t'], help: 'the dependency tree with states', bar: 't tree' },
  { action: 'search', keys: ['/'], help: 'search the log pane (a regular expression)', bar: '/ search' },
  { action: 'next-match', keys: ['n'], help: 'the next older match' },
  { action: 'previous-match', keys: ['N'], help: 'the next newer match' },
  { action: 'stderr', keys: ['e'], help: 'show stderr only, or both streams', bar: 'e stderr' },
  { action: 'wrap', keys: ['w'], help: 'wrap long lines, or cut them', bar: 'w wrap' },
  { action: 'page-up', keys: ['pageup', 'ctrl-b'], help: 'scroll the log pane back a page' },
  { action: 'page-down', keys: ['pagedown', 'ctrl-f'], help: 'scroll the log pane forward a page' },
  { action: 'follow', keys: ['end'], help: 'follow the newest lines again' },
  { action: 'oldest', keys: ['home'], help: 'the oldest line kept' },
  { action: 'clear', keys: ['esc'], help: 'clear the filter and the search' },
  { action: 'help', keys: ['?'], help: 'this help', bar: '? help' },
  { action: 'quit', keys: ['q', 'ctrl-c'], help: 'quit', bar: 'q quit' },
] as const;

export type Action = (typeof keymap)[number]['action'];

/** A key press as the names in the table: `j`, `K`, `enter`, `pageup`, `ctrl-c`… */
export function keyName(input: string, key: KeyPress): string | null {
  if (key.ctrl && input.length === 1) return `ctrl-${input.toLowerCase()}`;
  if (key.return) return 'enter';
  if (key.escape) return 'esc';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.leftArrow) return 'left';
  if (key.rightArrow) return 'right';
  if (key.pageUp) return 'pageup';
  if (key.pageDown) return 'pagedown';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.tab) return 'tab';
  if (key.backspace || key.delete) return 'backspace';
  return input.length === 1 ? input : null;
}

const byKey = new Map<string, Action>(keymap.flatMap((k) => k.keys.map((key) => [key, k.action] as const)));

export function actionOf(name: string | null): Action | null {
  return name === null ? null : (byKey.get(name) ?? null);
}

/** The help bar: the keys marked for it, as many as fit; `? help` and `q quit` always. */
export function helpBar(width: number): string {
  const marked: string[] = keymap.flatMap((k) => ('bar' in k ? [k.bar] : []));
  const always: string[] = marked.filter((b) => b === '? help' || b === 'q quit');
  const rest = marked.filter((b) => !always.includes(b));
  const fits = (parts: string[]) => Array.from(parts.join('  ')).length <= width;
  const chosen: string[] = [];
  for (const b of rest) {
    if (!fits([...chosen, b, ...always])) break;
    chosen.push(b);
  }
  return [...chosen, ...always].join('  ');
}

const shown: Record<string, string> = { enter: '⏎', esc: 'esc', pageup: 'PgUp', pagedown: 'PgDn' };

/** The `?` page: one line per action. */
export function helpLines(): string[] {
  return keymap.map(
    (k) =>
      `${k.keys
        .map((key) => shown[key] ?? key)
        .join(' ')
        .padEnd(16)} ${k.help}`,
  );
}
