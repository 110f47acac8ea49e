/**
 * The JSON-RPC server on tend's unix socket: mode 0600 in a 0700 folder, one message per line.
 * Bad input gets the standard error and harms nothing; a line over the limit closes only that
 * connection; a client that does not read loses notifications (counted), never blocks others.
 */
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { z } from 'zod';
import { closest } from '../config/did-you-mean.ts';
import { formatPath } from '../config/issues.ts';
import { TendError } from '../core/errors.ts';
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
}

export type Handlers = {
  readonly [M in MethodName]: (
    params: ParsedParamsOf<M>,
    ctx: CallContext,
  ) => Promise<ResultOf<M>> | ResultOf<M>;
};

export interface RpcServerOptions {
  readonly socketPath: string;
  readonly handlers: Handlers;
  readonly maxLineBytes?: number;
  /** Above this much unsent output, notifications to a connection are dropped. */
  readonly notifyHighWater?: number;
  /** Above this much unsent output, a connection that does not read is closed. */
  readonly hardLimit?: number;
}

const methodNames = Object.keys(methods);

export class RpcServer {
  readonly #opts: Required<RpcServerOptions>;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  #nextId = 0;

  constructor(options: RpcServerOptions) {
    this.#opts = {
      maxLineBytes: 1024 * 1024,
      // a fast service can write tens of MB in one burst; a follower may lag this far behind
      notifyHighWater: 64 * 1024 * 1024,
      hardLimit: 256 * 1024 * 1024,
      ...options,
    };
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  get socketPath(): string {
    return this.#opts.socketPath;
  }

  async listen(): Promise<void> {
    const file = this.#opts.socketPath;
    const dir = path.dirname(file);
    if (!existsSync(dir)) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      chmodSync(dir, 0o700);
    }
    if (existsSync(file)) await this.#replaceStale(file);
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(file, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
    chmodSync(file, 0o600);
  }

