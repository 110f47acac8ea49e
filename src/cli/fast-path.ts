/**
 * Recognises a command line the fast path serves as program.ts would: `ls`/`list` with only
 * global options. Anything else (a help flag, an unknown option, a typo) returns null and gets
 * commander's full parsing, messages included.
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

/** The fast path's runner for these arguments, or null. */
export function fastVerb(args: readonly string[]): (() => Promise<void>) | null {
  const options = parseFast(args);
  if (!options) return null;
  return async () => {
    const { makeCli, reportError } = await import('./context.ts');
    const cli = makeCli(options);
    try {
      process.exitCode = await (await import('./commands/ls.ts')).run(cli);
    } catch (e) {
      process.exitCode = reportError(cli, e);
    } finally {
      await cli.close();
    }
  };
}
