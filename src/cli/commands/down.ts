/**
 * `tend down [config]`: stops the project's `tend up` (a `tend up -d` in the background, or
 * one in another terminal) and waits until it has ended, as `docker compose down` does. The
 * project is the config's folder, or the nearest `.tend/` from here upwards.
 */
import path from 'node:path';
import { connect } from '../../client/client.ts';
import { projectSocket } from '../../client/socket-path.ts';
import { findConfig } from '../../config/index.ts';
import { layout, projectHomeDir } from '../../daemon/home.ts';
import type { Cli } from '../context.ts';
import { shutdownAndWait } from './shutdown.ts';

export async function run(cli: Cli, configArg: string | undefined): Promise<number> {
  const socket = cli.options.home
    ? layout(cli.options.home).socket
    : configArg
      ? layout(projectHomeDir(path.dirname(path.resolve(configArg)))).socket
      : (projectSocket() ?? layout(projectHomeDir(path.dirname(findConfig(process.cwd())))).socket);
  const project = path.dirname(path.dirname(socket));
  const client = await connect({ socket, timeoutMs: 2000 }).catch(() => null);
  if (!client) {
    if (cli.json) cli.printJson({ stopped: false, socket });
    else cli.print(`nothing to stop: no tend up runs in ${project}`);
    return 0;
  }
  try {
    await shutdownAndWait(client);
  } finally {
    client.close();
  }
  if (cli.json) cli.printJson({ stopped: true, socket });
  else cli.print(`stopped the tend up in ${project}`);
  return 0;
}
