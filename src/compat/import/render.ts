/**
 * Writes imported config data as tend.toml, tend.yaml, tend.json or tend.config.ts, with each
 * note as a comment above the table it concerns and the file's own notes at the top. JSON has
 * no comments: there the notes of a service go into its description.
 */
import { stringify as tomlStringify } from 'smol-toml';
import { Document, isMap, isScalar, type Scalar } from 'yaml';
import type { Imported, ImportNote } from './importer.ts';

export const outputFormats = ['toml', 'yaml', 'json', 'ts'] as const;
export type OutputFormat = (typeof outputFormats)[number];

export function outputFormatOf(file: string): OutputFormat {
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  if (/\.json$/i.test(file)) return 'json';
  if (/\.(c|m)?[jt]s$/i.test(file)) return 'ts';
  return 'toml';
}

function noteLine(n: ImportNote): string {
  return `${n.kind === 'approximated' ? 'approximated' : 'not converted'}: ${n.source}: ${n.message}`.replace(
    /\s*\n\s*/g,
    ' ',
  );
}

function header(title: string, files: readonly string[], notes: readonly ImportNote[]): string[] {
  const top = notes.filter((n) => n.where === null || !n.where.includes('.'));
  return [
    `Imported by "tend import" from ${title}: ${files.join(', ')}.`,
    'Each setting that did not carry over exactly is a comment above its table; check the file with "tend config check".',
    ...(top.length ? ['', ...top.map(noteLine)] : []),
  ];
}

function tablesOf(result: Imported): [section: string, name: string, value: Record<string, unknown>][] {
  const c = result.config;
  const out: [string, string, Record<string, unknown>][] = [];
  if (c.server?.http) out.push(['server', 'http', c.server.http as Record<string, unknown>]);
  for (const section of ['services', 'jobs', 'cron', 'groups'] as const) {
    for (const [name, v] of Object.entries(c[section]))
      out.push([section, name, v as Record<string, unknown>]);
  }
  return out;
}

const bareKey = (k: string) => (/^[A-Za-z0-9_-]+$/.test(k) ? k : JSON.stringify(k));

function tomlValue(v: unknown): string {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{ ${entries.map(([k, x]) => `${bareKey(k)} = ${tomlValue(x)}`).join(', ')} }`;
  }
  if (Array.isArray(v) && v.some((x) => x !== null && typeof x === 'object'))
    return `[${v.map(tomlValue).join(', ')}]`;
  return tomlStringify({ x: v }).replace(/^x = /, '').trim();
}

function toml(result: Imported, title: string, files: readonly string[]): string {
  const lines = header(title, files, result.notes).map((l) => (l ? `# ${l}` : '#'));
  for (const [section, name, value] of tablesOf(result)) {
    const where = `${section}.${name}`;
    lines.push('');
    for (const n of result.notes.filter((x) => x.where === where)) lines.push(`# ${noteLine(n)}`);
    lines.push(`[${section}.${bareKey(name)}]`);
    for (const [k, v] of Object.entries(value))
      if (v !== undefined) lines.push(`${bareKey(k)} = ${tomlValue(v)}`);
  }
  return `${lines.join('\n')}\n`;
}

function yaml(result: Imported, title: string, files: readonly string[]): string {
  const data: Record<string, unknown> = {};
  const c = result.config;
  if (c.server) data.server = c.server;
  for (const section of ['services', 'jobs', 'cron', 'groups'] as const)
    if (Object.keys(c[section]).length) data[section] = c[section];
  const doc = new Document(data);
  doc.commentBefore = header(title, files, result.notes)
    .map((l) => (l ? ` ${l}` : ''))
    .join('\n');
  for (const [section, name] of tablesOf(result)) {
    const notes = result.notes.filter((x) => x.where === `${section}.${name}`);
    if (!notes.length) continue;
    const map = doc.getIn([section], true);
    if (!isMap(map)) continue;
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === name);
    if (!pair) continue;
    const key = (isScalar(pair.key) ? pair.key : doc.createNode(name)) as Scalar;
    key.commentBefore = notes.map((n) => ` ${noteLine(n)}`).join('\n');
    pair.key = key;
  }
  return doc.toString({ lineWidth: 0 });
}

/** JSON cannot hold comments: a service's (or job's) notes are added to its description. */
function json(result: Imported): string {
  const c = structuredClone(result.config);
  const out: Record<string, unknown> = c.server ? { server: c.server } : {};
  for (const section of ['services', 'jobs', 'cron', 'groups'] as const) {
    const tables: Record<string, { description?: string }> = c[section];
    for (const [name, v] of Object.entries(tables)) {
      const notes = result.notes.filter((n) => n.where === `${section}.${name}`);
      if (notes.length && section !== 'groups')
        v.description = [v.description, ...notes.map(noteLine)].filter(Boolean).join('; ');
    }
    if (section === 'services' || Object.keys(tables).length) out[section] = tables;
  }
  return `${JSON.stringify(out, null, 2)}\n`;
}

function ts(result: Imported, title: string, files: readonly string[]): string {
  const lines = header(title, files, result.notes).map((l) => (l ? `// ${l}` : '//'));
  lines.push('export default {');
  const c = result.config;
  if (c.server) lines.push(`  server: ${JSON.stringify(c.server)},`);
  for (const section of ['services', 'jobs', 'cron', 'groups'] as const) {
    const entries = Object.entries(c[section]);
    if (!entries.length) continue;
    lines.push(`  ${section}: {`);
    for (const [name, v] of entries) {
      for (const n of result.notes.filter((x) => x.where === `${section}.${name}`))
        lines.push(`    // ${noteLine(n)}`);
      lines.push(`    ${JSON.stringify(name)}: ${JSON.stringify(v)},`);
    }
    lines.push('  },');
  }
  lines.push('};');
  return `${lines.join('\n')}\n`;
}

export function render(
  result: Imported,
  format: OutputFormat,
  title: string,
  files: readonly string[],
): string {
  switch (format) {
    case 'toml':
      return toml(result, title, files);
    case 'yaml':
      return yaml(result, title, files);
    case 'json':
      return json(result);
    case 'ts':
      return ts(result, title, files);
  }
}
