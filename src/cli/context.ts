/**
 * What every command gets: where to write, whether to colour and print JSON, how to reach
 * tend (and saying which tend answered), and one way to turn an error into `tend: what went
 * wrong`, `hint: what to do` and an exit status.
 */
import { type Client, connect } from '../client/client.ts';
import { RpcError } from '../client/connection.ts';
import { chooseRemote } from '../client/remote-choice.ts';
import { errors, isErrorCode, isTendError } from '../core/errors.ts';
import { colorEnabled, type Paint, painter } from './output/color.ts';
import { describeTend, nearbyHint, nearbyTends } from './which-tend.ts';

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
  /** After client(): whether the tend is this machine's (its clock and files are ours). */
  readonly local: boolean;
  /** After client(): the socket (or URL) and how it was chosen; null before. */
  readonly which: { readonly socket: string; readonly source: string } | null;
  print(text: string): void;
  printJson(value: unknown): void;
  client(): Promise<Client>;
  close(): Promise<void>;
}

export interface CliSettings {
  /** Say on a terminal which tend answered (not for the TUI, whose header says it). */
  readonly sayWhich?: boolean;
}

export function makeCli(options: GlobalOptions, settings: CliSettings = {}): Cli {
  const color = options.color !== false && colorEnabled(process.stdout);
  const errPaint = painter(options.color !== false && colorEnabled(process.stderr));
  let client: Promise<Client> | null = null;
  let which: Cli['which'] = null;
  let local = true;
  return {
    out: process.stdout,
    err: process.stderr,
    json: options.json === true,
    color,
    paint: painter(color),
    options,
    get local() {
      return local;
    },
    get which() {
      return which;
    },
    print: (text) => {
      process.stdout.write(`${text}\n`);
    },
    printJson: (value) => {
      process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    },
    client: () => {
      client ??= chooseRemote(options).then(async (remote) => {
        local = remote === null;
        const c = await connect({ socket: options.socket, home: options.home, remote });
        which = { socket: c.socket, source: c.source };
        // on a terminal, one short line says which tend this is (a project's tend up, a daemon…)
        if (settings.sayWhich !== false && process.stderr.isTTY)
          process.stderr.write(`${errPaint('dim', `via ${describeTend(c.socket, c.source)}`)}\n`);
        return c;
      });
      return client;
    },
    close: async () => {
      const c = await client?.catch(() => null);
      c?.close();
    },
  };
}

/** The command line as typed, without the options that chose a tend (a hint adds its own). */
function commandWords(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--socket' || a === '--home') i++;
    else if (!a.startsWith('--socket=') && !a.startsWith('--home=')) out.push(a);
  }
  return out;
}

/**
 * Prints an error as `tend: message` (naming the tend that answered) and `hint: …` on stderr,
 * or one JSON object with --json; returns the exit status. A service that is not found here
 * may be in another tend nearby, and the hint says so.
 */
export async function reportError(
  cli: Pick<Cli, 'err' | 'paint' | 'json' | 'which' | 'options'>,
  e: unknown,
): Promise<number> {
  let code: string | undefined;
  let message: string;
  let data: Record<string, unknown> = {};
  let exit = 1;
  if (isTendError(e)) {
    code = e.code;
    message = e.message;
    data = { ...e.data };
    exit = errors[e.code].exit;
  } else if (e instanceof RpcError) {
    code = e.tendCode ?? undefined;
    message = e.message;
    data = typeof e.data === 'object' && e.data !== null ? { ...(e.data as Record<string, unknown>) } : {};
    exit = code && isErrorCode(code) ? errors[code].exit : e.code === -32602 ? 2 : 1;
  } else {
    message = e instanceof Error ? e.message : String(e);
  }
  const hints = [code && isErrorCode(code) ? errors[code].hint(data) : 'see "tend --help"'];
  const which = cli.which;
  // a service not found here, or no tend here at all: another tend nearby may be the one meant
  const asked = which?.socket ?? (code === 'TEND_DAEMON_UNREACHABLE' ? String(data.socket) : null);
  if (asked && (code === 'TEND_SERVICE_NOT_FOUND' || code === 'TEND_DAEMON_UNREACHABLE')) {
    const name = code === 'TEND_SERVICE_NOT_FOUND' && typeof data.name === 'string' ? data.name : null;
    const nearby = await nearbyTends(cli.options, asked, name);
    const extra = nearbyHint(nearby, commandWords(process.argv.slice(2)));
    if (extra) hints.push(extra);
  }
  const hint = hints.join('; ');
  if (cli.json) {
    const error = { code: code ?? 'TEND_ERROR', message, hint, data, ...(which ?? {}) };
    cli.err.write(`${JSON.stringify({ error })}\n`);
    return exit;
  }
  // the unreachable message names its socket already
  const where =
    which && code !== 'TEND_DAEMON_UNREACHABLE' ? ` [${describeTend(which.socket, which.source)}]` : '';
  cli.err.write(`${cli.paint('red', 'tend:')} ${message}${where}\n`);
  cli.err.write(`${cli.paint('dim', `hint: ${hint}`)}\n`);
  return exit;
}
