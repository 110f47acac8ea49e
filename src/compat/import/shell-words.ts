/**
 * Splits a command line into words the way Python's shlex and Rust's shlex do (quotes and
 * backslashes, no expansion): supervisord and zinit run their commands that way, without a
 * shell, so the words are what the program receives.
 */

/** The words, or null when a quote is left open. */
export function shellWords(line: string): string[] | null {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1] ?? '')) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      word += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) return null;
  if (inWord) words.push(word);
  return words;
}

/** Signal numbers as process-compose writes them, by name. */
const signalNames: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  12: 'SIGUSR2',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

export function signalName(value: unknown): string | null {
  if (typeof value === 'number') return signalNames[value] ?? null;
  if (typeof value !== 'string' || value.trim() === '') return null;
  const v = value.trim().toUpperCase();
  if (/^\d+$/.test(v)) return signalNames[Number(v)] ?? null;
  return v.startsWith('SIG') ? v : `SIG${v}`;
}
