/**
 * JSON-RPC dispatch over the protocol table, for every transport: the unix socket, a streamed
 * HTTP request, a single HTTP call, and a controller's pipes. Each message is checked against
 * the table's schemas before a handler runs, so bad input gets the standard error and harms
 * nothing. A reader that does not keep up loses notifications (counted), never blocks others.
 */
import type { z } from 'zod';
import { closest } from '../config/did-you-mean.ts';
import { formatPath } from '../config/issues.ts';
import { eventTsv } from '../protocol/event-tsv.ts';
import {
  errorResponse,
  isValidId,
  LineReader,
  type RpcId,
  type RpcResponse,
  requestProblem,
  rpcCodes,
  toErrorObject,
} from '../protocol/jsonrpc.ts';
import {
  type EventView,
  isMethodName,
  type MethodName,
  methods,
  type ParsedParamsOf,
  type ResultOf,
} from '../protocol/methods.ts';
import { parseTextCommand, textReply } from './text-commands.ts';

export interface CallContext {
  readonly connectionId: number;
  /** Pushes a notification to this connection; dropped (and counted) if it is not reading. */
  notify(method: string, params: unknown): void;
  /** Notifications dropped so far on this connection because its reader fell behind. */
  dropped(): number;
  onClose(fn: () => void): void;
  /** A controller on a control socket: the next descriptor that came with its commands. */
  takeFd?(): number | null;
}

export type Handlers = {
  readonly [M in MethodName]: (
    params: ParsedParamsOf<M>,
    ctx: CallContext,
  ) => Promise<ResultOf<M>> | ResultOf<M>;
};

export interface DispatcherOptions {
  readonly handlers: Handlers;
  readonly maxLineBytes?: number;
  /** Above this much unsent output, notifications to a connection are dropped. */
  readonly notifyHighWater?: number;
  /** Above this much unsent output, a connection that does not read is closed. */
  readonly hardLimit?: number;
}

/** What a stream transport gives: bytes in, bytes out, and a way to drop the connection. */
export interface StreamIo {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream & {
    readonly writableLength: number;
    readonly writableEnded: boolean;
    readonly destroyed: boolean;
  };
  destroy(): void;
}

const methodNames = Object.keys(methods);

export class Dispatcher {
  readonly #opts: Required<DispatcherOptions>;
  #nextId = 0;

