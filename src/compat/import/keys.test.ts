/** docs/import-export.md has a row for every setting each importer reads, as the importer names it. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { importers } from './index.ts';

const docs = readFileSync(new URL('../../../docs/import-export.md', import.meta.url), 'utf8');

/** The first two cells of each table row, trimmed (the formatter pads them). */
const rows = new Set(
  docs
    .split('\n')
    .filter((l) => l.startsWith('|'))
    .map((l) =>
      l
        .split(/(?<!\\)\|/)
        .slice(1, 3)
        .map((c) => c.trim().replace(/\\\|/g, '|'))
        .join(' => '),
    ),
);

for (const imp of Object.values(importers)) {
  test(`docs/import-export.md lists every ${imp.format} setting the importer reads`, () => {
    assert.match(docs, new RegExp(`--from ${imp.format}`));
    for (const [key, becomes] of imp.keys) {
      const row = `\`${key}\` => ${becomes}`;
      assert.ok(rows.has(row), `missing row: ${row}`);
    }
  });
}
