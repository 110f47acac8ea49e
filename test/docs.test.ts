/**
 * Docs that cannot drift: every generated page (config, CLI, RPC, HTTP, OpenAPI, JSON Schema)
 * is what `npm run docs` writes from the code today; the OpenAPI document is valid OpenAPI
 * 3.1; every key of the config reference says what it is; every link in docs/ and the README
 * reaches a file and a heading that exist; the README stays a front page, under 12 KB.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { generatedPages } from '../scripts/docs/pages.ts';
import { root } from './cli.ts';

test('every generated page is current: run "npm run docs" after changing what it documents', () => {
  for (const [file, text] of Object.entries(generatedPages())) {
    const onDisk = existsSync(path.join(root, file)) ? readFileSync(path.join(root, file), 'utf8') : '';
    assert.ok(onDisk === text, `${file} is stale: run "npm run docs"`);
  }
});

test('the OpenAPI document is valid OpenAPI 3.1, and every key of the config reference is described', async () => {
  const doc = JSON.parse(generatedPages()['docs/openapi.json'] ?? '{}');
  const result = await new Validator().validate(doc);
  assert.ok(result.valid, JSON.stringify(result.errors));
  assert.ok(Object.keys(doc.paths).includes('/api/services'));

  const rows = (generatedPages()['docs/config.md'] ?? '').split('\n').filter((l) => l.startsWith('| `'));
  assert.ok(rows.length > 100, 'the reference lists the keys');
  const bare = rows.filter((r) => r.trimEnd().endsWith('|  |') || r.trimEnd().endsWith('| |'));
  assert.deepEqual(bare, [], 'keys without a description: add .describe() in src/config/schema.ts');
});

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fenced = false;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.startsWith('```')) fenced = !fenced;
    const m = fenced ? null : /^#{1,6} (.+)$/.exec(line);
    if (!m) continue;
    const base = slug(m[1] ?? '');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of readFileSync(file, 'utf8').matchAll(/<a (?:name|id)="([^"]+)"/g)) out.add(m[1] ?? '');
  return out;
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) return markdownFiles(p);
    return p.endsWith('.md') ? [p] : [];
  });
}

test('every link in docs/ and the README resolves to a file, and to a heading there', () => {
  const broken: string[] = [];
  for (const file of [path.join(root, 'README.md'), ...markdownFiles(path.join(root, 'docs'))]) {
    const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
    for (const m of text.matchAll(/\[[^\]]*\]\(([^)\s]+)\)/g)) {
      const link = m[1] ?? '';
      if (/^(https?|mailto):/.test(link)) continue;
      const [target = '', hash] = link.split('#');
      const resolved = target ? path.resolve(path.dirname(file), target) : file;
      const where = `${path.relative(root, file)}: ${link}`;
      if (!existsSync(resolved)) broken.push(`${where} (no such file)`);
      else if (hash && resolved.endsWith('.md') && !anchors(resolved).has(hash))
        broken.push(`${where} (no such heading)`);
    }
  }
  assert.deepEqual(broken, []);
});

test('the README is a front page: under 12 KB', () => {
  const size = statSync(path.join(root, 'README.md')).size;
  assert.ok(size < 12 * 1024, `README.md is ${size} bytes; move reference material into docs/`);
});
