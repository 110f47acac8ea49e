/**
 * `tend SCRIPT.ts`, `tend DIR/`, `tend -c CODE` and `tend -i`: client scripts, recognised
 * before the verbs, and cheaply (the runner loads only then). A script is a file with a script
 * extension; a folder is named with a trailing slash, so a folder called `logs` never shadows
 * `tend logs`.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export type ClientScriptRequest = { readonly files: readonly string[] } | { readonly code: string | null };

const scriptFile = /\.(m?[jt]s)$/;

export function clientScriptRequest(argv: readonly string[]): ClientScriptRequest | null {
  const first = argv[2];
  if (first === '-c') return { code: argv[3] ?? '' };
  if (first === '-i') return { code: null };
  if (!first || first.startsWith('-')) return null;
  if (scriptFile.test(first) && existsSync(first) && statSync(first).isFile()) {
    return { files: [path.resolve(first)] };
  }
  if (first.endsWith('/') && existsSync(first) && statSync(first).isDirectory()) {
    const files = readdirSync(first)
      .filter((f) => scriptFile.test(f) && !f.endsWith('.d.ts'))
      .sort()
      .map((f) => path.resolve(first, f));
    return { files };
  }
  return null;
}
