/** `tend kill NAME [SIGNAL]`: a signal to the whole process group of each selected service. */
import type { Cli } from '../context.ts';

export async function run(cli: Cli, name: string, signal: string): Promise<number> {
  const client = await cli.client();
  const sig = /^\d+$/.test(signal) ? Number(signal) : signal;
  const { signalled } = await client.service.kill({ names: [name], signal: sig });
  if (cli.json) cli.printJson({ signalled });
  else if (signalled.length === 0) cli.err.write(`tend: nothing of ${JSON.stringify(name)} is running\n`);
  else cli.print(`sent ${signal} to ${signalled.join(', ')}`);
  return signalled.length === 0 ? 1 : 0;
}
