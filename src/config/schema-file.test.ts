import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { schemaFileText } from './schema-file.ts';

test('schema/tend.schema.json is what the config schema generates (run scripts/gen-schema.ts)', () => {
  const committed = readFileSync(new URL('../../schema/tend.schema.json', import.meta.url), 'utf8');
  assert.equal(committed, schemaFileText());
  const schema = JSON.parse(committed);
  assert.ok(schema.properties.services.additionalProperties.properties.restart.enum.includes('on-failure'));
});
