/**
 * The SDK: a typed client over the protocol table. `client.service.start({ names: ['web'] })`
 * is `service.start` on the wire; every area and verb comes from the table, none is written
 * twice. Subscriptions are async iterators.
 */
import type { EventView, MethodName, ParamsOf, ResultOf } from '../protocol/methods.ts';
import { RpcConnection } from './connection.ts';
import { findSocket } from './socket-path.ts';

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

export interface EventsOptions {
  readonly services?: string[];
  readonly signal?: AbortSignal;
  /** Called once the subscription is in place: no event after this point is missed. */
  readonly onSubscribed?: () => void;
}

export interface ConnectOptions {
  /** A socket path; otherwise found as the CLI finds it (TEND_SOCKET, TEND_HOME, project, daemon). */
  readonly socket?: string;
  readonly home?: string;
  readonly cwd?: string;
  readonly timeoutMs?: number;
}

export type Client = Api & {
  readonly socket: string;
  /** Resolves when the connection to tend has closed (tend shut down, or close() was called). */
  readonly closed: Promise<void>;
  call<M extends MethodName>(method: M, params?: ParamsOf<M>, options?: CallOptions): Promise<ResultOf<M>>;
  /** Every kernel event from now on, optionally only for some services. */
  events(options?: EventsOptions): AsyncIterable<EventView>;
  close(): void;
  [Symbol.asyncDispose](): Promise<void>;
};

export async function connect(options: ConnectOptions = {}): Promise<Client> {
  const { socket } = findSocket(options);
  const conn = await RpcConnection.connect(socket, { timeoutMs: options.timeoutMs ?? 5000 });
  const call = <M extends MethodName>(method: M, params?: ParamsOf<M>, o?: CallOptions) =>
    conn.call(method, params, o);

  async function* events(o: EventsOptions = {}): AsyncIterable<EventView> {
    const stream = conn.notifications('events.event');
    const { subscription } = await conn.call('events.subscribe', o.services ? { services: o.services } : {});
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

  const base = {
    socket,
    closed: conn.closed,
    call,
    events,
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
  }) as Client;
}
