/**
 * The JSON-RPC server on tend's unix socket: mode 0600 in a 0700 folder, one message per line.
 * A line over the limit closes only that connection; the dispatch itself is dispatcher.ts.
 */
import { chmodSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TendError } from '../core/errors.ts';
import { Dispatcher, type DispatcherOptions } from './dispatcher.ts';

export interface RpcServerOptions extends DispatcherOptions {
  readonly socketPath: string;
}

export class RpcServer {
  readonly #socketPath: string;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  /** The same dispatch serves the other transports (HTTP, controllers). */
  readonly dispatcher: Dispatcher;

  constructor(options: RpcServerOptions) {
    this.#socketPath = options.socketPath;
    this.dispatcher = new Dispatcher(options);
    this.#server = net.createServer((socket) => this.#accept(socket));
  }

  get socketPath(): string {
    return this.#socketPath;
  }

  async listen(): Promise<void> {
    const file = this.#socketPath;
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
      unlinkSync(this.#socketPath);
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
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.#sockets.delete(socket));
    this.dispatcher.serveStream({ input: socket, output: socket, destroy: () => socket.destroy() });
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
