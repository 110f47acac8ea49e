/** `tend group ls | start | stop | restart NAME`: the config's `[groups.NAME]` as one unit. */
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { reportOutcome, settleMs } from '../output/outcome.ts';
import { renderTable } from '../output/table.ts';

export async function ls(cli: Cli): Promise<number> {
  const client = await cli.client();
  const groups = await client.group.list();
  if (cli.json) cli.printJson(groups);
  else if (!groups.length) cli.print('no groups');
  else {
    const rows = groups.map((g) => {
      const running = g.instances.filter((i) => i.state === 'running').length;
      return [g.name, `${running}/${g.instances.length} running`, g.members.join(', ')];
    });
    cli.print(renderTable(['GROUP', 'STATE', 'MEMBERS'], rows));
  }
  return 0;
}

/** As tend start|stop|restart: a start or restart waits for each member's outcome and reports it. */
export function verb(v: 'start' | 'stop' | 'restart') {
  return async (cli: Cli, name: string, opts: { wait: boolean; timeout: string }): Promise<number> => {
    const client = await cli.client();
    const wait = opts.wait ? Math.round(Number(opts.timeout) * 1000) : undefined;
    const settle = wait && v !== 'stop' ? settleMs : undefined;
    const since = cli.local ? Date.now() : null;
    const timeoutMs = (wait ?? 0) + settleMs + 10_000;
    const result =
      v === 'stop'
        ? await client.group.stop({ name, wait }, { timeoutMs })
        : await client.group[v]({ name, wait, settle }, { timeoutMs });
    if (settle) return reportOutcome(cli, client, result, { since });
    if (cli.json) cli.printJson(result);
    else for (const s of result) cli.print(`${s.name} ${cli.paint(stateColors[s.state] ?? 'gray', s.state)}`);
    return 0;
  };
}
