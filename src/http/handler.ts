/**
 * The HTTP API of a running tend as something another server mounts: a fetch-style handler
 * (`(Request) => Promise<Response>`, for Hono, Bun, Deno or any Web-standard router) and a
 * Node `(req, res)` listener (node:http, Express, Fastify's raw routes). Both are the same
 * router `tend daemon --http` serves; the fetch side goes through fetch-to-node's
 * IncomingMessage/ServerResponse over the Request and Response.
 */
import type http from 'node:http';
import { toFetchResponse, toReqRes } from 'fetch-to-node';
import { TendError } from '../core/errors.ts';
import type { Runtime } from '../daemon/runtime.ts';
import type { ResultOf } from '../protocol/methods.ts';
import { Metrics } from './metrics.ts';
import { PageRoutes } from './page-routes.ts';
import { HttpApi, type HttpApiOptions } from './server.ts';
import { StatsSampler } from './stats-sampler.ts';

export interface HttpHandlerOptions {
  /** The bearer token every API request must carry; null accepts every request. */
  readonly token: string | null | (() => string | null);
  /** Mounted under this path in a server that does not strip it (Hono's mount and Express's use do). */
  readonly basePath?: string;
  /** Browser origins besides the API's own whose requests are answered. */
  readonly allowedOrigins?: readonly string[];
}

export interface HttpHandler {
  readonly fetch: (request: Request) => Promise<Response>;
  readonly listener: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

/** The pieces every HTTP API of a runtime has: metrics and the page's reads over its dispatcher. */
export function apiParts(
  runtime: Runtime,
  version: string,
): Pick<HttpApiOptions, 'dispatcher' | 'metrics' | 'pageRoutes'> {
  const metrics = new Metrics({
    version,
    list: () => call(runtime, 'service.list'),
    stats: () => call(runtime, 'service.stats'),
    jobs: () => call(runtime, 'job.list'),
    cron: () => call(runtime, 'cron.list'),
  });
  const sampler = new StatsSampler({ read: () => call(runtime, 'service.stats') });
  const pageRoutes = new PageRoutes({
    dispatcher: runtime.dispatcher,
    sampler,
    definition: (base) => runtime.sup.spec(base),
  });
  return { dispatcher: runtime.dispatcher, metrics, pageRoutes };
}

/** The HTTP API of `runtime` as a fetch handler and a Node listener (no port of its own). */
export function httpHandler(runtime: Runtime, options: HttpHandlerOptions): HttpHandler {
  const token = options.token;
  const api = new HttpApi({
    ...apiParts(runtime, runtime.version),
    token: typeof token === 'function' ? token : token === null ? null : () => token,
    tls: null,
    allowedOrigins: options.allowedOrigins ?? [],
    ...(options.basePath ? { basePath: options.basePath } : {}),
  });
  return {
    listener: api.listener,
    fetch: async (request) => {
      const { req, res } = toReqRes(request);
      // a client that goes away ends tend's side of a stream, as a socket's close does
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        res.emit('close');
      };
      request.signal.addEventListener('abort', close, { once: true });
      api.listener(req, res);
      return untilCancelled(await toFetchResponse(res), close);
    },
  };
}

/**
 * The response with a body that tells tend when its reader cancels. fetch-to-node's own body
 * ignores a cancel and would fail on the next write, so it is read here and never cancelled.
 */
function untilCancelled(response: Response, onCancel: () => void): Response {
  if (!response.body) return response;
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: onCancel,
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** A protocol call through the dispatcher, as any client makes it. */
async function call<M extends 'service.list' | 'service.stats' | 'job.list' | 'cron.list'>(
  runtime: Runtime,
  method: M,
): Promise<ResultOf<M>> {
  const answer = await runtime.dispatcher.callOnce(method);
  if ('error' in answer) throw new TendError('TEND_RPC_ERROR', { message: answer.error.message });
  return answer.result as ResultOf<M>;
}
