/**
 * The service lifecycle as one pure table: (state, event) → next state and effects. The
 * driver (service-runner.ts) carries the effects out and never assigns a state itself.
 * Modelled on s6-supervise's actions[state][event]: every cell is decided, and a pair that
 * cannot happen is a bug that throws instead of being ignored.
 */
import { unreachable } from './errors.ts';

export const serviceStates = [
  'inactive',
  'blocked',
  'starting',
  'running',
  'stopping',
  'backoff',
  'exited',
  'failed',
] as const;
export type ServiceState = (typeof serviceStates)[number];

/** Why a service is being stopped decides where `stopping` leads once the group is gone. */
export type StopIntent = 'stop' | 'restart' | 'fail';

/** What the restart policy decided for an exit, computed by restart-policy.ts. */
export type ExitVerdict =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'exited' }
  | { readonly kind: 'failed'; readonly why: string };

export type ServiceEvent =
  | { readonly type: 'start'; readonly awaiting: boolean }
  | { readonly type: 'stop' }
  | { readonly type: 'restart'; readonly awaiting: boolean; readonly why?: string }
  | { readonly type: 'deps-met' }
  | { readonly type: 'dep-failed'; readonly why: string }
  | { readonly type: 'spawn-failed'; readonly why: string }
  | { readonly type: 'ready'; readonly how?: string }
  | { readonly type: 'start-timeout'; readonly verdict: ExitVerdict }
  | { readonly type: 'exited'; readonly status: string; readonly verdict: ExitVerdict }
  | { readonly type: 'health-failed'; readonly why: string; readonly verdict: ExitVerdict }
  | { readonly type: 'stop-timeout' }
  | { readonly type: 'group-gone'; readonly awaiting: boolean }
  | { readonly type: 'backoff-elapsed'; readonly awaiting: boolean }
  | { readonly type: 'adopted'; readonly pid: number };
export type ServiceEventType = ServiceEvent['type'];

export const serviceEventTypes = [
  'start',
  'stop',
  'restart',
  'deps-met',
  'dep-failed',
  'spawn-failed',
  'ready',
  'start-timeout',
  'exited',
  'health-failed',
  'stop-timeout',
  'group-gone',
  'backoff-elapsed',
  'adopted',
] as const satisfies readonly ServiceEventType[];

export type Effect =
  | { readonly type: 'spawn' }
  | { readonly type: 'signal-group' }
  | { readonly type: 'kill-group' }
  | { readonly type: 'arm-stop-timeout' }
  | { readonly type: 'await-group' }
  | { readonly type: 'schedule-restart'; readonly delayMs: number }
  | { readonly type: 'cancel-timers' };

export interface Lifecycle {
  readonly state: ServiceState;
  /** Set while stopping: where to go once every process of the group is gone. */
  readonly intent: StopIntent | null;
  /** Set while stopping with intent 'fail' or 'restart' to carry the verdict through. */
  readonly pending: ExitVerdict | null;
}

export type Step =
  | {
      readonly kind: 'move';
      readonly next: Lifecycle;
      readonly effects: readonly Effect[];
      readonly reason: string;
    }
  | { readonly kind: 'nop' };

export class IllegalTransition extends Error {
  constructor(state: ServiceState, event: ServiceEventType) {
    super(`illegal transition: event "${event}" in state "${state}"`);
    this.name = 'IllegalTransition';
  }
}

export const initialLifecycle: Lifecycle = { state: 'inactive', intent: null, pending: null };

const nop: Step = { kind: 'nop' };

function move(
  from: Lifecycle,
  state: ServiceState,
  reason: string,
  effects: readonly Effect[] = [],
  patch: Partial<Lifecycle> = {},
): Step {
  const stopping = state === 'stopping';
  return {
    kind: 'move',
    next: {
      state,
      intent: stopping ? (patch.intent ?? from.intent) : null,
      pending: stopping ? (patch.pending !== undefined ? patch.pending : from.pending) : null,
    },
    effects,
    reason,
  };
}

