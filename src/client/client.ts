/**
 * The SDK: a typed client over the protocol table. `client.service.start({ names: ['web'] })`
 * is `service.start` on the wire; every area and verb comes from the table, none is written
 * twice. Subscriptions are async iterators.
 */
import { isTendError, TendError } from '../core/errors.ts';
import type { EventView, LogLineView, MethodName, ParamsOf, ResultOf } from '../protocol/methods.ts';
import { RpcConnection } from './connection.ts';
import type { RemoteTarget } from './http-transport.ts';
import { findSocket, type SocketChoice } from './socket-path.ts';

type AreaOf<M> = M extends `${infer A}.${string}` ? A : never;
type VerbOf<M, A extends string> = M extends `${A}.${infer V}` ? V : never;
type Call<M extends MethodName> =
  undefined extends ParamsOf<M>
    ? (params?: ParamsOf<M>, options?: CallOptions) => Promise<ResultOf<M>>
    : (params: ParamsOf<M>, options?: CallOptions) => Promise<ResultOf<M>>;

/** `client.service.list()`, `client.system.ping()`… one function per method of the table. */
export type Api = {
  readonly [A in AreaOf<MethodName>]: {
    readonly [V in VerbOf<MethodName, A>]: `${A}.${V}` extends MethodName ? Call<`${A}.${V}`> : never;
  };
};

export interface CallOptions {
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

export interface LogBatch {
  readonly lines: LogLineView[];
  /** Lines missed since the previous batch because this reader fell behind. */
  readonly missed?: number | undefined;
}

export interface EventsOptions {
  readonly services?: string[];
  /** Open with the current state of every instance, then `snapshot-end`; `overflow` + a fresh snapshot if this reader falls behind. */
  readonly snapshot?: boolean;
  readonly signal?: AbortSignal;
  /** Called once the subscription is in place: no event after this point is missed. */
  readonly onSubscribed?: () => void;
}

export interface ConnectOptions {
  /** A socket path; otherwise found as the CLI finds it (TEND_SOCKET, TEND_HOME, project, daemon). */
  readonly socket?: string;
  /** A tend on another machine, over HTTPS; the socket options are then ignored. */
  readonly remote?: RemoteTarget | null;
  readonly home?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

/** The `events` area is reached through events(), which subscribes and unsubscribes for you. */
export type Client = Omit<Api, 'events'> & {
  /** The socket path (or URL) of the tend that answered. */
  readonly socket: string;
  /** How that tend was chosen: `--socket`, `TEND_HOME`, `the project's tend up`, `--host`… */
  readonly source: string;
  /** Resolves when the connection to tend has closed (tend shut down, or close() was called). */
  readonly closed: Promise<void>;
  call<M extends MethodName>(method: M, params?: ParamsOf<M>, options?: CallOptions): Promise<ResultOf<M>>;
  /** Every kernel event from now on, optionally only for some services. */
  events(options?: EventsOptions): AsyncIterable<EventView>;
  /**
   * New log lines in batches; `ready` resolves once the subscription is in place. Aborting
   * `signal` ends the iteration at once and unsubscribes.
   */
  followLogs(
    filter?: ParamsOf<'logs.follow'>,
    options?: { readonly signal?: AbortSignal },
  ): AsyncIterable<LogBatch> & { readonly ready: Promise<void> };
  close(): void;
  [Symbol.asyncDispose](): Promise<void>;
};

/**
 * Connects to the chosen socket; a project socket nobody listens on any more (its tend up
 * ended) gives way to its fallback, and the error then names the first one tried.
 */
async function connectChosen(
  choice: SocketChoice,
  timeoutMs: number,
): Promise<{ conn: RpcConnection; choice: SocketChoice }> {
  try {
    return { conn: await RpcConnection.connect(choice.socket, { timeoutMs }), choice };
  } catch (first) {
    if (!choice.fallback) throw first;
    return connectChosen(choice.fallback, timeoutMs).catch((e: unknown) => {
      if (!(isTendError(e) && e.code === 'TEND_DAEMON_UNREACHABLE')) throw e;
      const skipped = isTendError(first) ? String(first.data.why ?? '') : '';
      throw new TendError('TEND_DAEMON_UNREACHABLE', {
        ...e.data,
        why: `${String(e.data.why ?? '')}; ${choice.source} at ${choice.socket} did not answer either (${skipped})`,
      });
    });
  }
}

export async function connect(options: ConnectOptions = {}): Promise<Client> {
  const timeoutMs = options.timeoutMs ?? 5000;
  let socket: string;
  let source: string;
  let conn: RpcConnection;
  if (options.remote) {
    socket = options.remote.url;
    source = '--host';
    // https (and TLS) is loaded only for a remote tend: a local `tend ls` does not pay for it
    conn = await (await import('./http-transport.ts')).connectHttp(options.remote, { timeoutMs });
  } else {
    const chosen = await connectChosen(findSocket(options), timeoutMs);
    ({ socket, source } = chosen.choice);
    conn = chosen.conn;
  }
  const call = <M extends MethodName>(method: M, params?: ParamsOf<M>, o?: CallOptions) =>
    conn.call(method, params, o);

  async function* events(o: EventsOptions = {}): AsyncIterable<EventView> {
    // the signal ends the wait for the next event too, not only the loop between events
    const stream = conn.notifications('events.event', { signal: o.signal });
    const { subscription } = await conn.call('events.subscribe', {
      ...(o.services ? { services: o.services } : {}),
      ...(o.snapshot ? { snapshot: true } : {}),
    });
    o.onSubscribed?.();
    try {
      for await (const n of stream) {
        if (o.signal?.aborted) return;
        if (n.subscription === subscription) yield n.event;
      }
    } finally {
      await conn.call('events.unsubscribe', { subscription }).catch(() => {});
    }
  }

  function followLogs(filter: ParamsOf<'logs.follow'> = {}, { signal }: { signal?: AbortSignal } = {}) {
    const stream = conn.notifications('logs.lines', { signal });
    const subscribed = conn.call('logs.follow', filter);
    const iterator = async function* (): AsyncGenerator<LogBatch> {
      const { subscription } = await subscribed;
      try {
        for await (const n of stream) {
          if (n.subscription !== subscription) continue;
          const lines = n.lines.map(
            ([service, stream, at, seq, text]): LogLineView => ({
              service,
              stream: stream === 0 ? 'stdout' : 'stderr',
              at,
              seq,
              text,
            }),
          );
          yield { lines, missed: n.missed };
        }
      } finally {
        await conn.call('logs.unfollow', { subscription }).catch(() => {});
      }
    };
    return { ready: subscribed.then(() => {}), [Symbol.asyncIterator]: iterator };
  }

  const base = {
    socket,
    source,
    closed: conn.closed,
    call,
    events,
    followLogs,
    close: () => conn.close(),
    [Symbol.asyncDispose]: async () => conn.close(),
  };
  const areas = new Map<string, object>();
  return new Proxy(base, {
    get(target, prop, receiver) {
      if (typeof prop !== 'string' || prop in target) return Reflect.get(target, prop, receiver);
      let area = areas.get(prop);
      if (!area) {
        area = new Proxy(
          {},
          {
            get: (_t, verb) =>
              typeof verb === 'string'
                ? (params?: unknown, o?: CallOptions) =>
                    call(`${prop}.${verb}` as MethodName, params as never, o)
                : undefined,
          },
        );
        areas.set(prop, area);
      }
      return area;
    },
  }) as unknown as Client;
}
