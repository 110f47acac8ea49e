/** `tend completion SHELL` prints the script; `tend __complete -- WORDS…` answers it (completion.ts). */
import { complete, completionScript } from '../completion.ts';
import type { Cli } from '../context.ts';

export async function script(cli: Cli, shell: 'bash' | 'zsh' | 'fish'): Promise<number> {
  cli.out.write(completionScript(shell));
  return 0;
}

export async function candidates(cli: Cli, words: string[] = []): Promise<number> {
  const { program } = await import('../program.ts');
  for (const c of await complete(program, words.length ? words : [''])) cli.out.write(`${c}\n`);
  return 0;
}
