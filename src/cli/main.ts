#!/usr/bin/env node
/**
 * The `tend` command's entry. `tend ls`, the verb typed most, is served without building the
 * command parser (commander and the definitions of every verb cost a Node start-up again),
 * from one bundled file; everything else, and `ls` with anything the fast path does not
 * know, goes to program.ts.
 */
import { parseFast } from './fast-args.ts';

// `tend ls | head -1`: the reader has gone, so the rest of the output is not wanted; ending
// quietly is what a command does when its pipe closes (not Node's unhandled-error trace)
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const options = parseFast(process.argv.slice(2));
// no top-level await: the single executable runs this as a CommonJS script
void (options
  ? loadFastPath().then((fast) => fast.runFast(options))
  : import('./program.ts').then((p) => p.main(process.argv)));

/** Built (dist/tend.js), the one file the build made of the fast path; otherwise the module. */
function loadFastPath(): Promise<typeof import('./fast-path.ts')> {
  return import.meta.url.endsWith('/tend.js')
    ? import(new URL('./tend-ls.js', import.meta.url).href)
    : import('./fast-path.ts');
}
