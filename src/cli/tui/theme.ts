/**
 * Colour in the TUI: only when the terminal has it and NO_COLOR is not set (the same test as
 * the rest of the CLI). Views ask here and get a colour name for Ink, or nothing.
 */
import { stateColors } from '../output/color.ts';

export type Tint = 'red' | 'green' | 'yellow' | 'blue' | 'cyan' | 'magenta' | 'gray';

export interface Theme {
  readonly color: boolean;
}

const tints: readonly string[] = [
  'red',
  'green',
  'yellow',
  'blue',
  'cyan',
  'magenta',
  'gray',
] satisfies Tint[];

function isTint(c: string | undefined): c is Tint {
  return c !== undefined && tints.includes(c);
}

/** Job phases and cron states, beside the service states of `tend ls`. */
const otherColors: Readonly<Record<string, Tint>> = {
  Pending: 'yellow',
  Running: 'cyan',
  Succeeded: 'green',
  Failed: 'red',
  scheduled: 'cyan',
  suspended: 'gray',
};

export function tint(theme: Theme, color: Tint | undefined): Tint | undefined {
  return theme.color ? color : undefined;
}

export function stateTint(theme: Theme, state: string): Tint | undefined {
  const c = stateColors[state] ?? otherColors[state];
  return theme.color && isTint(c) ? c : undefined;
}

/** A line of a page: text, with a colour for the whole of it when there is colour. */
export interface Line {
  readonly text: string;
  readonly tint?: Tint;
  readonly bold?: boolean;
}
