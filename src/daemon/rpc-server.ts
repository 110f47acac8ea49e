/**
 * The JSON-RPC server on tend's unix socket: mode 0600 in a 0700 folder, one message per line;
 * with `[server.socket] group`, 0660 in a 0710 folder owned by that group, whose members get
 * the scope configured (the owner and root always get admin, told apart by SO_PEERCRED).
 * A line over the limit closes only that connection; the dispatch itself is dispatcher.ts.
 */
import { chmodSync, chownSync, existsSync, mkdirSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { TendError } from '../core/errors.ts';
import { peerCred } from '../native/peer-cred.ts';
import { resolveGroup } from '../process/users.ts';
import type { Scope } from '../protocol/scopes.ts';
import { type Access, Dispatcher, type DispatcherOptions } from './dispatcher.ts';

export interface RpcServerOptions extends DispatcherOptions {
  readonly socketPath: string;
  /** A group whose members may connect, with what they may do. */
  readonly group?: { readonly group: string; readonly scope: Scope } | null;
}

export class RpcServer {
  readonly #socketPath: string;
  readonly #server: net.Server;
  readonly #sockets = new Set<net.Socket>();
  readonly #group: { readonly gid: number; readonly scope: Scope } | null;
  /** The same dispatch serves the other transports (HTTP, controllers). */
  readonly dispatcher: Dispatcher;

  constructor(options: RpcServerOptions) {
    this.#socketPath = options.socketPath;
    const group = options.group;
    const gid = group ? resolveGroup(group.group) : null;
    if (group && gid === null) throw new TendError('TEND_SOCKET_GROUP_UNKNOWN', { group: group.group });
    this.#group = group && gid !== null ? { gid, scope: group.scope } : null;
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
    if (this.#group) {
      // members pass through the folder to the socket, and see nothing else in it
      chownSync(dir, -1, this.#group.gid);
      chmodSync(dir, 0o710);
      chownSync(file, -1, this.#group.gid);
      chmodSync(file, 0o660);
    } else {
      chmodSync(file, 0o600);
    }
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
    this.dispatcher.serveStream(
      { input: socket, output: socket, destroy: () => socket.destroy() },
      this.#accessOf(socket),
    );
  }

  /** The owner and root may do everything; anyone else got in through the group. */
  #accessOf(socket: net.Socket): Access {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
    const cred = peerCred(fd);
    if (!cred)
      return { scope: this.#group ? this.#group.scope : 'admin', who: 'a socket user', from: 'socket' };
    const owner = cred.uid === 0 || cred.uid === process.getuid?.();
    const scope = owner || !this.#group ? 'admin' : this.#group.scope;
    return { scope, who: `uid ${cred.uid}`, from: `socket pid ${cred.pid}` };
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