/** Where a start lands: blocked while dependencies are awaited, else spawned. */
function begin(from: Lifecycle, awaiting: boolean, reason: string): Step {
  return awaiting
    ? move(from, 'blocked', `${reason}; waiting for dependencies`, [{ type: 'cancel-timers' }])
    : move(from, 'starting', reason, [{ type: 'cancel-timers' }, { type: 'spawn' }]);
}

/** Stopping a live group: signal it and arm the escalation timer. */
function beginStop(
  from: Lifecycle,
  intent: StopIntent,
  reason: string,
  pending: ExitVerdict | null = null,
): Step {
  return move(
    from,
    'stopping',
    reason,
    [{ type: 'cancel-timers' }, { type: 'signal-group' }, { type: 'arm-stop-timeout' }],
    { intent, pending },
  );
}

/** After an exit (or a stop that came from a verdict): backoff, exited or failed. */
function settle(from: Lifecycle, verdict: ExitVerdict, what: string): Step {
  switch (verdict.kind) {
    case 'restart':
      return move(
        from,
        'backoff',
        `${what}; restarting in ${formatMs(verdict.delayMs)} (restart ${verdict.attempt})`,
        [{ type: 'cancel-timers' }, { type: 'schedule-restart', delayMs: verdict.delayMs }],
      );
    case 'exited':
      return move(from, 'exited', what, [{ type: 'cancel-timers' }]);
    case 'failed':
      return move(from, 'failed', `${what}; ${verdict.why}`, [{ type: 'cancel-timers' }]);
    default:
      return unreachable(verdict);
  }
}

