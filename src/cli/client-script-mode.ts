/** Runs client scripts (see client-script-request.ts for how they are recognised). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connect } from '../client/client.ts';
import { runClientScripts } from '../script/client-scripts.ts';
import type { ClientScriptRequest } from './client-script-request.ts';
import { makeCli, reportError } from './context.ts';

export async function runClientScriptMode(request: ClientScriptRequest): Promise<number> {
  const cli = makeCli({});
  try {
    const files = 'files' in request ? request.files : [inlineFile(request.code ?? readFileSync(0, 'utf8'))];
    const client = await connect();
    try {
      await runClientScripts(files, client);
    } finally {
      client.close();
    }
    return 0;
  } catch (e) {
    if (e instanceof Error && !('tendCode' in e) && !('code' in e && typeof e.code === 'string')) {
      process.stderr.write(
        `tend: the script failed: ${e.stack ?? e.message}\nhint: the first line of the stack inside your script is where it failed\n`,
      );
      return 1;
    }
    return await reportError(cli, e);
  }
}

/** Inline code goes to a .ts file, so it gets the same imports, types and stacks as a file. */
function inlineFile(code: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'tend-script-')), 'inline.ts');
  writeFileSync(file, code);
  return file;
}
