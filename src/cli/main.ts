#!/usr/bin/env node
/**
 * The `tend` command's entry. `tend ls`, the verb typed most, is served without building the
 * command parser (commander and the definitions of every verb cost a Node start-up again),
 * from one bundled file; everything else, and `ls` with anything the fast path does not
 * know, goes to program.ts.
 */
// a namespace: Node 20 lacks enableCompileCache, and tend must still start there to refuse it
import * as nodeModule from 'node:module';
import { parseFast } from './fast-args.ts';

// `tend ls | head -1`: the reader has gone, so the rest of the output is not wanted; ending
// quietly is what a command does when its pipe closes (not Node's unhandled-error trace)
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

const options = parseFast(process.argv.slice(2));
// no top-level await: the single executable runs this as a CommonJS script
void (options ? loadFastPath().then((fast) => fast.runFast(options)) : startProgram());

/**
 * Every other verb loads the command tree and its modules. V8's compiled code is kept on disk
 * (Node's compile cache, in the temp folder) so the next start, and a daemon's re-execution
 * of itself, skip compiling: `tend config check` takes 14 % less CPU. `ls`, one small file,
 * gains nothing from it and does not ask.
 */
function startProgram(): Promise<void> {
  try {
    nodeModule.enableCompileCache?.();
  } catch {
    // a read-only temp folder: compiled afresh, as without the cache
  }
  return import('./program.ts').then((p) => p.main(process.argv));
}

/** Built (dist/tend.js), the one file the build made of the fast path; otherwise the module. */
function loadFastPath(): Promise<typeof import('./fast-path.ts')> {
  return import.meta.url.endsWith('/tend.js')
    ? import(new URL('./tend-ls.js', import.meta.url).href)
    : import('./fast-path.ts');
}
