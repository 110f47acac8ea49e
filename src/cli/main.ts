#!/usr/bin/env node
/**
 * The `tend` command's entry. `tend ls`, the verb typed most, is served without building the
 * command parser (commander and the definitions of every verb cost a Node start-up again),
 * from one bundled file; everything else, and `ls` with anything the fast path does not
 * know, goes to program.ts.
 */
import { parseFast } from './fast-args.ts';

const options = parseFast(process.argv.slice(2));
if (options) {
  // from the sources the module itself; built, the one file the build made of it
  const fast = import.meta.url.endsWith('.ts')
    ? await import('./fast-path.ts')
    : ((await import(new URL('./tend-ls.js', import.meta.url).href)) as typeof import('./fast-path.ts'));
  await fast.runFast(options);
} else await import('./program.ts');
