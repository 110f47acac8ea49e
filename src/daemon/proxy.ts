/**
 * On-demand services (zinit's xinit): tend listens on the service's socket handle; the first
 * connection starts the service, waits until its backend accepts (or its readiness check
 * passes), then splices bytes both ways; after `idle_timeout` with no connection the service
 * is stopped. Connections that arrive meanwhile share the one start. Without a backend the
 * service takes the listening socket itself (socket activation): tend only watches it for a
 * waiting connection while the service is down, and never accepts one.
 */
import net from 'node:net';
import type { HandleTable } from '../core/handles.ts';
import { isAtRest } from '../core/lifecycle.ts';
import type { OnDemandSpec } from '../core/service-spec.ts';
import type { Supervisor } from '../core/supervisor.ts';
import { type ReadWatch, watchReadable } from '../native/fd-passing.ts';
import { dupAbove } from '../native/fds.ts';
import type { ProxyView } from '../protocol/fd-methods.ts';

/** How soon a refused connection to a backend that is starting is tried again. */
const retryMs = 25;

class ServiceProxy {
  readonly service: string;
  readonly spec: OnDemandSpec;
  readonly #sup: Supervisor;
  readonly #handles: HandleTable;
  #server: net.Server | null = null;
  #watch: ReadWatch | null = null;
  #starting: Promise<boolean> | null = null;
  #idle: NodeJS.Timeout | null = null;
  readonly #open = new Set<net.Socket>();
  /** single_connection: clients waiting for the one before them to end. */
  readonly #queue: net.Socket[] = [];
  #closed = false;
  readonly stats = {
    total: 0,
    bytesIn: 0,
    bytesOut: 0,
    lastUse: null as number | null,
    starts: 0,
    failures: 0,
  };

  constructor(service: string, spec: OnDemandSpec, sup: Supervisor, handles: HandleTable) {
    this.service = service;
    this.spec = spec;
    this.#sup = sup;
    this.#handles = handles;
  }

  /** Listens (a proxy) or watches (the service takes the socket); false without the handle. */
  open(): boolean {
    const handle = this.#handles.get(this.spec.listen);
    if (!handle) return false;
    if (this.spec.backend === null) {
      this.serviceChanged();
      return true;
    }
    // a copy: closing the server must not close the handle, which outlives tend's restarts
    const fd = dupAbove(handle.fd, 3);
    if (typeof fd !== 'number') return false;
    this.#server = net.createServer({ pauseOnConnect: true }, (c) => this.#accepted(c));
    this.#server.on('error', () => {});
    this.#server.listen({ fd });
    return true;
  }

