/**
 * `tend token [--rotate]`: the HTTP API's bearer token of the tend this machine's CLI reaches
 * (the same choice of home as every command). `--rotate` writes a new one; a running tend
 * takes it at its next request, and the old one stops working.
 */
import path from 'node:path';
import { findSocket } from '../../client/socket-path.ts';
import { TendError } from '../../core/errors.ts';
import { layout } from '../../daemon/home.ts';
import { readToken, tokenFile, writeNewToken } from '../../http/token.ts';
import type { Cli } from '../context.ts';

export async function run(cli: Cli, opts: { rotate?: boolean }): Promise<number> {
  const { socket } = findSocket({ socket: cli.options.socket, home: cli.options.home });
  const file = tokenFile(layout(path.dirname(socket)).stateDir);
  const token = opts.rotate ? writeNewToken(file) : readToken(file);
  if (!token) {
    throw new TendError('TEND_USAGE', {
      message: `no token at ${file}: tend makes one when it starts with [server.http] or --http (or run "tend token --rotate")`,
    });
  }
  if (cli.json) cli.printJson({ token, file, rotated: opts.rotate === true });
  else cli.print(token);
  return 0;
}
