/**
 * What every command gets: where to write, whether to colour and print JSON, how to reach
 * tend, and one way to turn an error into a message and an exit status.
 */
import { type Client, connect } from '../client/client.ts';
import { RpcError } from '../client/connection.ts';
import { chooseRemote } from '../client/remote-choice.ts';
import { errors, isErrorCode, isTendError } from '../core/errors.ts';
import { colorEnabled, type Paint, painter } from './output/color.ts';

export interface GlobalOptions {
  readonly socket?: string;
  readonly home?: string;
  readonly host?: string;
  readonly token?: string;
  readonly ca?: string;
  readonly insecure?: boolean;
  readonly context?: string;
  readonly json?: boolean;
  readonly color?: boolean;
}

export interface Cli {
  readonly out: NodeJS.WriteStream;
  readonly err: NodeJS.WriteStream;
  readonly json: boolean;
  readonly color: boolean;
  readonly paint: Paint;
  readonly options: GlobalOptions;
  print(text: string): void;
  printJson(value: unknown): void;
  client(): Promise<Client>;
  close(): Promise<void>;
}

export function makeCli(options: GlobalOptions): Cli {
  const color = options.color !== false && colorEnabled(process.stdout);
  let client: Promise<Client> | null = null;
  return {
    out: process.stdout,
    err: process.stderr,
    json: options.json === true,
    color,
    paint: painter(color),
    options,
    print: (text) => {
      process.stdout.write(`${text}\n`);
    },
    printJson: (value) => {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    client: () => {
      client ??= chooseRemote(options).then((remote) =>
        connect({ socket: options.socket, home: options.home, remote }),
      );
      return client;
    },
    close: async () => {
      const c = await client?.catch(() => null);
      c?.close();
    },
  };
}

const hints: Partial<Record<string, string>> = {
  TEND_DAEMON_UNREACHABLE:
    'start one with "tend daemon" (or "tend up" in a project folder), or point --socket at one',
  TEND_SERVICE_NOT_FOUND: 'run "tend ls" to see services',
  TEND_CONFIG_NOT_FOUND: 'create a tend.toml, or pass the config file as an argument',
  TEND_DAEMON_RUNNING: 'stop it with "tend shutdown", or use another --home',
};

/** Prints an error as `tend: message` plus a hint on stderr; returns the exit status. */
export function reportError(cli: Pick<Cli, 'err' | 'paint' | 'json'>, e: unknown): number {
  let code: string | undefined;
  let message: string;
  let data: unknown;
  let exit = 1;
  if (isTendError(e)) {
    code = e.code;
    message = e.message;
    data = e.data;
    exit = errors[e.code].exit;
  } else if (e instanceof RpcError) {
    code = e.tendCode ?? undefined;
    message = e.message;
    data = e.data;
    exit = code && isErrorCode(code) ? errors[code].exit : e.code === -32602 ? 2 : 1;
  } else {
    message = e instanceof Error ? e.message : String(e);
  }
  if (cli.json) {
    cli.err.write(`${JSON.stringify({ error: { code: code ?? 'TEND_ERROR', message, data } })}\n`);
  } else {
    cli.err.write(`${cli.paint('red', 'tend:')} ${message}\n`);
    const hint = code ? hints[code] : undefined;
    if (hint) cli.err.write(`${cli.paint('dim', `hint: ${hint}`)}\n`);
  }
  return exit;
}
