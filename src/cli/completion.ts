/**
 * Shell completion from the command tree itself: `tend __complete -- WORDS…` answers the
 * candidates for the last word (verbs, subcommands, flags, a flag's choices, and service names
 * read from the running tend), and `tend completion bash|zsh|fish` prints the few lines that
 * make each shell ask it. Nothing is listed twice: a new verb or flag completes at once.
 */
import type { Command, Option } from 'commander';
import { connect } from '../client/client.ts';

/** Top-level verbs whose `name`/`names` argument is a service that exists (not add's new name). */
const newNames = new Set(['add']);

function visibleCommands(c: Command): Command[] {
  return c.commands.filter((sub) => !(sub as Command & { _hidden?: boolean })._hidden);
}

function findCommand(c: Command, word: string): Command | undefined {
  return visibleCommands(c).find((sub) => sub.name() === word || sub.aliases().includes(word));
}

function optionsOf(path: Command[]): Option[] {
  return path.flatMap((c) => c.options.filter((o) => !o.hidden));
}

function takesValue(o: Option): boolean {
  return o.required || o.optional;
}

/** The candidates for the last of `words` (the words after `tend`; the last may be ""). */
export async function complete(
  program: Command,
  words: readonly string[],
  names: (where: { socket?: string; home?: string }) => Promise<string[]> = serviceNames,
): Promise<string[]> {
  const current = words.at(-1) ?? '';
  const path = [program];
  let positional = 0;
  for (let i = 0; i < words.length - 1; i++) {
    const w = words[i] ?? '';
    if (w === '--') break;
    if (w.startsWith('-')) {
      const o = optionsOf(path).find((x) => x.long === w || x.short === w);
      if (o && takesValue(o) && !w.includes('=')) i++;
      continue;
    }
    const sub = positional === 0 ? findCommand(path.at(-1) ?? program, w) : undefined;
    if (sub) path.push(sub);
    else positional++;
  }
  const command = path.at(-1) ?? program;
  const previous = words.at(-2) ?? '';
  const takingValue = optionsOf(path).find(
    (o) => (o.long === previous || o.short === previous) && takesValue(o),
  );
  if (takingValue) return (takingValue.argChoices ?? []).filter((c) => c.startsWith(current));
  if (current.startsWith('-')) {
    return optionsOf(path)
      .flatMap((o) => (o.long ? [o.long] : []))
      .concat('--help')
      .filter((f) => f.startsWith(current));
  }
  const out: string[] = [];
  if (positional === 0) {
    for (const sub of visibleCommands(command)) out.push(sub.name());
  }
  const args = command.registeredArguments;
  const arg = args[Math.min(positional, args.length - 1)];
  const wantsService =
    path.length === 2 &&
    !newNames.has(command.name()) &&
    arg !== undefined &&
    (arg.name() === 'name' || arg.name() === 'names') &&
    (positional === 0 || arg.variadic);
  if (wantsService) out.push(...(await names(whereFrom(words))));
  if (arg?.argChoices) out.push(...arg.argChoices);
  return [...new Set(out)].filter((c) => c.startsWith(current));
}

/** `--socket`/`--home` given on the line being completed: the names come from that tend. */
function whereFrom(words: readonly string[]): { socket?: string; home?: string } {
  const at = (flag: string) => {
    const i = words.indexOf(flag);
    return i >= 0 && i < words.length - 2 ? words[i + 1] : undefined;
  };
  const socket = at('--socket');
  const home = at('--home');
  return { ...(socket ? { socket } : {}), ...(home ? { home } : {}) };
}

/** The running tend's service names and bases, or none when no tend answers within a second. */
async function serviceNames(where: { socket?: string; home?: string }): Promise<string[]> {
  try {
    const client = await connect({ ...where, timeoutMs: 1000 });
    try {
      const list = await client.service.list(undefined, { timeoutMs: 1000 });
      return [...new Set(list.flatMap((s) => (s.name === s.base ? [s.name] : [s.base, s.name])))];
    } finally {
      client.close();
    }
  } catch {
    return [];
  }
}

/** The script a shell sources; each asks `tend __complete` for the words before the cursor. */
export function completionScript(shell: 'bash' | 'zsh' | 'fish'): string {
  switch (shell) {
    case 'bash':
      return `# tend completion for bash: add  eval "$(tend completion bash)"  to ~/.bashrc
_tend_complete() {
  local IFS=$'\\n'
  COMPREPLY=($(tend __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _tend_complete tend
`;
    case 'zsh':
      return `#compdef tend
# tend completion for zsh: add  eval "$(tend completion zsh)"  to ~/.zshrc (after compinit)
_tend_complete() {
  local -a candidates
  candidates=("\${(@f)$(tend __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  compadd -a candidates
}
compdef _tend_complete tend
`;
    case 'fish':
      return `# tend completion for fish: tend completion fish > ~/.config/fish/completions/tend.fish
complete -c tend -f -a '(tend __complete -- (commandline -opc)[2..-1] (commandline -ct))'
`;
    default:
      return shell satisfies never;
  }
}
