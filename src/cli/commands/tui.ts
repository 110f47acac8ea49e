/**
 * `tend tui`: the full-screen terminal UI over the SDK (docs/tui.md). Its code, Ink and React
 * included, is imported only here, so other verbs never load it.
 */
import { type Client, connect } from '../../client/client.ts';
import { chooseRemote } from '../../client/remote-choice.ts';
import { TendError } from '../../core/errors.ts';
import type { Cli, GlobalOptions } from '../context.ts';

export async function run(cli: Cli): Promise<number> {
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new TendError('TEND_USAGE', {
      message:
        'tend tui needs a terminal on stdin and stdout; piped, use tend ls, tend logs -f or tend events',
    });
  }
  const remote = await chooseRemote(cli.options);
  // the first connection says at once when no tend is there; later ones go to the same place
  let first: Client | null = await connect({ socket: cli.options.socket, home: cli.options.home, remote });
  const where = first.socket;
  const again = async (): Promise<Client> => {
    const c = first;
    first = null;
    return c ?? connect(remote ? { remote } : { socket: where });
  };
  // React's production build from source too (the bundle has it built in): the development
  // one checks every render
  if (process.env.NODE_ENV === undefined) Object.assign(process.env, { NODE_ENV: 'production' });
  const { runTui } = await import('../tui/run.ts');
  return runTui({ connect: again, where, color: cli.color });
}

/** Whether a tend answers where the CLI would look: `tend` alone opens the TUI only then. */
export async function reachable(options: GlobalOptions = {}): Promise<boolean> {
  try {
    const remote = await chooseRemote(options);
    const client = await connect({ socket: options.socket, home: options.home, remote, timeoutMs: 1000 });
    await client.system.ping(undefined, { timeoutMs: 1000 }).finally(() => client.close());
    return true;
  } catch {
    return false;
  }
}
