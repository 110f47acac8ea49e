/**
 * Every real-world import fixture, in process: its format is detected from the file, it gives
 * the services, jobs, cron jobs and groups the case file names, the data passes tend's schema,
 * and every note names where it came from.
 */
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fixture, importCases } from '../../../test/fixtures/import/cases.ts';
import { validateConfig } from '../../config/validate.ts';
import { detectFormat } from './detect.ts';
import { importers, importFiles } from './index.ts';

for (const c of importCases) {
  test(`import ${c.name}: ${c.format}, detected, gives ${c.services.length} services and passes the schema`, async () => {
    const files = c.files.map((f) => fixture(f));
    for (const f of files) assert.equal(detectFormat(f), c.format, f);
    const out = path.join(tmpdir(), 'tend.toml');
    const r = await importFiles({ files, outFile: out });
    assert.equal(r.format, c.format);
    assert.deepEqual(Object.keys(r.config.services).sort(), [...c.services].sort());
    assert.deepEqual(Object.keys(r.config.jobs).sort(), [...(c.jobs ?? [])].sort());
    assert.deepEqual(Object.keys(r.config.cron).sort(), [...(c.cron ?? [])].sort());
    assert.deepEqual(Object.keys(r.config.groups).sort(), [...(c.groups ?? [])].sort());
    validateConfig(r.config, out, null);
    assert.ok(r.converted > 0, 'some settings converted');
    for (const n of r.notes) {
      assert.ok(n.source.length > 0 && n.message.length > 0, JSON.stringify(n));
      assert.ok(n.where === null || /^(services|jobs|cron|groups|server)\./.test(n.where), n.where ?? '');
    }
  });
}

test('each format has at least three real-world samples', () => {
  for (const format of Object.keys(importers)) {
    const n = importCases.filter((c) => c.format === format).length;
    assert.ok(n >= 3, `${format}: ${n} samples`);
  }
});
