/**
 * `tend token [--rotate]`: the HTTP API's admin token of the tend this machine's CLI reaches
 * (the same choice of home as every command). `--rotate` writes a new one; a running tend
 * takes it at its next request, and the old one stops working. `tend token add|ls|rm`
 * manage named tokens with a scope (tokens.ts): only their hashes are kept.
 */
import path from 'node:path';
import { findSocket } from '../../client/socket-path.ts';
import { TendError } from '../../core/errors.ts';
import { assertValidName } from '../../core/names.ts';
import { layout } from '../../daemon/home.ts';
import { readToken, tokenFile, writeNewToken } from '../../http/token.ts';
import { addToken, adminName, readTokens, removeToken } from '../../http/tokens.ts';
import { type Scope, scopes } from '../../protocol/scopes.ts';
import type { Cli } from '../context.ts';
import { renderTable } from '../output/table.ts';

function stateDir(cli: Cli): string {
  const { socket } = findSocket({ socket: cli.options.socket, home: cli.options.home });
  return layout(path.dirname(socket)).stateDir;
}

export async function run(cli: Cli, opts: { rotate?: boolean }): Promise<number> {
  const file = tokenFile(stateDir(cli));
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

export async function add(cli: Cli, name: string, opts: { scope: string }): Promise<number> {
  assertValidName(name);
  if (!(scopes as readonly string[]).includes(opts.scope)) {
    throw new TendError('TEND_USAGE', {
      message: `--scope: ${JSON.stringify(opts.scope)} is not one of ${scopes.join(', ')}`,
    });
  }
  const { token, entry } = addToken(stateDir(cli), name, opts.scope as Scope);
  if (cli.json) cli.printJson({ name, scope: entry.scope, token });
  else {
    cli.print(token);
    cli.err.write(`tend: token ${name} (${entry.scope}) made; it is shown only now\n`);
  }
  return 0;
}

export async function ls(cli: Cli): Promise<number> {
  const dir = stateDir(cli);
  const admin = readToken(tokenFile(dir)) ? [{ name: adminName, scope: 'admin', created: null }] : [];
  const list = [
    ...admin,
    ...readTokens(dir).map((t) => ({ name: t.name, scope: t.scope, created: t.created })),
  ];
  if (cli.json) cli.printJson(list);
  else {
    const rows = list.map((t) => [t.name, t.scope, t.created ? new Date(t.created).toISOString() : '-']);
    cli.print(renderTable(['NAME', 'SCOPE', 'CREATED'], rows).trimEnd());
  }
  return 0;
}

export async function rm(cli: Cli, name: string): Promise<number> {
  if (name === adminName) {
    throw new TendError('TEND_USAGE', {
      message: 'the admin token is not removed but replaced: tend token --rotate',
    });
  }
  removeToken(stateDir(cli), name);
  if (cli.json) cli.printJson({ removed: name });
  else cli.print(`token ${name} revoked`);
  return 0;
}
