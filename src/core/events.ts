/**
 * The events the kernel emits. Every state change is one `state` event with its reason; the
 * CLI, the RPC stream, logs and metrics are all fed from these and keep no state of their own.
 */
import type { ServiceState } from './lifecycle.ts';

export type SupervisorEvent =
  | {
      readonly type: 'state';
      readonly service: string;
      readonly from: ServiceState;
      readonly to: ServiceState;
      readonly reason: string;
      readonly at: number;
      readonly pid: number | null;
    }
  | { readonly type: 'spawn'; readonly service: string; readonly pid: number; readonly at: number }
  | {
      readonly type: 'exit';
      readonly service: string;
      readonly pid: number;
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly at: number;
      /** How long the process ran. */
      readonly uptimeMs: number;
      /** How long the service had been down before this run (null: its first run here). */
      readonly downtimeMs: number | null;
    }
  | {
      readonly type: 'health';
      readonly service: string;
      readonly ok: boolean;
      readonly detail: string;
      readonly at: number;
    }
  | {
      readonly type: 'log-error';
      readonly service: string;
      readonly file: string;
      readonly error: string;
      readonly at: number;
    }
  | {
      /** A job run (or a cron job's run) changed phase or counts; `service` is the run's name. */
      readonly type: 'job';
      readonly service: string;
      readonly phase: string;
      readonly reason: string | null;
      readonly active: number;
      readonly succeeded: number;
      readonly failed: number;
      /** The phase or reason changed (not only the counts). */
      readonly changed: boolean;
      readonly at: number;
    }
  | {
      /** A (state, event) pair the lifecycle table calls impossible: a bug, reported and dropped. */
      readonly type: 'illegal';
      readonly service: string;
      readonly state: ServiceState;
      readonly event: string;
      readonly at: number;
    }
  | {
      /** A handle was opened or closed; `service` is empty. */
      readonly type: 'fd';
      readonly service: '';
      readonly name: string;
      readonly state: 'open' | 'closed';
      readonly kind: string | null;
      readonly detail: string | null;
      readonly at: number;
    }
  | {
      /** tend received a signal; `count` is how often since a controller last cleared it. */
      readonly type: 'signal';
      readonly service: '';
      readonly signal: string;
      readonly count: number;
      readonly at: number;
    }
  | { readonly type: 'added'; readonly service: string; readonly at: number }
  | { readonly type: 'removed'; readonly service: string; readonly at: number };

export type SupervisorEventType = SupervisorEvent['type'];

/** A minimal typed listener set: listeners are called in order; one that throws is isolated. */
export class Listeners<T> {
  #fns = new Set<(value: T) => void>();

  add(fn: (value: T) => void): () => void {
    this.#fns.add(fn);
    return () => this.#fns.delete(fn);
  }

  emit(value: T): void {
    for (const fn of this.#fns) {
      try {
        fn(value);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  get size(): number {
    return this.#fns.size;
  }
}
