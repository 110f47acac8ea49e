/**
 * supervisord's INI dialect (Python's ConfigParser as supervisor sets it up): `[section]`
 * headers, `key = value` or `key: value`, indented continuation lines, `;` and `#` comments
 * (inline only after whitespace). A line that is none of these is a syntax error with its
 * place, as ConfigParser reports it.
 */
import { configError } from '../../config/issues.ts';

export interface IniEntry {
  readonly value: string;
  readonly line: number;
}

export interface IniSection {
  readonly name: string;
  readonly line: number;
  readonly entries: Map<string, IniEntry>;
}

function stripInline(value: string): string {
  const m = /\s[;#]/.exec(value);
  return (m ? value.slice(0, m.index) : value).trim();
}

export function parseIni(text: string, file: string): IniSection[] {
  const sections: IniSection[] = [];
  let current: IniSection | null = null;
  let lastKey: string | null = null;
  const fail = (line: number, column: number, message: string) =>
    configError(file, [{ file, line, column, path: '', message: `syntax error: ${message}` }]);
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '' || /^\s*[;#]/.test(raw)) {
      return;
    }
    if (/^\s/.test(raw) && current && lastKey) {
      const prev = current.entries.get(lastKey);
      if (prev)
        current.entries.set(lastKey, { value: `${prev.value}\n${stripInline(raw)}`, line: prev.line });
      return;
    }
    const header = /^\[([^\]]*)\]\s*(?:[;#].*)?$/.exec(raw.trim());
    if (header) {
      const name = (header[1] ?? '').trim();
      if (sections.some((s) => s.name === name)) throw fail(line, 1, `section [${name}] appears twice`);
      current = { name, line, entries: new Map() };
      sections.push(current);
      lastKey = null;
      return;
    }
    if (raw.trimStart().startsWith('['))
      throw fail(
        line,
        raw.indexOf('[') + 1,
        `${JSON.stringify(raw.trim())} opens a section header that is not closed with "]"`,
      );
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (!kv) throw fail(line, 1, `${JSON.stringify(raw.trim())} is not "key = value" or a [section] header`);
    if (!current) throw fail(line, 1, `"${(kv[1] ?? '').trim()}" comes before any [section] header`);
    const key = (kv[1] ?? '').trim().toLowerCase();
    if (current.entries.has(key)) throw fail(line, 1, `"${key}" appears twice in [${current.name}]`);
    current.entries.set(key, { value: stripInline(kv[2] ?? ''), line });
    lastKey = key;
  });
  return sections;
}