/** "restart requested", or with its trigger: "restart requested: max_memory (…)". */
function restartReason(why: string | undefined): string {
  return why ? `restart requested: ${why}` : 'restart requested';
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s}s` : `${s.toFixed(1)}s`;
}

/** The whole table. Each case handles every event; `bug` marks pairs that cannot happen. */
export function transition(from: Lifecycle, event: ServiceEvent): Step {
  const bug = (): never => {
    throw new IllegalTransition(from.state, event.type);
  };
  const { state } = from;
  switch (event.type) {
    case 'start':
      switch (state) {
        case 'inactive':
        case 'exited':
        case 'failed':
          return begin(from, event.awaiting, 'start requested');
        case 'backoff':
          // a manual start cuts the wait short, as `systemctl start` does during RestartSec
          return begin(from, event.awaiting, 'start requested during backoff');
        case 'blocked':
        case 'starting':
        case 'running':
          return nop;
        case 'stopping':
          // finish the stop, then start again
          return from.intent === 'restart'
            ? nop
            : move(from, 'stopping', 'start requested while stopping', [], {
                intent: 'restart',
                pending: null,
              });
        default:
          return unreachable(state);
      }
    case 'restart':
      switch (state) {
        case 'inactive':
        case 'exited':
        case 'failed':
        case 'backoff':
        case 'blocked':
          return begin(from, event.awaiting, restartReason(event.why));
        case 'starting':
        case 'running':
          return beginStop(from, 'restart', restartReason(event.why));
        case 'stopping':
          return move(from, 'stopping', `${restartReason(event.why)} while stopping`, [], {
            intent: 'restart',
            pending: null,
          });
        default:
          return unreachable(state);
      }
    case 'stop':
      switch (state) {
        case 'inactive':
          return nop;
        case 'exited':
        case 'failed':
        case 'blocked':
        case 'backoff':
          return move(from, 'inactive', 'stop requested', [{ type: 'cancel-timers' }]);
        case 'starting':
        case 'running':
          return beginStop(from, 'stop', 'stop requested');
        case 'stopping':
          return from.intent === 'stop'
            ? nop
            : move(from, 'stopping', 'stop requested', [], { intent: 'stop', pending: null });
        default:
          return unreachable(state);
      }
    case 'deps-met':
      switch (state) {
        case 'blocked':
          return move(from, 'starting', 'dependencies met', [{ type: 'spawn' }]);
        case 'inactive':
        case 'starting':
        case 'running':
        case 'stopping':
        case 'backoff':
        case 'exited':
        case 'failed':
          // dependency news reaches every dependent; only a blocked one acts on it
          return nop;
        default:
          return unreachable(state);
      }
    case 'dep-failed':
      switch (state) {
        case 'blocked':
          return move(from, 'failed', event.why, [{ type: 'cancel-timers' }]);
        case 'inactive':
        case 'starting':
        case 'running':
        case 'stopping':
        case 'backoff':
        case 'exited':
        case 'failed':
          return nop;
        default:
          return unreachable(state);
      }
    case 'spawn-failed':
      switch (state) {
        case 'starting':
          return move(from, 'failed', event.why, [{ type: 'cancel-timers' }]);
        case 'inactive':
        case 'blocked':
        case 'running':
        case 'stopping':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'ready':
      switch (state) {
        case 'starting':
          return move(from, 'running', event.how ? `ready: ${event.how}` : 'ready');
        case 'running':
        case 'stopping':
          // a probe that answers late, after the service was already ready or asked to stop
          return nop;
        case 'inactive':
        case 'blocked':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'start-timeout':
      switch (state) {
        case 'starting':
          return beginStop(from, 'fail', 'start_timeout passed before the service was ready', event.verdict);
        case 'inactive':
        case 'blocked':
        case 'running':
        case 'stopping':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'exited':
      switch (state) {
        case 'starting':
        case 'running':
          // survivors of the group are killed before anything else happens (systemd's
          // KillMode=control-group), so a restart never runs beside a stray worker
          return withKill(settle(from, event.verdict, event.status));
        case 'stopping':
          // the leader is gone; the stop completes when the rest of the group is too
          return move(from, 'stopping', `${event.status}; waiting for the rest of the group`, [
            { type: 'await-group' },
          ]);
        case 'inactive':
        case 'blocked':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'health-failed':
      switch (state) {
        case 'running':
          return beginStop(from, 'fail', event.why, event.verdict);
        case 'starting':
        case 'stopping':
          return nop;
        case 'inactive':
        case 'blocked':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'stop-timeout':
      switch (state) {
        case 'stopping':
          return move(from, 'stopping', 'stop_timeout passed; killing the process group', [
            { type: 'kill-group' },
            { type: 'await-group' },
          ]);
        case 'inactive':
        case 'blocked':
        case 'starting':
        case 'running':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'group-gone':
      switch (state) {
        case 'stopping':
          return afterStop(from, event.awaiting);
        case 'inactive':
        case 'blocked':
        case 'starting':
        case 'running':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'backoff-elapsed':
      switch (state) {
        case 'backoff':
          return begin(from, event.awaiting, 'restarting after backoff');
        case 'inactive':
        case 'blocked':
        case 'starting':
        case 'running':
        case 'stopping':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'adopted':
      switch (state) {
        case 'inactive':
          // a process a previous tend started, still alive: it runs on, now watched by this tend
          return move(from, 'running', `adopted pid ${event.pid}, started by a previous tend`);
        case 'blocked':
        case 'starting':
        case 'running':
        case 'stopping':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    default:
      return unreachable(event);
  }
}

function withKill(step: Step): Step {
  if (step.kind === 'nop') return step;
  return { ...step, effects: [{ type: 'kill-group' }, ...step.effects] };
}

function afterStop(from: Lifecycle, awaiting: boolean): Step {
  switch (from.intent) {
    case 'stop':
    case null:
      return move(from, 'inactive', 'stopped', [{ type: 'cancel-timers' }]);
    case 'restart':
      return begin(from, awaiting, 'restarting');
    case 'fail':
      return settle(from, from.pending ?? { kind: 'failed', why: 'stopped after a failure' }, 'stopped');
    default:
      return unreachable(from.intent);
  }
}
