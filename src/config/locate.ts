/**
 * Maps a config path (`services.web.restart`) back to a line and column in the file's text.
 * YAML and JSON (which is YAML) use the parsed document's ranges; TOML uses a small scan of
 * table headers and keys, which is enough to point at the right line.
 */
import type { Node } from 'yaml';
import { yamlLib } from './parsers.ts';

export interface Position {
  readonly line: number;
  readonly column: number;
}

export type Locator = (path: readonly PropertyKey[]) => Position | null;

export function yamlLocator(text: string): Locator {
  const { isMap, isScalar, LineCounter, parseDocument } = yamlLib();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: false });
  const at = (offset: number | undefined): Position | null => {
    if (offset === undefined) return null;
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  return (path) => {
    let node: unknown = doc.contents;
    let best: Position | null = at((doc.contents as Node | null)?.range?.[0]);
    for (const seg of path) {
      if (!isMap(node)) break;
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      best = at((pair.key as Node).range?.[0]) ?? best;
      node = pair.value;
    }
    return best;
  };
}

const unquote = (k: string) =>
  k
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .replace(/^'(.*)'$/, '$1');

function splitKey(key: string): string[] {
  return (key.match(/"[^"]*"|'[^']*'|[^.]+/g) ?? []).map(unquote);
}

export function tomlLocator(text: string): Locator {
  const lines = text.split('\n');
  return (path) => {
    const segs = path.map(String);
    let table: string[] = [];
    let best: Position | null = null;
    let bestDepth = -1;
    lines.forEach((raw, i) => {
      const line = raw.trim();
      const header = /^\[\[?([^\]]+)\]\]?/.exec(line);
      if (header) {
        table = splitKey(header[1] ?? '');
        // a header is the place of its table, and of any path that leads into it
        const depth = isPrefix(table, segs) ? table.length : isPrefix(segs, table) ? segs.length : -1;
        if (depth > bestDepth) {
          best = { line: i + 1, column: raw.indexOf('[') + 1 };
          bestDepth = depth;
        }
        return;
      }
      const kv =
        /^((?:"[^"]*"|'[^']*'|[A-Za-z0-9_.-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=/.exec(
          line,
        );
      if (!kv) return;
      const full = [...table, ...splitKey(kv[1] ?? '')];
      const depth = commonPrefix(full, segs);
      if (depth > bestDepth && depth > table.length) {
        best = { line: i + 1, column: raw.indexOf(line) + 1 };
        bestDepth = depth;
      }
    });
    return best;
  };
}

function isPrefix(prefix: readonly string[], of: readonly string[]): boolean {
  return prefix.length <= of.length && prefix.every((p, i) => p === of[i]);
}

function commonPrefix(a: readonly string[], b: readonly string[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