  constructor(options: DispatcherOptions) {
    this.#opts = {
      maxLineBytes: 1024 * 1024,
      // a fast service can write tens of MB in one burst; a follower may lag this far behind
      notifyHighWater: 64 * 1024 * 1024,
      hardLimit: 256 * 1024 * 1024,
      ...options,
    };
  }

  /** A context for a one-shot call (an HTTP request): nothing can be pushed to it. */
  oneShotContext(): CallContext & { close(): void } {
    const closers: (() => void)[] = [];
    return {
      connectionId: ++this.#nextId,
      notify: () => {},
      dropped: () => 0,
      onClose: (fn) => closers.push(fn),
      close: () => {
        for (const fn of closers.splice(0)) fn();
      },
    };
  }

  /** One call with no connection behind it (an HTTP request, a scrape): the full response. */
  async callOnce(method: MethodName, params?: unknown): Promise<RpcResponse> {
    const ctx = this.oneShotContext();
    try {
      const message = { jsonrpc: '2.0', id: 1, method, ...(params === undefined ? {} : { params }) };
      return (await this.handleOne(message, ctx)) as RpcResponse;
    } finally {
      ctx.close();
    }
  }

  /** A context whose notifications go out as lines on `output`, dropped when it lags. */
  streamContext(
    output: StreamIo['output'],
    format: (method: string, params: unknown) => string = jsonNotification,
  ): CallContext & { close(): void } {
    const closers: (() => void)[] = [];
    let dropped = 0;
    return {
      connectionId: ++this.#nextId,
      notify: (method, params) => {
        if (output.destroyed || output.writableEnded) return;
        if (output.writableLength > this.#opts.notifyHighWater) {
          dropped++;
          return;
        }
        output.write(`${format(method, params)}\n`);
      },
      dropped: () => dropped,
      onClose: (fn) => closers.push(fn),
      close: () => {
        for (const fn of closers.splice(0)) fn();
      },
    };
  }

  /** A connection speaking newline-delimited JSON-RPC in both directions. */
  serveStream(io: StreamIo): CallContext & { close(): void } {
    const ctx = this.streamContext(io.output);
    const send = (message: unknown) => {
      if (io.output.destroyed || io.output.writableEnded) return;
      if (io.output.writableLength > this.#opts.hardLimit) {
        io.destroy();
        return;
      }
      io.output.write(`${JSON.stringify(message)}\n`);
    };
    const reader = new LineReader(
      this.#opts.maxLineBytes,
      (line) => {
        this.handleLine(line, ctx).then(
          (response) => {
            if (response !== null) send(response);
          },
          (e: unknown) => send(errorResponse(null, toErrorObject(e))),
        );
      },
      () => {
        const mib = Math.round(this.#opts.maxLineBytes / 1024 / 1024);
        io.output.end(
          `${JSON.stringify(errorResponse(null, { code: rpcCodes.invalidRequest, message: `message over ${mib} MiB; closing the connection` }))}\n`,
          () => io.destroy(),
        );
      },
    );
    io.input.on('data', (chunk: Buffer) => reader.push(chunk));
    // the client is done asking: answers still on their way are not wanted
    io.input.on('end', () => {
      if (!io.output.writableEnded) io.output.end();
    });
    io.input.on('close', () => ctx.close());
    return ctx;
  }

  /**
   * A controller (a service with `controller`): what it writes on stdout is read as commands,
   * JSON-RPC lines or the text form (text-commands.ts), and its stdin gets the answers and
   * tend's event stream, a snapshot first, as TSV lines or JSON-RPC notifications. A controller
   * that does not read loses events (counted, then an overflow line and a fresh snapshot), as
   * any subscriber does; it never blocks tend.
   */
  serveController(
    io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream; takeFd?: () => number | null },
    format: 'tsv' | 'json',
  ): void {
    const output = io.output as StreamIo['output'];
    const stream = this.streamContext(output, (method, params) => {
      const event = (params as { event?: EventView }).event;
      return format === 'tsv' && event ? eventTsv(event) : jsonNotification(method, params);
    });
    const ctx: CallContext & { close(): void } = io.takeFd ? { ...stream, takeFd: io.takeFd } : stream;
    // what has not been answered yet: `echo` answers after all of it (daemonproxy's barrier)
    const pending = new Set<Promise<unknown>>();
    const track = (p: Promise<unknown>) => {
      pending.add(p);
      void p.finally(() => pending.delete(p));
    };
    const write = (line: string) => {
      if (!output.destroyed) output.write(`${line}\n`);
    };
    // a controller that died leaves a broken pipe behind: nothing to report
    output.on('error', () => {});
    const answer = (line: string) => {
      // daemonproxy: a line starting with # is a comment
      if (line.trim() === '' || /^\s*#/.test(line)) return;
      if (/^\s*[[{]/.test(line)) {
        track(
          this.handleLine(line, ctx).then(
            (r) => r !== null && write(JSON.stringify(r)),
            () => {},
          ),
        );
        return;
      }
      const command = parseTextCommand(line);
      if ('error' in command) return write(`error ${command.verb}: ${command.error}`);
      if ('echo' in command) {
        track(
          Promise.allSettled([...pending]).then(() => write(`echo${command.echo ? ` ${command.echo}` : ''}`)),
        );
        return;
      }
      const request = { jsonrpc: '2.0', id: 0, method: command.method, params: command.params };
      track(
        this.handleOne(request, ctx).then(
          (r) => write(textReply(command.verb, line, r)),
          () => {},
        ),
      );
    };
    const reader = new LineReader(this.#opts.maxLineBytes, answer, () => {
      write(`error: a line over ${Math.round(this.#opts.maxLineBytes / 2 ** 20)} MiB`);
    });
    io.input.on('data', (chunk: Buffer) => reader.push(chunk));
    io.input.on('close', () => ctx.close());
    // the event stream, a snapshot first: the controller needs no query to know where things stand
    void this.handleOne(
      { jsonrpc: '2.0', id: 0, method: 'events.subscribe', params: { snapshot: true } },
      ctx,
    );
  }

  /** One line of JSON: a request, a notification or a batch; null when nothing is owed. */
  async handleLine(line: string, ctx: CallContext): Promise<RpcResponse | RpcResponse[] | null> {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return errorResponse(null, {
        code: rpcCodes.parseError,
        message: 'parse error: the message is not valid JSON',
      });
    }
    if (Array.isArray(message)) {
      if (message.length === 0) {
        return errorResponse(null, {
          code: rpcCodes.invalidRequest,
          message: 'invalid request: an empty batch',
        });
      }
      const responses = await Promise.all(message.map((m) => this.handleOne(m, ctx)));
      const answered = responses.filter((r): r is RpcResponse => r !== null);
      return answered.length ? answered : null;
    }
    return this.handleOne(message, ctx);
  }

  async handleOne(message: unknown, ctx: CallContext): Promise<RpcResponse | null> {
    const problem = requestProblem(message);
    const rawId = (message as { id?: unknown } | null)?.id;
    if (problem) {
      return errorResponse(isValidId(rawId) ? rawId : null, {
        code: rpcCodes.invalidRequest,
        message: `invalid request: ${problem}`,
      });
    }
    const req = message as { method: string; params?: unknown; id?: RpcId };
    const isNotification = !('id' in req);
    const id = req.id ?? null;
    const answer = (r: RpcResponse) => (isNotification ? null : r);
    if (!isMethodName(req.method)) {
      const suggestion = closest(req.method, methodNames);
      return answer(
        errorResponse(id, {
          code: rpcCodes.methodNotFound,
          message: `method ${JSON.stringify(req.method)} not found${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
          data: { method: req.method, suggestion },
        }),
      );
    }
    const spec = methods[req.method];
    const parsed = (spec.params as z.ZodType).safeParse(req.params, { reportInput: true });
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
      const text = issues.map((i) => `${i.path || 'params'}: ${i.message}`).join('; ');
      return answer(
        errorResponse(id, {
          code: rpcCodes.invalidParams,
          message: `invalid params: ${text}`,
          data: { issues },
        }),
      );
    }
    try {
      const handler = this.#opts.handlers[req.method] as (p: unknown, c: CallContext) => unknown;
      const result = await handler(parsed.data, ctx);
      return answer({ jsonrpc: '2.0', id, result });
    } catch (e) {
      return answer(errorResponse(id, toErrorObject(e)));
    }
  }
}

function jsonNotification(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: '2.0', method, params });
}
