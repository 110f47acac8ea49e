/**
 * docs/config.md from the zod schema of the config (src/config/schema.ts): one table per
 * object, each key with its type, default and description (the schema's `.describe()`).
 * Objects met again (hooks in services, jobs and cron jobs) point to their first table.
 */
import { z } from 'zod';
import { configSchema, duration } from '../../src/config/schema.ts';
import { durationHelp, sizeHelp } from '../../src/core/units.ts';

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: readonly z.ZodType[];
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  defaultValue?: unknown;
  values?: readonly unknown[];
  entries?: Record<string, unknown>;
}

const defOf = (t: z.ZodType) => t._zod.def as unknown as Def;

/** Optional, default and readonly wrappers off: the type itself and its default. */
function unwrap(t: z.ZodType): { inner: z.ZodType; fallback: unknown } {
  let inner = t;
  let fallback: unknown;
  for (;;) {
    const d = defOf(inner);
    if (d.type === 'default') fallback = d.defaultValue;
    if ((d.type === 'optional' || d.type === 'default' || d.type === 'readonly') && d.innerType) {
      inner = d.innerType;
      continue;
    }
    return { inner, fallback };
  }
}

function describedAs(t: z.ZodType): string | undefined {
  return (z.globalRegistry.get(t) as { description?: string } | undefined)?.description;
}

/** A short type, as a reader of a TOML file thinks of it. */
function typeName(t: z.ZodType): string {
  const { inner } = unwrap(t);
  if (inner === duration || describedAs(inner) === durationHelp) return 'duration';
  if (describedAs(inner) === sizeHelp) return 'size';
  if (describedAs(inner)?.startsWith('a signal name')) return 'signal';
  const d = defOf(inner);
  switch (d.type) {
    case 'pipe':
      return d.in ? typeName(d.in) : 'value';
    case 'union':
      return [...new Set((d.options ?? []).map(typeName))].join(' | ');
    case 'enum':
      return Object.values(d.entries ?? {})
        .map((v) => JSON.stringify(v))
        .join(' | ');
    case 'literal':
      return (d.values ?? []).map((v) => JSON.stringify(v)).join(' | ');
    case 'array':
      return d.element ? `${typeName(d.element)}[]` : 'array';
    case 'record':
      return d.valueType ? `{ NAME = ${typeName(d.valueType)} }` : 'table';
    case 'object':
      return 'table';
    case 'number': {
      const json = z.toJSONSchema(inner, { io: 'input' }) as { type?: string };
      return json.type === 'integer' ? 'integer' : 'number';
    }
    default:
      return d.type;
  }
}

/** The objects a key's type holds, with the suffix their section gets (`NAME`, `[]`). */
function objectsIn(t: z.ZodType, suffix = ''): { object: z.ZodType; suffix: string }[] {
  const { inner } = unwrap(t);
  const d = defOf(inner);
  if (d.type === 'object') return [{ object: inner, suffix }];
  if (d.type === 'pipe' && d.in) return objectsIn(d.in, suffix);
  if (d.type === 'union') return (d.options ?? []).flatMap((o) => objectsIn(o, suffix));
  if (d.type === 'array' && d.element) return objectsIn(d.element, `${suffix}[]`);
  if (d.type === 'record' && d.valueType) return objectsIn(d.valueType, `${suffix}.NAME`);
  return [];
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function configDoc(): string {
  const sections: string[] = [];
  const seen = new Map<unknown, string>();
  const queue: { title: string; object: z.ZodType }[] = [{ title: 'top level', object: configSchema }];
  const anchor = (title: string) =>
    title
      .toLowerCase()
      .replace(/[^a-z0-9 _-]/g, '')
      .replace(/ /g, '-');
  while (queue.length > 0) {
    const { title, object } = queue.shift() ?? queue[0]!;
    const shape = defOf(unwrap(object).inner).shape ?? {};
    const rows: string[] = [];
    for (const [key, type] of Object.entries(shape)) {
      if (key === '$schema') continue;
      const { fallback } = unwrap(type);
      const description = type.description ?? unwrap(type).inner.description ?? '';
      const path = title === 'top level' ? key : `${title}.${key}`;
      const nested = objectsIn(type);
      const links = nested.map(({ object: o, suffix }) => {
        const at = seen.get(defOf(o).shape) ?? `${path}${suffix}`;
        // a described copy of a schema shares its shape: one section for both
        if (!seen.has(defOf(o).shape)) {
          seen.set(defOf(o).shape, at);
          queue.push({ title: at, object: o });
        }
        return `[${at}](#${anchor(at)})`;
      });
      rows.push(
        `| \`${key}\` | ${cell(typeName(type))} | ${fallback === undefined ? '' : `\`${cell(JSON.stringify(fallback))}\``} | ${cell(description)}${links.length ? ` (see ${[...new Set(links)].join(', ')})` : ''} |`,
      );
    }
    sections.push(
      `## ${title}\n\n| key | type | default | what it is |\n| --- | --- | --- | --- |\n${rows.join('\n')}\n`,
    );
  }
  return [
    '<!-- generated by npm run docs from src/config/schema.ts; do not edit -->',
    '# Config reference',
    '',
    'Every key of `tend.toml` (and of its YAML, JSON and `tend.config.ts` forms, which have the same',
    'keys), as the schema that validates it declares it. A **duration** is `"500ms"`, `"5s"`, `"1m30s"`,',
    '`"1h30m"`, `"2d"` or a number of seconds; a **size** is `"512KB"`, `"10MB"`, `"1MiB"`, `"2GiB"`,',
    '`"1Gi"` or a number of bytes. Defaults in parentheses are applied when the key is left out. The',
    'JSON Schema of the same keys is `schema/tend.schema.json` (`tend config schema`); the guide with',
    'examples is [config-guide.md](config-guide.md).',
    '',
    ...sections,
  ].join('\n');
}
