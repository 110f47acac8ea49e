/**
 * A JSON-RPC connection to tend's socket: calls matched to responses by id, notifications
 * delivered as async iterators with a bounded queue (a consumer that falls behind stops the
 * reading of the socket, so tend drops and counts what it cannot send, and tells it), and
 * every pending call failed when the connection closes.
 */
import net from 'node:net';
import type { z } from 'zod';
import { TendError } from '../core/errors.ts';
import { LineReader, type RpcErrorObject } from '../protocol/jsonrpc.ts';
import type { MethodName, notifications, ParamsOf, ResultOf } from '../protocol/methods.ts';

/** An error answer from tend; `tendCode` is its stable TEND_* code when it has one. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  readonly tendCode: string | null;

  constructor(error: RpcErrorObject) {
    super(error.message);
    this.name = 'RpcError';
    this.code = error.code;
    this.data = error.data;
    const code = (error.data as { code?: unknown } | undefined)?.code;
    this.tendCode = typeof code === 'string' && code.startsWith('TEND_') ? code : null;
  }
}

type NotificationName = keyof typeof notifications;
type NotificationParams<N extends NotificationName> = z.output<(typeof notifications)[N]>;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

interface Stream {
  readonly method: string;
  queue: unknown[];
  wake: (() => void) | null;
}

/** Notifications queued for a consumer before the socket is no longer read. */
const maxQueued = 10_000;

/** Bytes both ways: a unix socket, or the two halves of a streamed HTTPS request. */
export interface ConnectionIo {
  readonly input: NodeJS.ReadableStream;
  write(text: string): void;
  /** Ends the connection gracefully. */
  end(): void;
  destroy(): void;
}

export class RpcConnection {
  readonly #io: ConnectionIo;
  readonly #path: string;
  readonly #pending = new Map<number, Pending>();
  readonly #streams = new Set<Stream>();
  #nextId = 0;
  #closed = false;
  #paused = false;
  #onClosed: () => void = () => {};
  /** Resolves when the connection has closed, from either side. */
  readonly closed: Promise<void> = new Promise((resolve) => {
    this.#onClosed = resolve;
  });

  /** `where` names the other end in errors: a socket path or a URL. */
  constructor(io: ConnectionIo, where: string) {
    this.#io = io;
    this.#path = where;
    const reader = new LineReader(
      64 * 1024 * 1024,
      (line) => this.#receive(line),
      () => io.destroy(),
    );
    io.input.on('data', (chunk: Buffer) => reader.push(chunk));
    io.input.on('error', () => {});
    io.input.on('close', () => this.#onClose());
    io.input.on('end', () => this.#onClose());
  }

  static connect(socketPath: string, { timeoutMs = 5000 } = {}): Promise<RpcConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(socketPath);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(
          new TendError('TEND_DAEMON_UNREACHABLE', {
            socket: socketPath,
            why: `no answer within ${timeoutMs} ms`,
          }),
        );
      }, timeoutMs);
      socket.once('connect', () => {
        clearTimeout(timer);
        const io: ConnectionIo = {
          input: socket,
          write: (text) => socket.write(text),
          end: () => {
            socket.end();
            socket.destroySoon();
          },
          destroy: () => socket.destroy(),
        };
        resolve(new RpcConnection(io, socketPath));
      });
      socket.once('error', (e: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        const why =
          e.code === 'ENOENT'
            ? 'no socket there'
            : e.code === 'ECONNREFUSED'
              ? 'nothing listens on it'
              : e.message;
        reject(new TendError('TEND_DAEMON_UNREACHABLE', { socket: socketPath, why }));
      });
    });
  }

  get socketPath(): string {
    return this.#path;
  }

  call<M extends MethodName>(
    method: M,
    params?: ParamsOf<M>,
    { signal, timeoutMs }: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<ResultOf<M>> {
    if (this.#closed) {
      return Promise.reject(
        new TendError('TEND_DAEMON_UNREACHABLE', { socket: this.#path, why: 'connection closed' }),
      );
    }
    const id = ++this.#nextId;
    return new Promise<ResultOf<M>>((resolve, reject) => {
      signal?.throwIfAborted();
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#pending.delete(id);
      };
      const onAbort = () => {
        cleanup();
        reject(signal?.reason);
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              cleanup();
              reject(new TendError('TEND_TIMEOUT', { ms: timeoutMs, what: `an answer to ${method}` }));
            }, timeoutMs);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, {
        resolve: (v) => {
          cleanup();
          resolve(v as ResultOf<M>);
        },
        reject: (e) => {
          cleanup();
          reject(e);
        },
      });
      const message =
        params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params };
      this.#io.write(`${JSON.stringify(message)}\n`);
    });
  }

  /**
   * Incoming notifications of one method, from now until the connection closes or `signal`
   * aborts (which ends the iteration at once, even while nothing arrives).
   */
  notifications<N extends NotificationName>(
    method: N,
    { signal }: { signal?: AbortSignal | undefined } = {},
  ): AsyncIterable<NotificationParams<N>> {
    const stream: Stream = { method, queue: [], wake: null };
    this.#streams.add(stream);
    const self = this;
    const onAbort = () => {
      stream.wake?.();
      stream.wake = null;
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for (;;) {
            if (signal?.aborted) return;
            if (stream.queue.length) {
              const next = stream.queue.shift() as NotificationParams<N>;
              if (stream.queue.length <= maxQueued / 2) self.#resumeReading();
              yield next;
              continue;
            }
            if (self.#closed) return;
            await new Promise<void>((r) => {
              stream.wake = r;
            });
          }
        } finally {
          signal?.removeEventListener('abort', onAbort);
          self.#streams.delete(stream);
          self.#resumeReading();
        }
      },
    };
  }

  close(): void {
    this.#io.end();
    this.#onClose();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
  }

  #receive(line: string): void {
    let msg: { id?: unknown; result?: unknown; error?: RpcErrorObject; method?: string; params?: unknown };
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof msg.method === 'string' && msg.id === undefined) {
      for (const s of this.#streams) {
        if (s.method !== msg.method) continue;
        s.queue.push(msg.params);
        // never dropped here, where nobody would count it: tend counts what it cannot send
        if (s.queue.length >= maxQueued && !this.#paused) {
          this.#paused = true;
          this.#io.input.pause();
        }
        s.wake?.();
        s.wake = null;
      }
      return;
    }
    const pending = typeof msg.id === 'number' ? this.#pending.get(msg.id) : undefined;
    if (!pending) return;
    if (msg.error) pending.reject(new RpcError(msg.error));
    else pending.resolve(msg.result);
  }

  /** Reads the socket again once every consumer is back under its bound. */
  #resumeReading(): void {
    if (!this.#paused) return;
    for (const s of this.#streams) if (s.queue.length > maxQueued / 2) return;
    this.#paused = false;
    this.#io.input.resume();
  }

  #onClose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#onClosed();
    const error = new TendError('TEND_DAEMON_UNREACHABLE', { socket: this.#path, why: 'connection closed' });
    for (const p of [...this.#pending.values()]) p.reject(error);
    this.#pending.clear();
    for (const s of this.#streams) {
      s.wake?.();
      s.wake = null;
    }
  }
}
