/**
 * The HTTP API: a thin adapter that turns requests into protocol calls on the same dispatcher
 * as the unix socket. REST routes (routes.ts), `POST /api/rpc` (JSON-RPC, one call or a
 * batch), `POST /api/rpc/stream` (JSON-RPC lines both ways, for the remote CLI and SDK),
 * Server-Sent Events, `/metrics`, and the web page at `/`. Every API request carries the
 * bearer token unless `auth = "none"` (loopback only), and comes from no browser page but the
 * API's own or an allowed origin. With TLS, plain HTTP on the port gets a clear 400.
 */
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { isLoopbackHost, isLoopbackListen, listenHost } from '../config/schema.ts';
import { errors, isTendError, TendError } from '../core/errors.ts';
import type { Access, Dispatcher } from '../daemon/dispatcher.ts';
import { type RpcErrorObject, rpcCodes, toErrorObject } from '../protocol/jsonrpc.ts';
import { AuthLimiter } from './auth-limiter.ts';
import type { Metrics } from './metrics.ts';
import { openApiDocument } from './openapi.ts';
import { applyBrowserRules, setSecurityHeaders } from './origin.ts';
import type { PageFiles } from './page-files.ts';
import type { PageRoutes } from './page-routes.ts';
import { provisrRoute } from './provisr.ts';
import { matchPath, type RouteInput, routes, streams } from './routes.ts';
import type { TlsMaterial } from './tls.ts';
import type { Holder } from './tokens.ts';

export const maxBodyBytes = 1024 * 1024;

export interface HttpApiOptions {
  readonly dispatcher: Dispatcher;
  readonly metrics: Metrics;
  /** Who a bearer token belongs to (tokens.ts), or null to accept every request (`auth = "none"`). */
  readonly auth: ((given: string) => Holder | null) | null;
  /** Where failed authentications are logged. */
  readonly say?: (level: 'warn', message: string) => void;
  readonly tls: TlsMaterial | null;
  /** provisr's routes (with its shapes) under this base path, or absent. */
  readonly provisrBasePath?: string | null;
  /** Browser origins besides the API's own whose requests are answered. */
  readonly allowedOrigins?: readonly string[];
  /** /metrics without a token for a client on this machine (a local Prometheus or agent). */
  readonly metricsOnLoopback?: boolean;
  /** The web page's files, served without the token (the page asks for it). */
  readonly page?: PageFiles | null;
  /** The page's reads beyond the protocol (definitions, stats samples). */
  readonly pageRoutes?: PageRoutes | null;
  /** Mounted under this path (`/tend`) in another server that does not strip it itself. */
  readonly basePath?: string;
}

/** JSON-RPC's own errors, named as stably as tend's. */
const rpcErrorNames: Record<number, { code: string; status: number }> = {
  [rpcCodes.parseError]: { code: 'PARSE_ERROR', status: 400 },
  [rpcCodes.invalidRequest]: { code: 'INVALID_REQUEST', status: 400 },
  [rpcCodes.methodNotFound]: { code: 'METHOD_NOT_FOUND', status: 404 },
  [rpcCodes.invalidParams]: { code: 'INVALID_PARAMS', status: 400 },
  [rpcCodes.internalError]: { code: 'INTERNAL_ERROR', status: 500 },
};

/** An error as HTTP: the status, and `{ error: { code, message, data } }` with a stable code. */
export function httpError(error: RpcErrorObject): { status: number; body: unknown } {
  const data = error.data as { code?: unknown } | undefined;
  const tendCode = typeof data?.code === 'string' && Object.hasOwn(errors, data.code) ? data.code : null;
  const known = rpcErrorNames[error.code] ?? { code: 'INTERNAL_ERROR', status: 500 };
  const status = tendCode ? errors[tendCode as keyof typeof errors].http : known.status;
  return {
    status,
    body: { error: { code: tendCode ?? known.code, message: error.message, data: error.data } },
  };
}

export class HttpApi {
  readonly #opts: HttpApiOptions;
  readonly #server: http.Server | https.Server;
  /** With TLS: the listener that tells TLS from plain HTTP before handing the connection on. */
  readonly #front: net.Server | null;
  readonly #plain: http.Server | null;
  #loopback = false;
  readonly #limiter = new AuthLimiter();

