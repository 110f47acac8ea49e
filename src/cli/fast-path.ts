/**
 * The fast path: a command line it serves as program.ts would (`ls`/`list` with only global
 * options), and its runner. Anything else (a help flag, an unknown option, a typo) gets
 * commander's full parsing, messages included. The build bundles this file, with all it
 * imports, into one file (dist/tend-ls.js): each ES module costs about a millisecond to load.
 */
import { run as runLs } from './commands/ls.ts';
import { type GlobalOptions, makeCli, reportError } from './context.ts';

export { parseFast } from './fast-args.ts';

/** Runs `tend ls` with these global options, as program.ts's action would. */
export async function runFast(options: GlobalOptions): Promise<void> {
  const cli = makeCli(options);
  try {
    process.exitCode = await runLs(cli);
  } catch (e) {
    process.exitCode = await reportError(cli, e);
  } finally {
    await cli.close();
  }
}
