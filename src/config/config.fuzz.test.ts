/**
 * Fuzzing the config loader (`tend config check`): generated configs in TOML, YAML and JSON,
 * made of the schema's own keys with values of every type, then mutated the way files get
 * broken (characters inserted and deleted, lines duplicated, cut short). Whatever the text,
 * loading either succeeds or refuses with TEND_CONFIG_INVALID (exit 1), and every problem it
 * names has a place: file:line:col, or a field path. 1,000 cases in npm test, 100,000 deep.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify as toToml } from 'smol-toml';
import { stringify as toYaml } from 'yaml';
import { fuzzParameters } from '../../test/fuzz.ts';
import { tempDir } from '../../test/helpers.ts';
import { errors, isTendError } from '../core/errors.ts';
import { loadConfig } from './index.ts';
import type { ConfigIssue } from './issues.ts';
import { cronSchema, hooksSchema, httpSchema, jobSchema, logsSchema, serviceSchema } from './schema.ts';

const keysOf = (shape: object) => Object.keys(shape);
const serviceKeys = keysOf(serviceSchema.shape);
const nestedKeys = [
  ...keysOf(logsSchema.shape),
  ...keysOf(hooksSchema.shape),
  'tcp',
  'http',
  'exec',
  'interval',
  'retries',
  'factor',
  'max',
  'condition',
];

/** Values that each field meets in real files, right and wrong. */
const scalar = fc.oneof(
  fc.constantFrom(
    'sleep 1000',
    'always',
    'on-failure',
    'never',
    'allways',
    'SIGTERM',
    'SIGTREM',
    '5s',
    '-5s',
    '1e400h',
    '0',
    '10MB',
    '@every 1s',
    '* * * * *',
    '61 * * * *',
    'ready',
    'started',
    '127.0.0.1:8080',
    '../x',
    'a/b',
    'web',
    'db',
    '',
    ' ',
    '\u0000',
    '\u202e',
    'ünïcødé',
  ),
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 53, 1e308, 0.5, -0),
  fc.boolean(),
);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.oneof(fc.constantFrom(...nestedKeys), fc.string({ maxLength: 6 })), tie('value'), {
      maxKeys: 3,
    }),
  ),
})).value;

const serviceName = fc.oneof(
  fc.constantFrom('web', 'db', 'api', 'worker', '../x', 'a b', ''),
  fc.string({ maxLength: 8 }),
);

const definition = fc.dictionary(
  fc.oneof(fc.constantFrom(...serviceKeys), fc.string({ maxLength: 8 })),
  value,
  {
    maxKeys: 6,
  },
);

const configArb = fc.record(
  {
    services: fc.dictionary(serviceName, definition, { maxKeys: 4 }),
    jobs: fc.dictionary(
      serviceName,
      fc.dictionary(fc.constantFrom(...keysOf(jobSchema.shape)), value, { maxKeys: 4 }),
      { maxKeys: 2 },
    ),
    cron: fc.dictionary(
      serviceName,
      fc.dictionary(fc.constantFrom(...keysOf(cronSchema.shape)), value, { maxKeys: 4 }),
      { maxKeys: 2 },
    ),
    groups: fc.dictionary(serviceName, fc.record({ members: fc.array(serviceName, { maxLength: 3 }) }), {
      maxKeys: 2,
    }),
    server: fc.record({
      http: fc.dictionary(fc.constantFrom(...keysOf(httpSchema.shape)), value, { maxKeys: 3 }),
    }),
    other: value,
  },
  { requiredKeys: ['services'] },
);

type Format = 'toml' | 'yaml' | 'json';

/** The text of a config in a format; a value TOML cannot write (null) falls back to JSON. */
function serialize(config: unknown, format: Format): { text: string; format: Format } {
  if (format === 'toml') {
    try {
      return { text: toToml(config as Record<string, unknown>), format };
    } catch {
      return { text: JSON.stringify(config, null, 2), format: 'json' };
    }
  }
  if (format === 'yaml') return { text: toYaml(config), format };
  return { text: JSON.stringify(config, null, 2), format };
}

