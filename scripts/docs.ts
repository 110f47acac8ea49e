/**
 * `npm run docs`: writes every generated page from the code it documents, so none can drift
 * (test/docs.test.ts fails while one is stale): docs/config.md (the config schema),
 * docs/cli.md (the commander tree), docs/rpc.md (the protocol table), docs/http.md and
 * docs/openapi.json (the routes), and schema/tend.schema.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generatedPages } from './docs/pages.ts';

const root = path.resolve(import.meta.dirname, '..');
for (const [file, text] of Object.entries(generatedPages())) {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
  console.log(`wrote ${file}`);
}
