/** Every generated page by its path in the repository, with the text it must have. */
import { schemaFileText } from '../../src/config/schema-file.ts';
import { openApiDocument } from '../../src/http/openapi.ts';
import { cliDoc } from './cli-doc.ts';
import { configDoc } from './config-doc.ts';
import { httpDoc } from './http-doc.ts';
import { rpcDoc } from './rpc-doc.ts';

export function generatedPages(): Record<string, string> {
  return {
    'docs/config.md': configDoc(),
    'docs/cli.md': cliDoc(),
    'docs/rpc.md': rpcDoc(),
    'docs/http.md': httpDoc(),
    // the version is the package's at generation: the served document carries the running one
    'docs/openapi.json': `${JSON.stringify(openApiDocument(), null, 2)}\n`,
    'schema/tend.schema.json': schemaFileText(),
  };
}