/** What breaks files: syntax characters, lines repeated or lost, a cut, odd bytes. */
const mutation = fc.oneof(
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom(
        '[',
        ']',
        '{',
        '}',
        '"',
        "'",
        '=',
        ':',
        ',',
        '\n',
        '#',
        '&a',
        '*a',
        '- ',
        '!!',
        '|',
        '\t',
        '\\',
        '\u0000',
        '\ufeff',
        '"""',
        "'''",
        '[[',
        '<<: *a',
      ),
      fc.string({ maxLength: 4 }),
    ),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const at = text.length ? m.at % (text.length + 1) : 0;
  switch (m.kind) {
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'cut':
      return text.slice(0, at);
    case 'duplicate-line': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      lines.splice(i, 0, lines[i] ?? '');
      return lines.join('\n');
    }
  }
}

/** Inputs written by hand that a generator would rarely find: hostile structure. */
const hostile: { format: Format; text: string }[] = [
  // a billion laughs: aliases that expand exponentially
  {
    format: 'yaml',
    text: `a: &a ["x","x","x","x","x","x","x","x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nf: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\nservices: *f\n`,
  },
  { format: 'yaml', text: `services:\n  web: &w\n    command: a\n    env: *w\n` },
  { format: 'json', text: `{"services": ${'['.repeat(20_000)}${']'.repeat(20_000)}}` },
  { format: 'yaml', text: `services: ${'['.repeat(20_000)}${']'.repeat(20_000)}` },
  { format: 'toml', text: `services = ${'['.repeat(20_000)}${']'.repeat(20_000)}` },
  {
    format: 'toml',
    text: `[services.web]\ncommand = "a"\nenv = { ${Array.from({ length: 5000 }, (_, i) => `k${i} = "v"`).join(', ')} }\n`,
  },
  { format: 'json', text: '{"services": {"__proto__": {"command": "a"}}}' },
  { format: 'json', text: '{"services": {"constructor": {"command": "a"}, "toString": {"args": ["a"]}}}' },
  { format: 'yaml', text: 'services:\n  web:\n    command: a\n    <<: {restart: never}\n' },
  { format: 'yaml', text: '--- !!binary "AAAA"\n' },
  { format: 'yaml', text: 'services: !!set {a, b}\n' },
  { format: 'toml', text: '[services.web]\ncommand = "a"\ninstances = inf\nstop_timeout = nan\n' },
  { format: 'json', text: '\ufeff{"services": {}}' },
];

/** Loads `text` as a config file; the outcome as `config check` turns it into an exit status. */
async function check(dir: string, text: string, format: Format): Promise<void> {
  const file = path.join(dir, `tend.${format}`);
  writeFileSync(file, text);
  try {
    await loadConfig(file);
  } catch (e) {
    if (!isTendError(e)) throw new Error(`not a TendError: ${e instanceof Error ? e.stack : String(e)}`);
    assert.equal(errors[e.code].exit, 1, `exit ${errors[e.code].exit} for ${e.code}: ${e.message}`);
    assert.equal(e.code, 'TEND_CONFIG_INVALID', e.message);
    const issues = (e.data.issues ?? []) as ConfigIssue[];
    assert.ok(issues.length > 0, `a refusal lists its problems: ${e.message}`);
    for (const i of issues) {
      assert.ok(i.line !== null || i.path !== '', `a problem with no place: ${JSON.stringify(i)}`);
    }
  } finally {
    rmSync(file, { force: true });
  }
}

test('fuzz: generated and mutated configs in TOML, YAML and JSON load or are refused with a located TEND_CONFIG_INVALID', async (t) => {
  const dir = tempDir(t);
  await fc.assert(
    fc.asyncProperty(
      configArb,
      fc.constantFrom<Format>('toml', 'yaml', 'json'),
      fc.array(mutation, { maxLength: 3 }),
      async (config, wanted, mutations) => {
        const { text, format } = serialize(config, wanted);
        await check(dir, mutations.reduce(mutate, text), format);
      },
    ),
    fuzzParameters(),
  );
});

test('hostile configs (aliases that explode, 20,000-deep nesting, prototype names) are refused with a located error, never a crash', async (t) => {
  const dir = tempDir(t);
  for (const h of hostile) await check(dir, h.text, h.format);
});
