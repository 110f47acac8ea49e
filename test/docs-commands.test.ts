/**
 * Commands the docs show are commands tend has: every `tend …` line of a shell block in the
 * README and docs/, and every inline `tend …` written without placeholders, names a real verb
 * with options it takes and no more arguments than it accepts, checked against the commander
 * tree of src/cli/program.ts. The Quick start is also run as written (readme-quick-start.test.ts).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Command } from 'commander';
import { program } from '../src/cli/program.ts';
import { shellWords } from '../src/compat/import/shell-words.ts';
import { root } from './cli.ts';

/** The `tend …` command lines of a page: shell blocks, and inline spans without placeholders. */
function commandsOf(file: string): { line: string; words: string[]; whole: boolean }[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  // a shell block's line is a whole command line; an inline span may name a verb alone
  const lines: { line: string; whole: boolean }[] = [];
  for (const m of text.matchAll(/```(?:sh|bash|shell|console)\n([\s\S]*?)```/g))
    for (const line of (m[1] ?? '').split('\n'))
      for (const s of segments(line.replace(/\s+#.*$/, ''))) lines.push({ line: s, whole: true });
  // an inline span with [, <, |, … is a synopsis, not a command line
  for (const m of text.replace(/```[\s\S]*?```/g, '').matchAll(/`(tend(?: [^`]*)?)`/g))
    if (!/[[\]<>|…]|\\/.test(m[1] ?? '')) lines.push({ line: m[1] ?? '', whole: false });
  return lines.flatMap(({ line, whole }) => {
    const words = shellWords(line.trim());
    return words?.[0] === 'tend' ? [{ line: line.trim(), words: words.slice(1), whole }] : [];
  });
}

/** The commands of a shell line joined by &&, ||, ; or a pipe, without their redirections. */
function segments(line: string): string[] {
  return line.split(/\s(?:&&|\|\||;|\|)\s/).map((s) => s.replace(/^\$ /, '').replace(/\s\d?>>?\s*\S+/g, ''));
}

function optionOf(chain: readonly Command[], flag: string) {
  const name = flag.split('=')[0] ?? flag;
  for (const c of chain) {
    const o = c.options.find((opt) => opt.long === name || opt.short === name);
    if (o) return o;
  }
  return null;
}

/**
 * Why `words` (after `tend`) is not a command line tend takes, or null when it is; with
 * `whole` false (a verb named in prose), missing arguments are no problem.
 */
function problem(words: readonly string[], whole = true): string | null {
  // tend -c CODE and tend -i are client scripts (client-script-request.ts)
  if (words[0] === '-c' || words[0] === '-i') return null;
  const chain: Command[] = [program];
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    const here = chain[chain.length - 1] ?? program;
    if (w === '--') break;
    if (w === '--exec-on-exit') break;
    if (w.startsWith('-') && w !== '-') {
      if (['-h', '--help', '-V', '--version'].includes(w)) return null;
      const o = optionOf(chain, w);
      if (!o) {
        const lenient = (here as unknown as { _allowUnknownOption?: boolean })._allowUnknownOption;
        if (lenient) continue;
        return `${here.name()} has no option ${w}`;
      }
      if ((o.required || o.optional) && !w.includes('=')) i++;
      continue;
    }
    const sub =
      positional.length === 0 ? here.commands.find((c) => c.name() === w || c.aliases().includes(w)) : null;
    if (sub) {
      chain.push(sub);
      continue;
    }
    positional.push(w);
  }
  const command = chain[chain.length - 1] ?? program;
  if (command === program) {
    // tend alone, or a client script (tend FILE.ts, tend DIR/, tend -c, tend -i)
    const first = positional[0];
    if (first === undefined || /\.(ts|mts|js|mjs)$|\/$/.test(first)) return null;
    return `no command "${first}"`;
  }
  if (command.commands.length > 0 && positional.length > 0 && command.registeredArguments.length === 0)
    return `${command.name()} has no subcommand "${positional[0]}"`;
  const args = command.registeredArguments;
  const variadic = args.some((a) => a.variadic);
  if (!variadic && positional.length > args.length)
    return `${command.name()} takes at most ${args.length} argument(s), got ${positional.join(' ')}`;
  const required = args.filter((a) => a.required).length;
  if (whole && positional.length < required) return `${command.name()} needs ${required} argument(s)`;
  return null;
}

const pages = [
  'README.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

test('every tend command line in the README and docs/ is one tend takes', () => {
  const wrong: string[] = [];
  let checked = 0;
  for (const page of pages)
    for (const { line, words, whole } of commandsOf(page)) {
      checked++;
      const why = problem(words, whole);
      if (why) wrong.push(`${page}: "${line}": ${why}`);
    }
  assert.ok(checked > 50, `the docs show tend commands (${checked} found)`);
  assert.deepEqual(wrong, []);
});

test('the checker refuses what tend refuses', () => {
  assert.equal(problem(['stauts']), 'no command "stauts"');
  assert.equal(problem(['up', '--detached']), 'up has no option --detached');
  assert.equal(problem(['why']), 'why needs 1 argument(s)');
  assert.equal(problem(['status', 'a', 'b']), 'status takes at most 1 argument(s), got a b');
  assert.equal(problem(['add', 'api', '--restart', 'always', '--', 'node', 'api.js']), null);
  assert.equal(problem(['--home', '/x', 'ls']), null);
});