  get #atRest(): boolean {
    const states = this.#sup.status(this.service);
    return states.length === 0 || states.every((s) => isAtRest(s.state));
  }

  /** Take mode: watch the socket while the service is down, so a waiting client starts it. */
  serviceChanged(): void {
    if (this.spec.backend !== null || this.#closed) return;
    const fd = this.#handles.get(this.spec.listen)?.fd;
    if (this.#atRest && !this.#watch && fd !== undefined) {
      this.#watch = watchReadable(fd, () => {
        this.#watch?.close();
        this.#watch = null;
        this.stats.lastUse = Date.now();
        this.stats.total++;
        void this.#ensureStarted();
      });
    } else if (!this.#atRest && this.#watch) {
      this.#watch.close();
      this.#watch = null;
    }
  }

  #accepted(client: net.Socket): void {
    client.on('error', () => {});
    this.stats.total++;
    this.stats.lastUse = Date.now();
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    this.#open.add(client);
    client.once('close', () => this.#ended(client));
    if (this.spec.singleConnection && this.#open.size > 1) {
      this.#queue.push(client);
      return;
    }
    void this.#serve(client);
  }

  async #serve(client: net.Socket): Promise<void> {
    const up = await this.#ensureStarted();
    const backend = up ? await this.#connect() : null;
    if (!backend || client.destroyed) {
      if (!backend) this.stats.failures++;
      backend?.destroy();
      client.destroy();
      return;
    }
    backend.on('error', () => client.destroy());
    client.on('data', (d: Buffer) => {
      this.stats.bytesIn += d.length;
    });
    backend.on('data', (d: Buffer) => {
      this.stats.bytesOut += d.length;
    });
    client.pipe(backend);
    backend.pipe(client);
    client.once('close', () => backend.destroy());
    backend.once('close', () => client.destroy());
    client.resume();
  }

  #ended(client: net.Socket): void {
    this.#open.delete(client);
    this.stats.lastUse = Date.now();
    const next = this.#queue.shift();
    if (next) void this.#serve(next);
    if (this.#open.size === 0 && this.spec.idleTimeoutMs !== null && !this.#closed) {
      this.#idle = setTimeout(() => {
        this.#idle = null;
        if (this.#open.size === 0 && !this.#atRest) this.#sup.stop([this.service]);
      }, this.spec.idleTimeoutMs);
    }
  }

  /** Starts the service once for every connection waiting on it; resolves when it is up. */
  #ensureStarted(): Promise<boolean> {
    if (this.#starting) return this.#starting;
    const states = this.#sup.status(this.service);
    if (states.some((s) => s.state === 'running') && this.spec.backend !== null) return Promise.resolve(true);
    // finally runs a turn later: the promise is in place before it is cleared
    this.#starting = this.#start().finally(() => {
      this.#starting = null;
    });
    return this.#starting;
  }

  async #start(): Promise<boolean> {
    try {
      if (this.#atRest) {
        this.stats.starts++;
        this.#sup.start([this.service]);
      }
      const ready = this.#sup.spec(this.service).ready !== null || this.spec.backend === null;
      if (ready)
        await this.#sup.waitFor([this.service], ['running'], { timeoutMs: this.spec.connectTimeoutMs });
      return true;
    } catch {
      return false;
    }
  }

  /** Connects to the backend, trying again while it refuses, until connect_timeout. */
  async #connect(): Promise<net.Socket | null> {
    const b = this.spec.backend;
    if (!b) return null;
    const deadline = Date.now() + this.spec.connectTimeoutMs;
    for (;;) {
      const socket = await new Promise<net.Socket | null>((resolve) => {
        const s = 'path' in b ? net.connect(b.path) : net.connect(b.port, b.host);
        s.once('connect', () => resolve(s));
        s.once('error', () => {
          s.destroy();
          resolve(null);
        });
      });
      if (socket) return socket;
      const states = this.#sup.status(this.service);
      const gaveUp = states.every(
        (s) => s.state === 'failed' || s.state === 'inactive' || s.state === 'exited',
      );
      if (Date.now() > deadline || gaveUp || this.#closed) return null;
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }

  view(): ProxyView {
    const h = this.#handles.get(this.spec.listen);
    const b = this.spec.backend;
    const states = this.#sup.status(this.service);
    return {
      service: this.service,
      listen: h?.detail ?? this.spec.listen,
      backend: b === null ? null : 'path' in b ? `unix://${b.path}` : `${b.host}:${b.port}`,
      state: this.#starting ? 'starting' : states.some((s) => s.state === 'running') ? 'active' : 'idle',
      connections: this.spec.backend === null ? 0 : this.#open.size,
      total: this.stats.total,
      bytes_in: this.stats.bytesIn,
      bytes_out: this.stats.bytesOut,
      last_use: this.stats.lastUse,
      starts: this.stats.starts,
      failures: this.stats.failures,
    };
  }

  close(): void {
    this.#closed = true;
    if (this.#idle) clearTimeout(this.#idle);
    this.#watch?.close();
    this.#watch = null;
    this.#server?.close();
    for (const c of this.#open) c.destroy();
  }
}

/** Every on-demand service's proxy, kept in step with the service set. */
export class OnDemandProxies {
  readonly #sup: Supervisor;
  readonly #handles: HandleTable;
  readonly #proxies = new Map<string, ServiceProxy>();

  constructor(sup: Supervisor, handles: HandleTable) {
    this.#sup = sup;
    this.#handles = handles;
    sup.events.add((e) => {
      if (e.type === 'added' || e.type === 'removed') this.sync();
      else if (e.type === 'state')
        this.#proxies.get(this.#sup.status(e.service)[0]?.base ?? '')?.serviceChanged();
    });
  }

  /** A proxy for each service with on_demand, none for the others. */
  sync(): void {
    const specs = new Map(
      this.#sup.specs().flatMap((s) => (s.onDemand ? [[s.name, s.onDemand] as const] : [])),
    );
    for (const [name, p] of this.#proxies) {
      if (specs.get(name) === p.spec) continue;
      p.close();
      this.#proxies.delete(name);
    }
    for (const [name, spec] of specs) {
      if (this.#proxies.has(name)) continue;
      const p = new ServiceProxy(name, spec, this.#sup, this.#handles);
      if (p.open()) this.#proxies.set(name, p);
    }
  }

  status(name?: string): ProxyView[] {
    return [...this.#proxies.values()].filter((p) => !name || p.service === name).map((p) => p.view());
  }

  close(): void {
    for (const p of this.#proxies.values()) p.close();
    this.#proxies.clear();
  }
}
