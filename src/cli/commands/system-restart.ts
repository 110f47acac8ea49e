/** `tend system restart`: tend re-executes itself in place; returns once the new image answers. */
import { connect } from '../../client/client.ts';
import { TendError } from '../../core/errors.ts';
import type { Cli } from '../context.ts';

export async function run(cli: Cli): Promise<number> {
  const client = await cli.client();
  const socket = client.socket;
  const before = await client.system.version();
  await client.system.restart();
  // the old image closes every connection as it goes
  await client.closed;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const next = await connect({ socket, timeoutMs: 1000 });
      const now = await next.system.version();
      next.close();
      if (cli.json) cli.printJson({ pid: now.pid, same_pid: now.pid === before.pid });
      else cli.print(`tend restarted in place (pid ${now.pid}), services kept running`);
      return 0;
    } catch {
      if (Date.now() > deadline) {
        throw new TendError('TEND_TIMEOUT', { ms: 30_000, what: 'tend to answer after its hot restart' });
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
