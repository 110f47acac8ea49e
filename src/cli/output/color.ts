/**
 * ANSI colour, only where a person reads it: on a TTY, without NO_COLOR, with TERM not "dumb"
 * (FORCE_COLOR forces it). Piped output is plain text.
 */
import type { Writable } from 'node:stream';

export function colorEnabled(stream: Writable & { isTTY?: boolean }, env = process.env): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

const codes = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
  brightRed: [91, 39],
  brightGreen: [92, 39],
  brightYellow: [93, 39],
  brightBlue: [94, 39],
  brightMagenta: [95, 39],
  brightCyan: [96, 39],
} as const;
export type Color = keyof typeof codes;

export type Paint = (color: Color, text: string) => string;

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_c, text) => text;
  return (color, text) => `\u001b[${codes[color][0]}m${text}\u001b[${codes[color][1]}m`;
}

/** Colours given to services in turn, as foreman and process-compose do. */
export const serviceColors: readonly Color[] = [
  'cyan',
  'yellow',
  'green',
  'magenta',
  'blue',
  'brightCyan',
  'brightYellow',
  'brightGreen',
  'brightMagenta',
  'brightBlue',
];

export const stateColors: Readonly<Record<string, Color>> = {
  running: 'green',
  starting: 'yellow',
  blocked: 'yellow',
  backoff: 'yellow',
  stopping: 'yellow',
  inactive: 'gray',
  exited: 'blue',
  failed: 'red',
};
