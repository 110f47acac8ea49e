/**
 * `tend repl`: node:repl with the client-script globals in scope (service(), status(), the
 * `tend` client…), top-level await, completion of functions and of service names inside
 * their quotes, history kept in ~/.tend_repl_history, `.help` for the API. It says where it
 * is connected, and connects again when tend restarts.
 */
import { homedir } from 'node:os';
import path from 'node:path';
import repl, { type REPLServer } from 'node:repl';
import { type Client, connect } from '../../client/client.ts';
import { clientGlobals } from '../../script/client-scripts.ts';
import type { Cli } from '../context.ts';
import { version } from '../version.ts';

const help: Record<string, string> = {
  'service(name)':
    'a builder: .exec .dir .env .after .testTcp .testHttp .testCmd .oneshot .shutdownTimeout .signalStop, then .register() and .wait(s)',
  'list()': 'every instance with its state',
  'status(name)': 'the instances a name selects',
  'start(...names)': 'start and wait (30 s at most)',
  'stop(...names)': 'stop and wait',
  'restart(...names)': 'restart and wait',
  'remove(...names)': 'stop and forget',
  'sleep(s)': 'a promise resolved after s seconds',
  'checkTcp(addr, s?)': 'whether host:port accepts a connection',
  'checkHttp(url, s?)': 'whether the URL answers below 400',
  'getEnv(name)': 'an environment variable',
  'fileExists(path)': 'whether the path exists',
  tend: 'the SDK client: tend.AREA.VERB(params) for every protocol method (tend.system.version())',
};

type CompleterDone = (err: Error | null, result: [string[], string]) => void;
type Completer = (line: string, done: CompleterDone) => void;

/** A quote opened after one of these calls is a service name to complete. */
const nameArgument = /\b(status|start|stop|restart|remove|service)\(\s*(['"])([^'"]*)$/;

export async function run(cli: Cli): Promise<number> {
  let client = await cli.client();
  const socket = client.socket;
  let names: string[] = [];
  const refreshNames = () =>
    client.service.list().then(
      (list) => {
        names = [...new Set(list.flatMap((s) => [s.base, s.name]))].sort();
      },
      () => {},
    );
  await refreshNames();

  cli.print(`tend ${version}, connected to ${socket}; .help lists the API`);
  let server: REPLServer;
  server = repl.start({
    prompt: 'tend> ',
    ignoreUndefined: true,
    completer: (line: string, done: CompleterDone) => {
      const m = nameArgument.exec(line);
      // REPLServer.complete (untyped): Node's own completion of globals and properties
      if (!m) return (server as REPLServer & { complete: Completer }).complete(line, done);
      const typed = m[3] ?? '';
      void refreshNames();
      done(null, [names.filter((n) => n.startsWith(typed)), typed]);
    },
  });
  const expose = (c: Client) => Object.assign(server.context, clientGlobals(c));
  expose(client);
  server.setupHistory(path.join(homedir(), '.tend_repl_history'), () => {});
  server.defineCommand('help', {
    help: 'the tend API, one line each',
    action() {
      for (const [call, what] of Object.entries(help)) this.output.write(`${call.padEnd(20)} ${what}\n`);
      this.output.write('.exit                leave (or Ctrl-D)\n');
      this.displayPrompt();
    },
  });

  // tend restarting (hot or not) closes the connection: connect again and carry on
  const reconnect = async (): Promise<void> => {
    await client.closed;
    if (closing) return;
    server.output.write(`\nconnection to ${socket} lost; connecting again…\n`);
    for (;;) {
      try {
        client = await connect({ socket });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 500));
        if (closing) return;
      }
    }
    expose(client);
    server.output.write(`connected to ${socket} again\n`);
    server.displayPrompt(true);
    void reconnect();
  };
  let closing = false;
  void reconnect();
  await new Promise<void>((resolve) => server.on('exit', () => resolve()));
  closing = true;
  client.close();
  return 0;
}
