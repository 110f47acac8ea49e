/**
 * `tend run SCRIPT [args…]` and `tend run -e CODE [args…]`: a script as the supervision logic
 * (luavisors' model). Inline code is written to a temporary .ts file, so it gets the same
 * imports, type stripping and file:line stacks as a script on disk.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TendError } from '../../core/errors.ts';
import { runScript } from '../../script/runner.ts';
import type { Cli } from '../context.ts';
import { execForLongRun } from '../long-running.ts';

export async function run(
  cli: Cli,
  script: string | undefined,
  args: string[],
  opts: { eval?: string },
): Promise<number> {
  execForLongRun({ heap: false });
  let file: string;
  let rest = args;
  if (opts.eval !== undefined) {
    // with -e, what looked like the script is the first argument
    rest = script === undefined ? args : [script, ...args];
    file = path.join(mkdtempSync(path.join(tmpdir(), 'tend-run-')), 'inline.ts');
    writeFileSync(file, opts.eval);
  } else if (script !== undefined) {
    file = path.resolve(script);
  } else {
    throw new TendError('TEND_USAGE', { message: 'tend run: give a script, or code with -e' });
  }
  await runScript(file, rest, { warn: (m) => cli.err.write(`tend run: ${m}\n`) });
  // the script's children and timers keep tend alive; its exit code is the script's
  return typeof process.exitCode === 'number' ? process.exitCode : 0;
}
