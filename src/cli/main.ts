#!/usr/bin/env node
/**
 * The `tend` command's entry. `tend ls`, the verb typed most, is served without building the
 * command parser (commander and the definitions of every verb cost a Node start-up again);
 * everything else, and `ls` with anything the fast path does not know, goes to program.ts.
 */
import { fastVerb } from './fast-path.ts';

const fast = fastVerb(process.argv.slice(2));
if (fast) await fast();
else await import('./program.ts');
