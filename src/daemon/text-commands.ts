/**
 * The text form of commands a controller may write instead of JSON-RPC, one per line:
 * `start NAME…`, `stop NAME…`, `restart NAME…`, `remove NAME…`, `signal NAME SIGNAL`,
 * `add NAME COMMAND…`, and daemonproxy's `echo TEXT`, `statedump`, `signal.clear SIGNAL [N]`,
 * `fd.take NAME`, `service.fds NAME FD=HANDLE…`, `terminate.guard +|- CODE`,
 * `terminate.exec_args ARGS…`. Fields are split on tabs when the line has one (so an argument
 * may hold spaces), else on blanks. Each becomes a request; the answer is `ok VERB …` or
 * `error VERB: why`; `echo` is answered `echo TEXT` once every earlier command is done.
 */
import type { RpcResponse } from '../protocol/jsonrpc.ts';

export type TextCommand =
  | { readonly verb: string; readonly method: string; readonly params: unknown }
  | { readonly verb: 'echo'; readonly echo: string }
  | { readonly verb: string; readonly error: string };

const known =
  'start, stop, restart, remove, signal, add, echo, statedump, signal.clear, fd.take, service.fds, terminate.guard, terminate.exec_args';

const stdKeys = ['stdin', 'stdout', 'stderr'];

/** `3=secret stdin=in.r` or daemonproxy's positional `null in.w in.w` (fd 0, 1, 2…; `-` skips). */
function fdsOf(words: readonly string[]): Record<string, string> {
  const fds: Record<string, string> = {};
  words.forEach((w, i) => {
    const eq = w.indexOf('=');
    if (eq > 0) fds[w.slice(0, eq)] = w.slice(eq + 1);
    else if (w !== '-') fds[stdKeys[i] ?? String(i)] = w;
  });
  return fds;
}

export function parseTextCommand(line: string): TextCommand {
  const trimmed = line.replace(/^[ ]+|[\r\n]+$/g, '');
  const [verb = '', ...words] = trimmed.includes('\t') ? trimmed.split('\t') : trimmed.trim().split(/\s+/);
  const needs = (n: number, usage: string) =>
    words.length < n ? { verb, error: `usage: ${verb} ${usage}` } : null;
  switch (verb) {
    case 'start':
    case 'stop':
    case 'restart':
    case 'remove':
      return needs(1, 'NAME…') ?? { verb, method: `service.${verb}`, params: { names: words } };
    case 'signal':
      return (
        needs(2, 'NAME SIGNAL') ?? {
          verb,
          method: 'service.kill',
          params: { names: [words[0]], signal: words[1] },
        }
      );
    case 'add': {
      const [name = '', ...command] = words;
      return (
        needs(2, 'NAME COMMAND…') ?? {
          verb,
          method: 'service.add',
          params: { services: { [name]: { command: command.join(' ') } } },
        }
      );
    }
    case 'echo':
      return { verb, echo: words.join(trimmed.includes('\t') ? '\t' : ' ') };
    case 'statedump':
      return { verb, method: 'events.statedump', params: {} };
    case 'signal.clear':
      return (
        needs(1, 'SIGNAL [COUNT]') ?? {
          verb,
          method: 'signal.clear',
          params: { signal: words[0], count: words[1] === undefined ? 1 : Number(words[1]) },
        }
      );
    case 'fd.take':
      return needs(1, 'NAME') ?? { verb, method: 'fd.take', params: { name: words[0] } };
    case 'service.fds':
      return (
        needs(2, 'NAME FD=HANDLE…') ?? {
          verb,
          method: 'service.fds',
          params: { name: words[0], fds: fdsOf(words.slice(1)), restart: false },
        }
      );
    case 'terminate.guard': {
      const [sign, code] = words;
      if ((sign !== '+' && sign !== '-') || code === undefined || !/^-?\d+$/.test(code))
        return { verb, error: 'usage: terminate.guard +|- CODE' };
      return { verb, method: 'system.exit_guard', params: { enable: sign === '+', code: Number(code) } };
    }
    case 'terminate.exec_args':
      return { verb, method: 'system.exec_on_exit', params: { args: words } };
    default:
      return { verb, error: `unknown command ${JSON.stringify(verb)} (known: ${known})` };
  }
}

/** The one-line answer to a text command. */
export function textReply(verb: string, line: string, response: RpcResponse | null): string {
  if (response && 'error' in response) return `error ${verb}: ${response.error.message.replace(/\n/g, ' ')}`;
  return `ok ${line.trim()}`;
}
