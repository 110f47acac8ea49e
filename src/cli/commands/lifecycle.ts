/**
 * `tend start|stop|restart NAME…`: like systemctl, waits until the change is done (or
 * --timeout passes, exit 4). A start or restart waits for each instance's outcome, a short
 * settle included, and reports a crash with its exit and last lines (exit 1). `all` uses the
 * bulk methods, which spare system-class services. `tend start FILE` adds a script as a
 * service first (start-file.ts).
 */
import type { Client } from '../../client/client.ts';
import type { ServiceView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { reportOutcome, settleMs } from '../output/outcome.ts';
import { printStatesOnTimeout } from '../output/timeout-states.ts';
import { scriptsAsServices } from './start-file.ts';

type Verb = 'start' | 'stop' | 'restart';

export function verb(v: Verb) {
  return async (cli: Cli, names: string[], opts: { wait: boolean; timeout: string }): Promise<number> => {
    const client = await cli.client();
    const wait = opts.wait ? Math.round(Number(opts.timeout) * 1000) : undefined;
    const settle = wait ? settleMs : undefined;
    const since = cli.local ? Date.now() : null;
    const all = names.length === 1 && names[0] === 'all';
    const timeoutMs = (wait ?? 0) + settleMs + 10_000;
    let added: ServiceView[] = [];
    if (v === 'start' && !all) {
      const scripts = await scriptsAsServices(cli, client, names, { wait, settle });
      added = scripts.added;
      names = scripts.names;
    }
    const result = [
      ...added,
      ...(names.length
        ? await printStatesOnTimeout(client, names, () =>
            call(client, v, all, names, wait, settle, timeoutMs),
          )
        : []),
    ];
    if (v === 'stop') {
      if (cli.json) cli.printJson(result);
      else for (const s of result) cli.print(stoppedLine(cli, s));
      return 0;
    }
    if (!wait) {
      if (cli.json) cli.printJson(result);
      else
        for (const s of result) cli.print(`${s.name} ${cli.paint(stateColors[s.state] ?? 'gray', s.state)}`);
      return 0;
    }
    return reportOutcome(cli, client, result, { since, added: new Set(added.map((s) => s.name)) });
  };
}

function call(
  client: Client,
  v: Verb,
  all: boolean,
  names: string[],
  wait: number | undefined,
  settle: number | undefined,
  timeoutMs: number,
): Promise<ServiceView[]> {
  if (all && v === 'start') return client.service.start_all({ wait, settle }, { timeoutMs });
  if (all && v === 'stop') return client.service.stop_all({ wait }, { timeoutMs });
  if (v === 'stop') return client.service.stop({ names, wait }, { timeoutMs });
  return client.service[v]({ names, wait, settle }, { timeoutMs });
}

/** "web inactive: stopped as requested (SIGTERM)": the state, why, and what ended the process. */
function stoppedLine(cli: Cli, s: ServiceView): string {
  const state = cli.paint(stateColors[s.state] ?? 'gray', s.state);
  const exit = s.last_exit?.signal ?? (s.last_exit ? `exit code ${s.last_exit.code}` : null);
  // the exit of this stop, not one from long before
  const recent = s.last_exit !== null && s.since - s.last_exit.at < 5000;
  const how = s.state === 'inactive' && exit && recent ? ` (${exit})` : '';
  return `${s.name} ${state}${s.reason && s.reason !== s.state ? `: ${s.reason}${how}` : ''}`;
}
