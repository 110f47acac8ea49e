/**
 * The REST routes: each is a protocol method with its params taken from the path, the query
 * and the body. No route has logic of its own; the method's schema validates what it builds.
 * provisr's routes, with its own shapes, are in provisr.ts (`[server.http] compat`).
 */
import { TendError } from '../core/errors.ts';
import type { MethodName } from '../protocol/methods.ts';

export interface RouteInput {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

export interface Route {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly path: string;
  readonly rpc: MethodName;
  readonly params: (r: RouteInput) => unknown;
  /** The HTTP status of a success (200 unless said). */
  readonly created?: boolean;
}

/** A numeric query value as a number; anything else as given, for the schema to refuse by name. */
function num(q: URLSearchParams, key: string): number | string | undefined {
  const v = q.get(key);
  if (v === null) return undefined;
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

function flag(q: URLSearchParams, key: string): boolean | undefined {
  const v = q.get(key);
  return v === null ? undefined : v === '' || v === '1' || v === 'true';
}

/** `?names=a,b` (or repeated `?name=`) as a list; absent when none is given. */
function list(q: URLSearchParams, key: string): string[] | undefined {
  const all = q.getAll(key).flatMap((v) => v.split(','));
  return all.length ? all : undefined;
}

function object(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** Drops absent values, so an optional field left out is not sent as `undefined`. */
function defined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const wait = (r: RouteInput) => num(r.query, 'wait') ?? object(r.body).wait;

const verb = (rpc: MethodName, action: string): Route => ({
  method: 'POST',
  path: `/api/services/:name/${action}`,
  rpc,
  params: (r) => defined({ names: [r.params.name], wait: wait(r) }),
});

const logFilter = (r: RouteInput, names: string[] | undefined) =>
  defined({ names, stream: r.query.get('stream') ?? undefined, grep: r.query.get('grep') ?? undefined });

const logQuery = (r: RouteInput, names: string[] | undefined) =>
  defined({ ...logFilter(r, names), lines: num(r.query, 'lines'), since: num(r.query, 'since') });

/**
 * `service.add`'s params as the protocol writes them (`{ services: { NAME: {…} } }`), or one
 * service as a flat body (`{ "name": "two", "command": "sleep 1" }`), as REST users write it.
 */
function addParams(r: RouteInput): unknown {
  const body = object(r.body);
  if ('services' in body || typeof body.name !== 'string') return r.body;
  const { name, ...definition } = body;
  return defined({ services: { [name]: definition }, wait: num(r.query, 'wait') });
}

/** `?since=1d&kinds=exit,state&after=ID&before=ID&limit=N`; a time is ms or a duration ago. */
const historyQuery = (r: RouteInput, names: string[] | undefined) => {
  const q = r.query;
  return defined({
    names,
    kinds: list(q, 'kinds'),
    since: num(q, 'since'),
    until: num(q, 'until'),
    after: num(q, 'after'),
    before: num(q, 'before'),
    limit: num(q, 'limit'),
  });
};

export const routes: readonly Route[] = [
  { method: 'GET', path: '/api/version', rpc: 'system.version', params: () => undefined },
  { method: 'GET', path: '/api/services', rpc: 'service.list', params: () => undefined },
  { method: 'POST', path: '/api/services', rpc: 'service.add', params: addParams, created: true },
  {
    method: 'GET',
    path: '/api/services/:name',
    rpc: 'service.status',
    params: (r) => ({ name: r.params.name }),
  },
  {
    method: 'PUT',
    path: '/api/services/:name',
    rpc: 'service.update',
    params: (r) => defined({ name: r.params.name, service: r.body, wait: num(r.query, 'wait') }),
  },
  {
    method: 'DELETE',
    path: '/api/services/:name',
    rpc: 'service.remove',
    params: (r) => defined({ names: [r.params.name], wait: num(r.query, 'wait') }),
  },
  verb('service.start', 'start'),
  verb('service.stop', 'stop'),
  verb('service.restart', 'restart'),
  {
    method: 'POST',
    path: '/api/services/:name/kill',
    rpc: 'service.kill',
    params: (r) =>
      defined({ names: [r.params.name], signal: r.query.get('signal') ?? object(r.body).signal }),
  },
  {
    method: 'GET',
    path: '/api/services/:name/stats',
    rpc: 'service.stats',
    params: (r) => ({ names: [r.params.name] }),
  },
  {
    method: 'GET',
    path: '/api/services/:name/why',
    rpc: 'service.why',
    params: (r) => ({ name: r.params.name }),
  },
  {
    method: 'GET',
    path: '/api/services/:name/logs',
    rpc: 'logs.get',
    params: (r) => logQuery(r, [r.params.name ?? '']),
  },
  {
    method: 'GET',
    path: '/api/stats',
    rpc: 'service.stats',
    params: (r) => defined({ names: list(r.query, 'names') }),
  },
  { method: 'GET', path: '/api/logs', rpc: 'logs.get', params: (r) => logQuery(r, list(r.query, 'names')) },
  {
    method: 'GET',
    path: '/api/tree',
    rpc: 'service.tree',
    params: (r) => defined({ name: r.query.get('name') ?? undefined }),
  },
  {
    method: 'POST',
    path: '/api/start-all',
    rpc: 'service.start_all',
    params: (r) => defined({ wait: wait(r) }),
  },
  {
    method: 'POST',
    path: '/api/stop-all',
    rpc: 'service.stop_all',
    params: (r) => defined({ wait: wait(r) }),
  },
  { method: 'POST', path: '/api/reload', rpc: 'system.reload', params: () => undefined },
  {
    method: 'POST',
    path: '/api/shutdown',
    rpc: 'system.shutdown',
    params: (r) =>
      defined({ code: num(r.query, 'code'), guard: num(r.query, 'guard') ?? object(r.body).guard }),
  },
  {
    method: 'GET',
    path: '/api/history',
    rpc: 'history.query',
    params: (r) => historyQuery(r, list(r.query, 'names')),
  },
  {
    method: 'GET',
    path: '/api/services/:name/history',
    rpc: 'history.query',
    params: (r) => historyQuery(r, [r.params.name ?? '']),
  },
  { method: 'GET', path: '/api/jobs', rpc: 'job.list', params: () => undefined },
  { method: 'GET', path: '/api/jobs/:name', rpc: 'job.status', params: (r) => ({ name: r.params.name }) },
  {
    method: 'POST',
    path: '/api/jobs/:name/run',
    rpc: 'job.run',
    params: (r) => defined({ name: r.params.name, wait: wait(r) }),
    created: true,
  },
  {
    method: 'GET',
    path: '/api/jobs/:name/logs',
    rpc: 'job.logs',
    params: (r) => defined({ name: r.params.name, lines: num(r.query, 'lines') }),
  },
  { method: 'DELETE', path: '/api/jobs/:name', rpc: 'job.remove', params: (r) => ({ name: r.params.name }) },
  { method: 'GET', path: '/api/cron', rpc: 'cron.list', params: () => undefined },
  { method: 'POST', path: '/api/cron', rpc: 'cron.add', params: (r) => r.body, created: true },
  { method: 'DELETE', path: '/api/cron/:name', rpc: 'cron.remove', params: (r) => ({ name: r.params.name }) },
  ...(['suspend', 'resume', 'trigger'] as const).map(
    (action): Route => ({
      method: 'POST',
      path: `/api/cron/:name/${action}`,
      rpc: `cron.${action}`,
      params: (r) => ({ name: r.params.name }),
    }),
  ),
];

/** Streams: the same methods as subscriptions, answered as Server-Sent Events or NDJSON. */
export const streams = {
  events: {
    path: '/api/events',
    params: (r: RouteInput) =>
      defined({ services: list(r.query, 'services'), snapshot: flag(r.query, 'snapshot') }),
  },
  logs: { path: '/api/services/:name/logs', params: (r: RouteInput) => logFilter(r, [r.params.name ?? '']) },
  allLogs: { path: '/api/logs', params: (r: RouteInput) => logFilter(r, list(r.query, 'names')) },
} as const;

/** Matches `/api/services/:name` against a path; the values are URL-decoded. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith(':')) {
      if (g === '') return null;
      try {
        params[w.slice(1)] = decodeURIComponent(g);
      } catch {
        throw new TendError('TEND_USAGE', {
          message: `the path segment ${JSON.stringify(g)} is not valid URL encoding`,
        });
      }
    } else if (w !== g) return null;
  }
  return params;
}
