/**
 * The text form of commands a controller may write instead of JSON-RPC, one per line:
 * `start NAME…`, `stop NAME…`, `restart NAME…`, `remove NAME…`, `signal NAME SIGNAL`,
 * `add NAME COMMAND…`. Each becomes a request; the answer is `ok VERB …` or `error VERB: why`.
 */
import type { RpcResponse } from '../protocol/jsonrpc.ts';

export type TextCommand =
  | { readonly verb: string; readonly method: string; readonly params: unknown }
  | { readonly verb: string; readonly error: string };

const known = 'start, stop, restart, remove, signal, add';

export function parseTextCommand(line: string): TextCommand {
  const [verb = '', ...words] = line.trim().split(/\s+/);
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
    default:
      return { verb, error: `unknown command ${JSON.stringify(verb)} (known: ${known})` };
  }
}

/** The one-line answer to a text command. */
export function textReply(verb: string, line: string, response: RpcResponse | null): string {
  if (response && 'error' in response) return `error ${verb}: ${response.error.message.replace(/\n/g, ' ')}`;
  return `ok ${line.trim()}`;
}
