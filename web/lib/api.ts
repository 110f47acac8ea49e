/**
 * The HTTP API as the page calls it: every request carries the token in a header, an error
 * comes back as an ApiError with tend's stable code and message, and a 401 signs the page out
 * with the reason. Streams are read with fetch, so they carry the header too.
 */
import { type Session, signOut } from './session.ts';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

interface ErrorBody {
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly data?: unknown };
}

/** JSON-RPC's own codes by the names the REST routes give them. */
const rpcNames: Record<number, string> = {
  [-32700]: 'PARSE_ERROR',
  [-32600]: 'INVALID_REQUEST',
  [-32601]: 'METHOD_NOT_FOUND',
  [-32602]: 'INVALID_PARAMS',
  [-32603]: 'INTERNAL_ERROR',
};

/** tend's error from a body: `{error: {code, message}}`, or JSON-RPC's `{error: {code, message, data: {code}}}`. */
function errorOf(status: number, body: unknown): ApiError {
  const e = (body as ErrorBody | null)?.error;
  const data = e?.data as { code?: unknown } | undefined;
  const code =
    typeof data?.code === 'string'
      ? data.code
      : typeof e?.code === 'string'
        ? e.code
        : ((typeof e?.code === 'number' ? rpcNames[e.code] : undefined) ?? `HTTP_${status}`);
  const message = typeof e?.message === 'string' ? e.message : `tend answered ${status}`;
  return new ApiError(status, code, message);
}

export function describeError(e: unknown): string {
  if (e instanceof ApiError) return `${e.message} (${e.code})`;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** An RPC call of a batch, and its answer. */
export interface RpcCall {
  readonly method: string;
  readonly params?: unknown;
}
export type RpcAnswer = { readonly result: unknown } | { readonly error: ApiError };

export class Api {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  #headers(extra: Record<string, string> = {}): Record<string, string> {
    return { authorization: `Bearer ${this.#session.token}`, ...extra };
  }

  async #check(res: Response): Promise<Response> {
    if (res.ok) return res;
    throw this.#failure(res.status, await res.json().catch(() => null));
  }

  #failure(status: number, body: unknown): ApiError {
    const error = errorOf(status, body);
    if (status === 401) signOut(`tend refused the token: ${error.message}`);
    return error;
  }

  async get<T>(path: string, signal?: AbortSignal): Promise<T> {
    const res = await this.#check(await fetch(path, { headers: this.#headers(), signal: signal ?? null }));
    return (await res.json()) as T;
  }

  async post<T>(path: string, body?: unknown): Promise<T> {
    const init: RequestInit = {
      method: 'POST',
      headers: this.#headers({ 'content-type': 'application/json' }),
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    const res = await this.#check(await fetch(path, init));
    return (await res.json()) as T;
  }

  /** One protocol method through `POST /api/rpc`, for those without a REST route. */
  async rpc<T>(method: string, params?: unknown): Promise<T> {
    const [answer] = await this.batch([{ method, params }]);
    if (!answer) throw new ApiError(500, 'INTERNAL_ERROR', 'tend gave no answer');
    if ('error' in answer) throw answer.error;
    return answer.result as T;
  }

  /** Several calls in one request; each answer is a result or its own error. */
  async batch(calls: readonly RpcCall[]): Promise<RpcAnswer[]> {
    const body = calls.map((c, id) => ({ jsonrpc: '2.0', id, method: c.method, params: c.params }));
    const res = await fetch('/api/rpc', {
      method: 'POST',
      headers: this.#headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    const parsed: unknown = await res.json().catch(() => null);
    if (!Array.isArray(parsed)) throw this.#failure(res.ok ? 500 : res.status, parsed);
    const byId = new Map<unknown, { result?: unknown; error?: unknown }>(parsed.map((a) => [a.id, a]));
    return calls.map((_, id) => {
      const a = byId.get(id);
      if (a && 'result' in a) return { result: a.result };
      return { error: errorOf(400, a ?? null) };
    });
  }

  /** A streamed route (events, logs, stats): one JSON object per line. */
  async stream(path: string, signal: AbortSignal): Promise<Response> {
    return this.#check(
      await fetch(path, {
        headers: this.#headers({ accept: 'application/x-ndjson' }),
        signal,
        cache: 'no-store',
      }),
    );
  }

  /** A 401 must not sign out here: the login form is asking whether a token works. */
  static async probe(token: string): Promise<{ ok: true; canAct: boolean } | { ok: false; problem: string }> {
    let res: Response;
    try {
      res = await fetch('/api/version', { headers: { authorization: `Bearer ${token}` } });
    } catch (e) {
      return { ok: false, problem: `tend could not be reached: ${describeError(e)}` };
    }
    if (res.ok) return { ok: true, canAct: res.headers.get('x-tend-scope') !== 'read' };
    const body: unknown = await res.json().catch(() => null);
    const error = errorOf(res.status, body);
    const problem =
      res.status === 401
        ? `tend refused this token: ${error.message}. Run "tend token" where tend runs to see the right one.`
        : `tend answered ${res.status}: ${error.message}`;
    return { ok: false, problem };
  }
}
