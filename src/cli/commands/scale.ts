/** `tend scale NAME N`: change a service's instances live; only the difference starts or stops. */
import { TendError } from '../../core/errors.ts';
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';

export async function run(
  cli: Cli,
  name: string,
  count: string,
  opts: { wait: boolean; timeout: string },
): Promise<number> {
  const instances = Number(count);
  if (!/^-?\d+$/.test(count) || instances < 1 || instances > 1000) {
    throw new TendError('TEND_USAGE', {
      message: `instances: expected a whole number from 1 to 1000, got ${JSON.stringify(count)}`,
    });
  }
  const client = await cli.client();
  const wait = opts.wait ? Math.round(Number(opts.timeout) * 1000) : undefined;
  const result = await client.service.scale({ name, instances, wait }, { timeoutMs: (wait ?? 0) + 10_000 });
  if (cli.json) cli.printJson(result);
  else for (const s of result) cli.print(`${s.name} ${cli.paint(stateColors[s.state] ?? 'gray', s.state)}`);
  return 0;
}
