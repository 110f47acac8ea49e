/**
 * Reads the text of a config file in its format into plain data, with a locator for error
 * positions. Syntax errors (and duplicate keys, which JSON.parse would silently merge) become
 * TEND_CONFIG_INVALID errors with file:line:col.
 */
import { configError, toConfigIssues } from './issues.ts';
import { type Locator, tomlLocator, yamlLocator } from './locate.ts';
import { tomlLib, yamlLib } from './parsers.ts';

export { loadParsers } from './parsers.ts';

export type Format = 'toml' | 'yaml' | 'json';

export interface Parsed {
  readonly data: unknown;
  readonly locate: Locator;
}

export function formatOf(file: string): Format | null {
  if (/\.toml$/i.test(file)) return 'toml';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.json$/i.test(file)) return 'json';
  return null;
}

function syntaxError(file: string, line: number | null, column: number | null, message: string) {
  return configError(file, [{ file, line, column, path: '', message: `syntax error: ${message}` }]);
}

export function parseText(text: string, format: Format, file: string): Parsed {
  switch (format) {
    case 'toml':
      return { data: parseTomlText(text, file), locate: tomlLocator(text) };
    case 'yaml':
      return { data: parseYamlText(text, file), locate: yamlLocator(text) };
    case 'json':
      return { data: parseJsonText(text, file), locate: yamlLocator(text) };
  }
}

function parseTomlText(text: string, file: string): unknown {
  const { parse, TomlError } = tomlLib();
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      const first = (e.message.split('\n')[0] ?? e.message).replace(/^Invalid TOML document: /, '');
      const source = text.split('\n')[e.line - 1]?.trim();
      throw syntaxError(file, e.line, e.column, source ? `${first} (in "${source}")` : first);
    }
    throw e;
  }
}

/** Duplicate keys and syntax errors, reported by the yaml parser with positions. */
function yamlErrors(text: string, file: string): void {
  const { LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const err = doc.errors[0];
  if (!err) return;
  const pos = lineCounter.linePos(err.pos[0]);
  const key =
    /^\s*("[^"]*"|'[^']*'|[^:\s]+)/.exec(text.slice(err.pos[0]))?.[1]?.replace(/^["']|["']$/g, '') ?? '';
  const message =
    err.code === 'DUPLICATE_KEY'
      ? `duplicate key ${JSON.stringify(key)} (each name may appear once)`
      : err.message.split('\n')[0];
  throw syntaxError(file, pos.line, pos.col, message ?? err.code);
}

function parseYamlText(text: string, file: string): unknown {
  yamlErrors(text, file);
  return yamlLib().parseDocument(text).toJS() ?? {};
}

function parseJsonText(text: string, file: string): unknown {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const lc = /\(line (\d+) column (\d+)\)/.exec(message);
    const pos = /at position (\d+)/.exec(message);
    let line: number | null = null;
    let column: number | null = null;
    if (lc) {
      line = Number(lc[1]);
      column = Number(lc[2]);
    } else if (pos) {
      const before = text.slice(0, Number(pos[1]));
      line = before.split('\n').length;
      column = Number(pos[1]) - before.lastIndexOf('\n');
    } else {
      line = text.split('\n').length;
      column = 1;
    }
    throw syntaxError(
      file,
      line,
      column,
      message.replace(/ in JSON at position.*$/, '').replace(/\s*\(line \d+ column \d+\)$/, ''),
    );
  }
  // JSON.parse keeps the last of two equal keys; a duplicate service must be an error
  yamlErrors(text, file);
  return data;
}

export { toConfigIssues };
