/**
 * ANSI colour, only where a person reads it: Node decides (a TTY whose terminal has colours,
 * NO_COLOR and TERM=dumb honoured, FORCE_COLOR forcing it even when piped) and styleText
 * writes it. Piped output is plain text.
 */
import type { Writable } from 'node:stream';
import { WriteStream } from 'node:tty';
import { styleText } from 'node:util';

export function colorEnabled(stream: Writable & { isTTY?: boolean }, env = process.env): boolean {
  if (env.FORCE_COLOR && env.FORCE_COLOR !== '0') return true;
  // hasColors reads only the environment (TERM, NO_COLOR, FORCE_COLOR…), not the stream; 16 colours
  return Boolean(stream.isTTY) && WriteStream.prototype.hasColors.call(stream, 16, env);
}

/** tend's colour names, as styleText names them. */
const styles = {
  bold: 'bold',
  dim: 'dim',
  red: 'red',
  green: 'green',
  yellow: 'yellow',
  blue: 'blue',
  magenta: 'magenta',
  cyan: 'cyan',
  gray: 'gray',
  brightRed: 'redBright',
  brightGreen: 'greenBright',
  brightYellow: 'yellowBright',
  brightBlue: 'blueBright',
  brightMagenta: 'magentaBright',
  brightCyan: 'cyanBright',
} as const;
export type Color = keyof typeof styles;

export type Paint = (color: Color, text: string) => string;

export function painter(enabled: boolean): Paint {
  if (!enabled) return (_c, text) => text;
  // the choice is made once, above: styleText must not look at a stream again
  return (color, text) => styleText(styles[color], text, { validateStream: false });
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
