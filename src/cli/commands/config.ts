/** `tend config check [file]` and `tend config schema`. */
import { configJsonSchema, loadConfig } from '../../config/index.ts';
import type { Cli } from '../context.ts';

export async function check(cli: Cli, file?: string): Promise<number> {
  const config = await loadConfig(file);
  const instances = config.services.reduce((n, s) => n + s.instances, 0);
  if (cli.json)
    cli.printJson({ file: config.file, valid: true, services: config.services.map((s) => s.name) });
  else cli.print(`${config.file}: valid, ${config.services.length} services (${instances} instances)`);
  return 0;
}

export async function schema(cli: Cli): Promise<number> {
  cli.print(JSON.stringify(configJsonSchema(), null, 2));
  return 0;
}
