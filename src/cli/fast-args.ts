/**
 * Whether a command line is one the fast path (fast-path.ts) serves: `ls`/`list` with only
 * global options. It imports nothing, so the entry decides before loading anything else.
 */
import type { GlobalOptions } from './context.ts';

const withValue: Record<string, keyof GlobalOptions> = {
  '--socket': 'socket',
  '--home': 'home',
  '--host': 'host',
  '--token': 'token',
  '--ca': 'ca',
  '--context': 'context',
};
const flags: Record<string, [keyof GlobalOptions, boolean]> = {
  '--json': ['json', true],
  '--insecure': ['insecure', true],
  '--no-color': ['color', false],
};

/** The global options and the verb of `args`, or null when it is not a plain `ls`. */
export function parseFast(args: readonly string[]): GlobalOptions | null {
  const options: Record<string, unknown> = {};
  let verb: string | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    const key = withValue[name];
    if (key) {
      const value = eq === -1 ? args[++i] : arg.slice(eq + 1);
      if (value === undefined || value === '') return null;
      options[key] = value;
    } else if (flags[arg]) {
      const [k, v] = flags[arg] ?? ['json', true];
      options[k] = v;
    } else if (verb === null && (arg === 'ls' || arg === 'list')) verb = arg;
    else return null;
  }
  return verb ? (options as GlobalOptions) : null;
}
