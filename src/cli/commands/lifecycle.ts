/**
 * `tend start|stop|restart NAME…`: like systemctl, waits until the change is done (or
 * --timeout passes, exit 4) and exits 1 when a service ends failed. `all` uses the bulk
 * methods, which spare system-class services.
 */
import type { ServiceView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';

type Verb = 'start' | 'stop' | 'restart';

export function verb(v: Verb) {
  return async (cli: Cli, names: string[], opts: { wait: boolean; timeout: string }): Promise<number> => {
    const client = await cli.client();
    const wait = opts.wait ? Math.round(Number(opts.timeout) * 1000) : undefined;
    const all = names.length === 1 && names[0] === 'all';
    const timeoutMs = (wait ?? 0) + 10_000;
    let result: ServiceView[];
    if (all && v === 'start') result = await client.service.start_all({ wait }, { timeoutMs });
    else if (all && v === 'stop') result = await client.service.stop_all({ wait }, { timeoutMs });
    else result = await client.service[v]({ names, wait }, { timeoutMs });
    if (cli.json) cli.printJson(result);
    else
      for (const s of result)
        cli.print(
          `${s.name} ${cli.paint(stateColors[s.state] ?? 'gray', s.state)}${s.state === 'failed' ? `: ${s.reason}` : ''}`,
        );
    return v !== 'stop' && wait && result.some((s) => s.state === 'failed') ? 1 : 0;
  };
}
