/**
 * `tend version`: this CLI's version beside the running tend's. After an upgrade they differ
 * until `tend system restart` (or SIGUSR1) runs the installed code; the warning says so.
 */
import { isTendError } from '../../core/errors.ts';
import type { Cli } from '../context.ts';
import { version } from '../version.ts';

export async function run(cli: Cli): Promise<number> {
  let daemon: { version: string; pid: number; node: string; socket: string } | null = null;
  let away: string | null = null;
  try {
    const client = await cli.client();
    const v = await client.system.version();
    daemon = { version: v.version, pid: v.pid, node: v.node, socket: client.socket };
  } catch (e) {
    if (!isTendError(e) || e.code !== 'TEND_DAEMON_UNREACHABLE') throw e;
    away = e.message;
  }
  const differ = daemon !== null && daemon.version !== version;
  if (cli.json) {
    cli.printJson({ cli: { version, node: process.version }, daemon, differ });
  } else {
    cli.print(`cli     ${version} (node ${process.version})`);
    cli.print(
      daemon
        ? `running ${daemon.version} (pid ${daemon.pid}, node ${daemon.node}) on ${daemon.socket}`
        : `running none: ${away}`,
    );
  }
  if (differ) {
    cli.err.write(
      `tend: warning: the running tend is ${daemon?.version}, this CLI is ${version}\nhint: "tend system restart" runs the installed version; services keep their PIDs\n`,
    );
  }
  return 0;
}