  /** A socket file whose server answers belongs to a live tend; otherwise it is stale. */
  async #replaceStale(file: string): Promise<void> {
    const answer = await probe(file);
    if (answer.alive) throw new TendError('TEND_DAEMON_RUNNING', { socket: file, pid: answer.pid });
    unlinkSync(file);
  }

  async close(): Promise<void> {
    // stop accepting before the clients learn of the close: one that connects again at once
    // must not land in the backlog of a listener that is going away
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    try {
      unlinkSync(this.#opts.socketPath);
    } catch {
      // already gone
    }
    for (const s of this.#sockets) s.destroy();
    await closed;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #accept(socket: net.Socket): void {
    this.#sockets.add(socket);
    const closers: (() => void)[] = [];
    let dropped = 0;
    const ctx: CallContext = {
      connectionId: ++this.#nextId,
      notify: (method, params) => {
        if (socket.destroyed) return;
        if (socket.writableLength > this.#opts.notifyHighWater) {
          dropped++;
          return;
        }
        socket.write(`${JSON.stringify({ jsonrpc: '2.0', method, params })}\n`);
      },
      dropped: () => dropped,
      onClose: (fn) => closers.push(fn),
    };
    const send = (message: unknown) => {
      if (socket.destroyed) return;
      if (socket.writableLength > this.#opts.hardLimit) {
        socket.destroy();
        return;
      }
      socket.write(`${JSON.stringify(message)}\n`);
    };
    const reader = new LineReader(
      this.#opts.maxLineBytes,
      (line) => {
        this.#handleLine(line, ctx).then(
          (response) => {
            if (response !== null) send(response);
          },
          (e: unknown) => send(errorResponse(null, toErrorObject(e))),
        );
      },
      () => {
        const mib = Math.round(this.#opts.maxLineBytes / 1024 / 1024);
        socket.end(
          `${JSON.stringify(errorResponse(null, { code: rpcCodes.invalidRequest, message: `message over ${mib} MiB; closing the connection` }))}\n`,
        );
        socket.destroySoon();
      },
    );
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#sockets.delete(socket);
      for (const fn of closers) fn();
    });
  }

  /**
   * A controller (a service with `controller`): what it writes on stdout is read as commands,
   * JSON-RPC lines or the text form (text-commands.ts), and its stdin gets the answers and
   * tend's event stream, a snapshot first, as TSV lines or JSON-RPC notifications. A controller
   * that does not read loses events (counted, then an overflow line and a fresh snapshot), as
   * any subscriber does; it never blocks tend.
   */
  serveController(
    io: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream },
    format: 'tsv' | 'json',
  ): void {
    const output = io.output as NodeJS.WritableStream & { writableLength: number; destroyed: boolean };
    const closers: (() => void)[] = [];
    let dropped = 0;
    const write = (line: string) => {
      if (output.destroyed) return;
      if (output.writableLength > this.#opts.notifyHighWater) {
        dropped++;
        return;
      }
      output.write(`${line}\n`);
    };
    const ctx: CallContext = {
      connectionId: ++this.#nextId,
      notify: (method, params) => {
        const event = (params as { event?: EventView }).event;
        write(
          format === 'tsv' && event ? eventTsv(event) : JSON.stringify({ jsonrpc: '2.0', method, params }),
        );
      },
      dropped: () => dropped,
      onClose: (fn) => closers.push(fn),
    };
    // a controller that died leaves a broken pipe behind: nothing to report
    output.on('error', () => {});
    const answer = (line: string) => {
      if (line.trim() === '') return;
      if (/^\s*[[{]/.test(line)) {
        this.#handleLine(line, ctx).then(
          (r) => r !== null && write(JSON.stringify(r)),
          () => {},
        );
        return;
      }
      const command = parseTextCommand(line);
      if ('error' in command) return write(`error ${command.verb}: ${command.error}`);
      const request = { jsonrpc: '2.0', id: 0, method: command.method, params: command.params };
      this.#handleOne(request, ctx).then(
        (r) => write(textReply(command.verb, line, r)),
        () => {},
      );
    };
    const reader = new LineReader(this.#opts.maxLineBytes, answer, () => {
      write(`error: a line over ${Math.round(this.#opts.maxLineBytes / 2 ** 20)} MiB`);
    });
    io.input.on('data', (chunk: Buffer) => reader.push(chunk));
    io.input.on('close', () => {
      for (const fn of closers) fn();
    });
    // the event stream, a snapshot first: the controller needs no query to know where things stand
    void this.#handleOne(
      { jsonrpc: '2.0', id: 0, method: 'events.subscribe', params: { snapshot: true } },
      ctx,
    );
  }

  async #handleLine(line: string, ctx: CallContext): Promise<unknown> {
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
      const responses = await Promise.all(message.map((m) => this.#handleOne(m, ctx)));
      const answered = responses.filter((r): r is RpcResponse => r !== null);
      return answered.length ? answered : null;
    }
    return this.#handleOne(message, ctx);
  }

  async #handleOne(message: unknown, ctx: CallContext): Promise<RpcResponse | null> {
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

/** Connects to an existing socket: alive if something accepts, with its pid if it says. */
function probe(file: string): Promise<{ alive: boolean; pid?: number }> {
  return new Promise((resolve) => {
    const socket = net.connect(file);
    const done = (v: { alive: boolean; pid?: number }) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => done({ alive: true }), 1000);
    socket.on('connect', () => {
      socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system.version' })}\n`);
    });
    let buf = '';
    socket.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl === -1) return;
      try {
        const pid = (JSON.parse(buf.slice(0, nl)) as { result?: { pid?: number } }).result?.pid;
        done({ alive: true, ...(pid ? { pid } : {}) });
      } catch {
        done({ alive: true });
      }
    });
    socket.on('error', () => done({ alive: false }));
  });
}
