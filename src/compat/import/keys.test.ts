/** docs/import-export.md has a row for every setting each importer reads, as the importer names it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { importers } from './index.ts';

const docs = readFileSync(new URL('../../../docs/import-export.md', import.meta.url), 'utf8');

for (const imp of Object.values(importers)) {
  test(`docs/import-export.md lists every ${imp.format} setting the importer reads`, () => {
    assert.match(docs, new RegExp(`--from ${imp.format}`));
    for (const [key, becomes] of imp.keys) {
      const row = `| \`${key.replace(/\|/g, '\\|')}\` | ${becomes.replace(/\|/g, '\\|')} |`;
      assert.ok(docs.includes(row), `missing row: ${row}`);
    }
  });
}
