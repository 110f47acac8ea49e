/** Writes schema/tend.schema.json from the config schema (checked against it by a test). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { schemaFileText } from '../src/config/schema-file.ts';

mkdirSync('schema', { recursive: true });
writeFileSync('schema/tend.schema.json', schemaFileText());
