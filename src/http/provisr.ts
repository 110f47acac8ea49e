/**
 * provisr's HTTP API as its clients expect it, under its base_path (`[server.http] compat =
 * ["provisr"]`, `compat_base_path`): register/start/stop/unregister/status and the group routes
 * with provisr's shapes: `{"ok":true}`, `{"error":"…"}` with 400, status objects with its field
 * names, and its instance names (`web-1`, `web-2`) for what tend calls `web:0`, `web:1`. Each
 * route is protocol calls on the same dispatcher; the spec mapping is the importer's.
 */
import { emptyImport, ImportLog } from '../compat/import/importer.ts';
import { goDurationMs, serviceFromProvisr } from '../compat/import/provisr-spec.ts';
import { nameProblem } from '../core/names.ts';
import type { ServiceView } from '../protocol/methods.ts';

type Answer = { result: unknown } | { error: { message: string; data?: unknown } };
export type Call = (method: string, params?: unknown) => Promise<Answer>;

export interface CompatReply {
  readonly status: number;
  readonly body: unknown;
}

const ok: CompatReply = { status: 200, body: { ok: true } };
const bad = (message: string, status = 400): CompatReply => ({ status, body: { error: message } });

class Refused extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.status = status;
  }
}

async function call(c: Call, method: string, params?: unknown): Promise<unknown> {
  const a = await c(method, params);
  if ('error' in a) {
    const code = (a.error.data as { code?: string } | undefined)?.code;
    throw new Refused(a.error.message, code?.endsWith('NOT_FOUND') ? 404 : 400);
  }
  return a.result;
}

/** tend's `web:0` is provisr's `web-1`; a service of one instance keeps its name. */
export function provisrName(v: Pick<ServiceView, 'name' | 'base' | 'instance'>): string {
  return v.instance === null || v.name === v.base ? v.name : `${v.base}-${v.instance + 1}`;
}

const zeroTime = '0001-01-01T00:00:00Z';
const iso = (ms: number | null | undefined) => (ms ? new Date(ms).toISOString() : zeroTime);

const states: Record<string, string> = {
  running: 'running',
  starting: 'starting',
  blocked: 'starting',
  backoff: 'starting',
  stopping: 'stopping',
  inactive: 'stopped',
  exited: 'stopped',
  failed: 'stopped',
};

/** A tend service view in provisr's Status shape. */
export function provisrStatus(v: ServiceView): Record<string, unknown> {
  const exit = v.last_exit;
  const running = v.pid !== null && v.state !== 'stopping';
  return {
    name: provisrName(v),
    running,
    pid: v.pid ?? 0,
    started_at: iso(v.started_at),
    stopped_at: running ? zeroTime : iso(exit?.at),
    ...(exit && !running && (exit.code !== 0 || exit.signal)
      ? { exit_error: exit.signal ? `signal: ${exit.signal}` : `exit status ${exit.code}` }
      : {}),
    detected_by: running ? 'pid' : '',
    restarts: v.restarts,
    state: states[v.state] ?? v.state,
    provisioned: false,
  };
}