  constructor(options: HttpApiOptions) {
    this.#opts = options;
    const handler = this.listener;
    const tls = options.tls;
    this.#server = tls
      ? https.createServer({ cert: tls.cert, key: tls.key, minVersion: tls.minVersion }, handler)
      : http.createServer(handler);
    // long-lived streams (events, logs, rpc/stream) must not be cut by the request timeout
    this.#server.requestTimeout = 0;
    this.#server.on('checkContinue', (req, res) => {
      if (Number(req.headers['content-length']) > maxBodyBytes) {
        res.setHeader('connection', 'close');
        return this.#sendError(res, new TendError('TEND_BODY_TOO_LARGE', { limit: maxBodyBytes }));
      }
      res.writeContinue();
      handler(req, res);
    });
    this.#server.on('tlsClientError', (_e, socket) => socket.destroy());
    if (tls) {
      this.#plain = http.createServer((req, res) => {
        res.setHeader('connection', 'close');
        this.#sendError(res, new TendError('TEND_TLS_REQUIRED', { host: req.headers.host }));
      });
      this.#front = net.createServer((socket) => this.#sniff(socket));
    } else {
      this.#plain = null;
      this.#front = null;
    }
  }

  /** The API as a Node request listener, for `http.createServer` or Express's `app.use`. */
  readonly listener = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const base = this.#opts.basePath?.replace(/\/+$/, '');
    const url = req.url ?? '/';
    if (base && (url === base || url.startsWith(`${base}/`) || url.startsWith(`${base}?`))) {
      req.url = url.slice(base.length).replace(/^(?!\/)/, '/');
    }
    void this.#handle(req, res);
  };

  /** Listens on `host:port` (port 0: any free port); resolves with the URL it serves. */
  async listen(listen: string): Promise<string> {
    const host = listenHost(listen);
    this.#loopback = isLoopbackListen(listen);
    const port = Number(listen.slice(listen.lastIndexOf(':') + 1));
    const listener = this.#front ?? this.#server;
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen(port, host, () => {
        listener.off('error', reject);
        resolve();
      });
    });
    const address = listener.address() as net.AddressInfo;
    const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${this.#opts.tls ? 'https' : 'http'}://${shown}:${address.port}`;
  }

  async close(): Promise<void> {
    const listener = this.#front ?? this.#server;
    const closed = new Promise<void>((resolve) => listener.close(() => resolve()));
    this.#server.closeAllConnections();
    this.#plain?.closeAllConnections();
    await closed;
  }

  /** A TLS connection opens with a handshake record (0x16); anything else is plain HTTP. */
  #sniff(socket: net.Socket): void {
    socket.on('error', () => socket.destroy());
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      const target = first[0] === 0x16 ? this.#server : this.#plain;
      target?.emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  }

  /**
   * The caller's access, or a refusal: 401 for a missing or wrong token (logged, and counted
   * against the address), 429 once an address has failed too often.
   */
  #access(req: http.IncomingMessage, pagePath: string): Access {
    // a request handed over by a fetch adapter (the Hono embedding) has no socket at all
    const address = (req.socket as typeof req.socket | null)?.remoteAddress ?? 'unknown';
    const from = `http ${address}`;
    if (!this.#opts.auth) return { scope: 'admin', who: 'anyone (auth = "none")', from };
    if (this.#opts.metricsOnLoopback && pagePath === '/metrics' && isLoopbackHost(address))
      return { scope: 'read', who: 'a scraper on loopback (metrics = "loopback")', from };
    const blockedS = this.#limiter.blockedFor(address);
    if (blockedS > 0) throw new TendError('TEND_AUTH_RATE_LIMITED', { address, retryS: blockedS });
    const given = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const holder = given === undefined ? null : this.#opts.auth(given);
    if (holder) return { scope: holder.scope, who: `token ${holder.name}`, from };
    const failures = this.#limiter.failed(address);
    const why = req.headers.authorization ? 'the bearer token is wrong' : 'a bearer token is required';
    this.#opts.say?.(
      'warn',
      `HTTP ${req.method} ${req.url} from ${address} refused: ${why} (${failures} in the last minute)`,
    );
    throw new TendError('TEND_UNAUTHORIZED', { why: `${why} (tend token shows it on the server)` });
  }

  async #handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    try {
      const rules = {
        tls: this.#opts.tls !== null,
        loopback: this.#loopback,
        allowedOrigins: this.#opts.allowedOrigins ?? [],
      };
      if (applyBrowserRules(req, res, rules)) return;
      const pagePath = (req.url ?? '/').split('?')[0] ?? '/';
      if (this.#opts.page?.serve(req, res, pagePath)) return;
      let access: Access;
      try {
        access = this.#access(req, pagePath);
      } catch (e) {
        res.setHeader('www-authenticate', 'Bearer realm="tend"');
        if (isTendError(e) && e.code === 'TEND_AUTH_RATE_LIMITED')
          res.setHeader('retry-after', String(e.data.retryS));
        throw e;
      }
      // the page shows a read token no buttons it may not press
      res.setHeader('x-tend-scope', access.scope);
      const url = requestUrl(req.url ?? '/');
      const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
      const method = req.method ?? 'GET';
      if (await this.#special(method, path, url, req, res, access)) return;
      const input = (params: Record<string, string>, body: unknown): RouteInput => ({
        params,
        query: url.searchParams,
        body,
      });
      const matching = routes.flatMap((r) => {
        const params = matchPath(r.path, path);
        return params ? [{ route: r, params }] : [];
      });
      const hit = matching.find((m) => m.route.method === method);
      if (!hit && matching.length === 0 && (await this.#compat(method, path, url, req, res, access))) return;
      if (!hit) {
        if (matching.length) {
          res.setHeader('allow', matching.map((m) => m.route.method).join(', '));
          return this.#sendError(
            res,
            new TendError('TEND_ROUTE_NOT_FOUND', { method, path, allowed: res.getHeader('allow') }),
            405,
          );
        }
        throw new TendError('TEND_ROUTE_NOT_FOUND', { method, path });
      }
      const body = method === 'GET' || method === 'DELETE' ? undefined : parseJson(await readBody(req));
      const params = hit.route.params(input(hit.params, body));
      const answer = await this.#opts.dispatcher.callOnce(hit.route.rpc, params, access);
      if ('error' in answer) return this.#sendRpcError(res, answer.error);
      sendJson(res, hit.route.created ? 201 : 200, answer.result);
    } catch (e) {
      this.#sendError(res, e);
    }
  }

  /** provisr's routes when `compat = ["provisr"]`; true when the request was one of them. */
  async #compat(
    method: string,
    path: string,
    url: URL,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    access: Access,
  ): Promise<boolean> {
    const base = this.#opts.provisrBasePath;
    if (!base || !(path === base || path.startsWith(`${base}/`))) return false;
    const body = method === 'POST' ? parseJson(await readBody(req)) : undefined;
    const reply = await provisrRoute(
      { method, path: path.slice(base.length) || '/', query: url.searchParams, body },
      (m, params) =>
        this.#opts.dispatcher.callOnce(m as Parameters<Dispatcher['callOnce']>[0], params, access),
    );
    if (!reply) return false;
    sendJson(res, reply.status, reply.body);
    return true;
  }

  /** The routes that are not one call with one answer; true when the request was one of them. */
  async #special(
    method: string,
    path: string,
    url: URL,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    access: Access,
  ): Promise<boolean> {
    const q = url.searchParams;
    const page = await this.#opts.pageRoutes?.answer(method, path, url, req, res);
    if (page) {
      if ('json' in page) sendJson(res, 200, page.json);
      return true;
    }
    if (method === 'GET' && path === '/api/openapi.json') {
      sendJson(res, 200, openApiDocument());
      return true;
    }
    if (method === 'GET' && path === '/metrics') {
      const text = await this.#opts.metrics.scrape();
      res.writeHead(200, { 'content-type': this.#opts.metrics.contentType });
      res.end(text);
      return true;
    }
    if (method === 'POST' && path === '/api/rpc') {
      const ctx = this.#opts.dispatcher.oneShotContext(access);
      const answer = await this.#opts.dispatcher.handleLine(await readBody(req), ctx);
      ctx.close();
      if (answer === null) {
        res.writeHead(204).end();
      } else if (!Array.isArray(answer) && 'error' in answer) {
        sendJson(res, httpError(answer.error).status, answer);
      } else {
        sendJson(res, 200, answer);
      }
      return true;
    }
    if (method === 'POST' && path === '/api/rpc/stream') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'cache-control': 'no-store' });
      res.flushHeaders();
      const ctx = this.#opts.dispatcher.serveStream(
        {
          input: req,
          output: res,
          // an embedding's request may have no socket of its own (a fetch handler's)
          destroy: () => (req.socket ? req.socket.destroy() : req.destroy()),
        },
        access,
      );
      res.on('close', () => ctx.close());
      return true;
    }
    if (method !== 'GET') return false;
    const follow = q.get('follow');
    const following = follow !== null && follow !== '0' && follow !== 'false';
    const one = following ? matchPath(streams.logs.path, path) : null;
    const stream =
      path === streams.events.path
        ? {
            rpc: 'events.subscribe' as const,
            params: streams.events.params({ params: {}, query: q, body: undefined }),
          }
        : one
          ? {
              rpc: 'logs.follow' as const,
              params: streams.logs.params({ params: one, query: q, body: undefined }),
            }
          : following && path === streams.allLogs.path
            ? {
                rpc: 'logs.follow' as const,
                params: streams.allLogs.params({ params: {}, query: q, body: undefined }),
              }
            : null;
    if (!stream) return false;
    await this.#stream(req, res, stream.rpc, stream.params, access);
    return true;
  }

  /**
   * A subscription streamed to the client: Server-Sent Events when it accepts them, else one
   * JSON object per line. A client that does not read loses items, and is told how many.
   */
  async #stream(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    rpc: 'events.subscribe' | 'logs.follow',
    params: unknown,
    access: Access,
  ): Promise<void> {
    const sse = (req.headers.accept ?? '').includes('text/event-stream');
    res.setHeader('content-type', sse ? 'text/event-stream' : 'application/x-ndjson');
    res.setHeader('cache-control', 'no-store');
    res.setHeader('x-accel-buffering', 'no');
    const item = (value: unknown) => (sse ? `data: ${JSON.stringify(value)}\n` : JSON.stringify(value));
    const ctx = this.#opts.dispatcher.streamContext(
      res,
      (method, p) => {
        if (method === 'events.event') return item((p as { event: unknown }).event);
        const batch = p as { lines: [string, 0 | 1, number, number, string][]; missed?: number };
        const out = batch.missed ? [item({ missed: batch.missed })] : [];
        for (const [service, stream, at, seq, text] of batch.lines) {
          out.push(item({ service, stream: stream === 0 ? 'stdout' : 'stderr', at, seq, text }));
        }
        return out.join('\n');
      },
      access,
    );
    const heartbeat = setInterval(() => res.write(sse ? ': keep-alive\n\n' : '\n'), 15_000).unref();
    res.on('close', () => {
      clearInterval(heartbeat);
      ctx.close();
    });
    const answer = await this.#opts.dispatcher.handleOne({ jsonrpc: '2.0', id: 1, method: rpc, params }, ctx);
    if (answer && 'error' in answer) {
      clearInterval(heartbeat);
      ctx.close();
      if (!res.headersSent) this.#sendRpcError(res, answer.error);
      else res.end();
      return;
    }
    res.flushHeaders();
  }

  #sendRpcError(res: http.ServerResponse, error: RpcErrorObject): void {
    const { status, body } = httpError(error);
    sendJson(res, status, body);
  }

  #sendError(res: http.ServerResponse, e: unknown, status?: number): void {
    const mapped = httpError(
      e instanceof BadJson ? { code: rpcCodes.parseError, message: e.message } : toErrorObject(e),
    );
    if (res.headersSent) {
      res.end();
      return;
    }
    if (isTendError(e) && e.code === 'TEND_BODY_TOO_LARGE') res.setHeader('connection', 'close');
    sendJson(res, status ?? mapped.status, mapped.body);
  }
}

/**
 * The request target as a URL. Read as a path on this server, never relative to a base: `///`
 * or `//host/x` is a path too (as a base-relative URL it would name another host, or none).
 */
export function requestUrl(target: string): URL {
  try {
    return new URL(`http://tend${target.startsWith('/') ? target : `/${target}`}`);
  } catch {
    throw new TendError('TEND_USAGE', {
      message: `the request target ${JSON.stringify(target)} is not a path`,
    });
  }
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const text = `${JSON.stringify(value)}\n`;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** The body as text, refused past the limit without holding more of it than that. */
async function readBody(req: http.IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length']) > maxBodyBytes) {
    throw new TendError('TEND_BODY_TOO_LARGE', { limit: maxBodyBytes });
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBodyBytes) throw new TendError('TEND_BODY_TOO_LARGE', { limit: maxBodyBytes });
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new BadJson(`parse error: the body is not valid JSON (${(e as Error).message})`);
  }
}

class BadJson extends Error {}