function globRegex(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

interface Selector {
  readonly kind: 'name' | 'base' | 'wildcard';
  readonly value: string;
}

/** provisr selects with exactly one of `name`, `base` or `wildcard`. */
function selector(q: URLSearchParams): Selector | null {
  const given = (['name', 'base', 'wildcard'] as const).flatMap((kind) => {
    const value = q.get(kind);
    return value ? [{ kind, value }] : [];
  });
  if (given.length > 1) throw new Refused('exactly one of name, base, or wildcard must be provided');
  return given[0] ?? null;
}

/** The tend instances a provisr selector means, with their provisr names. */
async function select(c: Call, sel: Selector): Promise<ServiceView[]> {
  const all = (await call(c, 'service.list')) as ServiceView[];
  const hits =
    sel.kind === 'base'
      ? all.filter((v) => v.base === sel.value)
      : sel.kind === 'wildcard'
        ? all.filter((v) => globRegex(sel.value).test(provisrName(v)))
        : all.filter((v) => provisrName(v) === sel.value || v.name === sel.value);
  // a name that is a base of several instances means them all (the README stops "demo" so)
  if (sel.kind === 'name' && hits.length === 0) hits.push(...all.filter((v) => v.base === sel.value));
  if (hits.length === 0) {
    throw new Refused(
      sel.kind === 'name'
        ? `process ${JSON.stringify(sel.value)} not found`
        : `no processes match ${sel.kind}=${sel.value}`,
    );
  }
  return hits;
}

function waitMs(q: URLSearchParams, fallback: number): number {
  const w = q.get('wait');
  return (w ? goDurationMs(w) : null) ?? fallback;
}

function object(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}

/** A provisr Spec (the JSON body of register and start) as a tend definition, added and started. */
async function register(c: Call, body: unknown, q: URLSearchParams): Promise<CompatReply> {
  const spec = object(body);
  if (typeof spec.name !== 'string' || spec.name === '') return bad('spec.name required');
  // a name is refused, never changed into another: the client names what it calls later
  const why = nameProblem(spec.name);
  if (why) return bad(`invalid spec.name: ${why}`);
  const { name, service } = serviceFromProvisr(spec, {
    file: 'request',
    options: { outDir: process.cwd() },
    log: new ImportLog(emptyImport(), 'request'),
  });
  await call(c, 'service.add', { services: { [name]: service }, wait: waitMs(q, 2000) });
  return ok;
}

export interface ProvisrRequest {
  readonly method: string;
  /** The path below the base path: `/status`, `/group/start`… */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: unknown;
}

/** The answer of a provisr route, or null when the path is none of them. */
export async function provisrRoute(r: ProvisrRequest, c: Call): Promise<CompatReply | null> {
  const route = `${r.method} ${r.path}`;
  try {
    switch (route) {
      case 'POST /register':
        return await register(c, r.body, r.query);
      case 'POST /start': {
        const sel = selector(r.query);
        // the older README's form: the spec in the body, registered and started
        if (!sel) return await register(c, r.body, r.query);
        const names = (await select(c, sel)).map((v) => v.name);
        await call(c, 'service.start', { names, wait: waitMs(r.query, 2000) });
        return ok;
      }
      case 'POST /stop': {
        const sel = selector(r.query);
        if (!sel) return bad('one of name, base, wildcard query param required');
        const names = (await select(c, sel)).map((v) => v.name);
        await call(c, 'service.stop', { names, wait: waitMs(r.query, 2000) });
        return ok;
      }
      case 'POST /unregister': {
        const sel = selector(r.query);
        if (!sel) return bad('one of name, base, wildcard query param required');
        const views = await select(c, sel);
        // tend forgets a service as a whole: its base names
        await call(c, 'service.remove', {
          names: [...new Set(views.map((v) => v.base))],
          wait: waitMs(r.query, 2000),
        });
        return ok;
      }
      case 'GET /status': {
        const sel = selector(r.query);
        // provisr answers a status call without a selector as a health probe
        if (!sel) return ok;
        const views = await select(c, sel);
        if (sel.kind === 'name') return { status: 200, body: provisrStatus(views[0] as ServiceView) };
        return { status: 200, body: views.map(provisrStatus) };
      }
      case 'GET /groups': {
        const groups = (await call(c, 'group.list')) as {
          name: string;
          members: string[];
          instances: { name: string; state: string }[];
        }[];
        return {
          status: 200,
          body: groups.map((g) => {
            const running = g.instances.filter((i) => i.state === 'running').length;
            const total = g.instances.length;
            return {
              name: g.name,
              members: g.members.map((m) => ({
                name: m,
                instances: g.instances.filter((i) => i.name === m || i.name.startsWith(`${m}:`)).length || 1,
              })),
              state: total > 0 && running === total ? 'running' : running > 0 ? 'degraded' : 'stopped',
              running,
              total,
            };
          }),
        };
      }
      case 'GET /group/status':
      case 'POST /group/start':
      case 'POST /group/stop': {
        const group = r.query.get('group');
        if (!group) return bad('group parameter required');
        if (route === 'GET /group/status') {
          const groups = (await call(c, 'group.list')) as { name: string; members: string[] }[];
          const g = groups.find((x) => x.name === group);
          if (!g) return bad(`group ${JSON.stringify(group)} not found`, 404);
          const all = (await call(c, 'service.list')) as ServiceView[];
          return {
            status: 200,
            body: Object.fromEntries(
              g.members.map((m) => [m, all.filter((v) => v.base === m).map(provisrStatus)]),
            ),
          };
        }
        await call(c, route === 'POST /group/start' ? 'group.start' : 'group.stop', {
          name: group,
          wait: waitMs(r.query, 3000),
        });
        return ok;
      }
      default:
        return null;
    }
  } catch (e) {
    if (e instanceof Refused) return bad(e.message, e.status);
    throw e;
  }
}
