/**
 * The service lifecycle as one pure table: (state, event, context) → next state and effects.
 * The driver (service-runner.ts) carries the effects out and never decides or assigns a state
 * itself: the restart policy, the hooks, the readiness and liveness watches, holds for
 * dependencies and the cause of every restart are all decided here. Modelled on
 * s6-supervise's actions[state][event]: every cell is decided, and a pair that cannot happen
 * is a bug that throws instead of being ignored. The grid in lifecycle.test.ts spells out
 * every cell, written apart from this file.
 */
import { unreachable } from './errors.ts';
import {
  decideRestart,
  describeExit,
  emptyHistory,
  type PolicySpec,
  type RestartHistory,
} from './restart-policy.ts';

import { type RestartCause, restartCauses, type ServiceState, serviceStates } from './states.ts';

export { type RestartCause, restartCauses, type ServiceState, serviceStates };

/** At rest: no process, and none will be started without a request (or a hold released). */
export function isAtRest(state: ServiceState): boolean {
  return state === 'inactive' || state === 'exited' || state === 'failed';
}

/** A process (or what is left of its group) may exist in these states. */
export function isLive(state: ServiceState): boolean {
  return state === 'starting' || state === 'running' || state === 'stopping';
}

/** Starting, running or on its way there (waiting for dependencies or a restart delay). */
export function isActive(state: ServiceState): boolean {
  return !isAtRest(state) && state !== 'stopping';
}

/**
 * Why a service is being stopped decides where `stopping` leads once the group is gone:
 * inactive (stop), started again (restart), or where `landing` says (fail, hold).
 */
export type StopIntent = 'stop' | 'restart' | 'fail' | 'hold';

/** Where a run ends up: the restart policy's verdict, or a hold for a missing requirement. */
export type Landing =
  | { readonly kind: 'restart'; readonly delayMs: number; readonly attempt: number }
  | { readonly kind: 'exited' }
  | { readonly kind: 'failed'; readonly why: string }
  | { readonly kind: 'held'; readonly failed: boolean; readonly why: string }
  | { readonly kind: 'stopped'; readonly why: string };

export type ServiceEvent =
  /** A request to run (a user, a plan, a bring-up); it clears a hold. */
  | { readonly type: 'start'; readonly awaiting: boolean }
  /**
   * A request to stop, with the reason when it is not a user's (a conflict, a requirement
   * going away); with `hold`, the service starts again once its requirements are back.
   */
  | { readonly type: 'stop'; readonly why?: string; readonly hold?: boolean }
  | {
      readonly type: 'restart';
      readonly awaiting: boolean;
      readonly cause: RestartCause;
      readonly why?: string;
    }
  /** Dependencies or conflicts changed; `awaiting` is whether the service must still wait. */
  | { readonly type: 'deps-changed'; readonly awaiting: boolean }
  /** A requirement is not available any more: failed (it cannot be met) or stopped/removed. */
  | { readonly type: 'dep-lost'; readonly failed: boolean; readonly why: string }
  | { readonly type: 'hooks-done' }
  | { readonly type: 'hooks-failed'; readonly why: string }
  | { readonly type: 'spawn-failed'; readonly why: string; readonly awaiting: boolean }
  | { readonly type: 'ready'; readonly how: string }
  | { readonly type: 'start-timeout' }
  | {
      readonly type: 'exited';
      readonly code: number | null;
      readonly signal: NodeJS.Signals | null;
      readonly ranMs: number;
    }
  | { readonly type: 'health-failed'; readonly why: string }
  | { readonly type: 'post-start-failed'; readonly why: string }
  | { readonly type: 'stop-timeout' }
  | { readonly type: 'group-gone'; readonly awaiting: boolean }
  | { readonly type: 'backoff-elapsed'; readonly awaiting: boolean }
  /** A live process a previous tend started, taken over. */
  | { readonly type: 'adopted'; readonly pid: number }
  /**
   * A resting state a previous tend recorded: a one-shot that completed stays completed, and
   * a service a user stopped stays stopped (inactive), as one held for a requirement stays held.
   */
  | {
      readonly type: 'restored';
      readonly state: RestoredState;
      readonly reason: string;
      readonly hold?: boolean;
    };
export type ServiceEventType = ServiceEvent['type'];

/** The states a new tend takes over from a record: ended, or stopped (by a user, or for a requirement). */
export type RestoredState = 'exited' | 'failed' | 'inactive';

export const serviceEventTypes = [
  'start',
  'stop',
  'restart',
  'deps-changed',
  'dep-lost',
  'hooks-done',
  'hooks-failed',
  'spawn-failed',
  'ready',
  'start-timeout',
  'exited',
  'health-failed',
  'post-start-failed',
  'stop-timeout',
  'group-gone',
  'backoff-elapsed',
  'adopted',
  'restored',
] as const satisfies readonly ServiceEventType[];

export type Effect =
  /** Start the process; `cause` labels the restart count when it is not the first spawn. */
  | { readonly type: 'spawn'; readonly cause: RestartCause }
  | { readonly type: 'run-pre-start' }
  | { readonly type: 'abandon-hooks' }
  | { readonly type: 'run-post-start' }
  | { readonly type: 'run-post-stop' }
  | { readonly type: 'start-health' }
  | { readonly type: 'end-watch' }
  | { readonly type: 'arm-start-timeout'; readonly ms: number }
  /** pre_stop hooks, then the stop signal to the group. */
  | { readonly type: 'signal-group' }
  | { readonly type: 'kill-group' }
  | { readonly type: 'arm-stop-timeout' }
  | { readonly type: 'await-group' }
  | { readonly type: 'schedule-restart'; readonly delayMs: number }
  | { readonly type: 'cancel-timers' };

export interface Lifecycle {
  readonly state: ServiceState;
  /** Set while stopping. */
  readonly intent: StopIntent | null;
  /** Set while stopping with intent fail or hold: where the service lands. */
  readonly landing: Landing | null;
  /** inactive or failed because a requirement went away: started again when it is back. */
  readonly hold: boolean;
  /** In starting: the pre_start hooks run and no process exists yet. */
  readonly hooking: boolean;
  /** What the next spawn is for. */
  readonly cause: RestartCause;
  readonly history: RestartHistory;
}

/** What the table reads of a service's definition. */
export interface LifecycleSpec extends PolicySpec {
  readonly startTimeoutMs: number | null;
  readonly hooks: { readonly pre_start: readonly unknown[] };
}

export interface StepContext {
  readonly spec: LifecycleSpec;
  readonly now: number;
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
  readonly state: ServiceState;
  readonly event: ServiceEventType;
  constructor(state: ServiceState, event: ServiceEventType) {
    super(`illegal transition: event "${event}" in state "${state}"`);
    this.name = 'IllegalTransition';
    this.state = state;
    this.event = event;
  }
}

export const initialLifecycle: Lifecycle = {
  state: 'inactive',
  intent: null,
  landing: null,
  hold: false,
  hooking: false,
  cause: 'requested',
  history: emptyHistory,
};

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
      landing: stopping ? (patch.landing !== undefined ? patch.landing : from.landing) : null,
      hold: (state === 'inactive' || state === 'failed') && (patch.hold ?? false),
      hooking: state === 'starting' && (patch.hooking ?? false),
      cause: patch.cause ?? from.cause,
      history: patch.history ?? from.history,
    },
    effects,
    reason,
  };
}

const cancel: Effect = { type: 'cancel-timers' };

/** The process itself: spawned, with its start timeout armed. */
function spawnEffects(ctx: StepContext, cause: RestartCause): Effect[] {
  const t = ctx.spec.startTimeoutMs;
  return [{ type: 'spawn', cause }, ...(t !== null ? [{ type: 'arm-start-timeout', ms: t } as const] : [])];
}

/** Into starting: pre_start hooks first when there are any, else the process. */
function launch(
  from: Lifecycle,
  ctx: StepContext,
  reason: string,
  cause: RestartCause,
  extra: Effect[] = [],
): Step {
  if (ctx.spec.hooks.pre_start.length > 0) {
    return move(from, 'starting', reason, [...extra, cancel, { type: 'run-pre-start' }], {
      cause,
      hooking: true,
    });
  }
  return move(from, 'starting', reason, [...extra, cancel, ...spawnEffects(ctx, cause)], { cause });
}

/** Where a start lands: blocked while dependencies are awaited, else launched. */
function begin(
  from: Lifecycle,
  ctx: StepContext,
  awaiting: boolean,
  reason: string,
  cause: RestartCause,
  extra: Effect[] = [],
): Step {
  return awaiting
    ? move(from, 'blocked', `${reason}; waiting for dependencies`, [...extra, cancel], { cause })
    : launch(from, ctx, reason, cause, extra);
}

/** Stopping a live group: watches end, pre_stop hooks and the stop signal, escalation armed. */
function beginStop(
  from: Lifecycle,
  intent: StopIntent,
  reason: string,
  patch: Partial<Lifecycle> = {},
): Step {
  return move(
    from,
    'stopping',
    reason,
    [cancel, { type: 'end-watch' }, { type: 'signal-group' }, { type: 'arm-stop-timeout' }],
    { intent, landing: null, ...patch },
  );
}

/** After a run (or a stop that carried a landing): backoff, exited, failed, or held. */
function settle(
  from: Lifecycle,
  landing: Landing,
  what: string,
  patch: Partial<Lifecycle> = {},
  extra: Effect[] = [],
): Step {
  const effects: Effect[] = [...extra, cancel];
  switch (landing.kind) {
    case 'restart':
      return move(
        from,
        'backoff',
        `${what}; restarting in ${formatMs(landing.delayMs)} (restart ${landing.attempt})`,
        [...effects, { type: 'schedule-restart', delayMs: landing.delayMs }],
        patch,
      );
    case 'exited':
      return move(from, 'exited', what, effects, patch);
    case 'failed':
      return move(from, 'failed', `${what}; ${landing.why}`, effects, patch);
    case 'held':
      return move(from, landing.failed ? 'failed' : 'inactive', landing.why, effects, {
        ...patch,
        hold: true,
      });
    case 'stopped':
      return move(from, 'inactive', landing.why, effects, patch);
    default:
      return unreachable(landing);
  }
}

function held(failed: boolean, why: string): Landing {
  return { kind: 'held', failed, why };
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

/** The restart policy's verdict on a failure that is not an exit (health, start timeout). */
function forcedVerdict(from: Lifecycle, ctx: StepContext, ranMs: number) {
  return decideRestart(
    ctx.spec,
    from.history,
    { code: null, signal: null, ranMs, forcedFailure: true },
    ctx.now,
  );
}

/**
 * The whole table. Each case handles every state; `bug` marks pairs that cannot happen.
 * `ranMs` of health and timeout failures is unknown to the table; a failure that is not an
 * exit never resets the backoff, so it counts as a short run.
 */
export function transition(from: Lifecycle, event: ServiceEvent, ctx: StepContext): Step {
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
          return begin(from, ctx, event.awaiting, 'start requested', 'requested');
        case 'backoff':
          // a manual start cuts the wait short, as `systemctl start` does during RestartSec
          return begin(from, ctx, event.awaiting, 'start requested during backoff', 'requested');
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
                landing: null,
                cause: 'requested',
              });
        default:
          return unreachable(state);
      }
    case 'stop': {
      const hold = event.hold === true;
      const reason = event.why ?? 'stopped as requested';
      const landing: Landing = hold ? held(false, reason) : { kind: 'stopped', why: reason };
      switch (state) {
        case 'inactive':
          // a user's stop of a service held for a requirement ends the hold
          return from.hold && !hold ? move(from, 'inactive', reason, [cancel]) : nop;
        case 'exited':
        case 'failed':
          // a requirement going away leaves a service that already ended as it is
          return hold ? nop : move(from, 'inactive', reason, [cancel]);
        case 'blocked':
        case 'backoff':
          return move(from, 'inactive', reason, [cancel], { hold });
        case 'starting':
          if (from.hooking)
            return move(from, 'inactive', reason, [{ type: 'abandon-hooks' }, cancel], { hold });
          return beginStop(from, hold ? 'hold' : 'stop', event.why ?? 'stop requested', { landing });
        case 'running':
          return beginStop(from, hold ? 'hold' : 'stop', event.why ?? 'stop requested', { landing });
        case 'stopping':
          if (hold)
            return from.intent === 'restart'
              ? move(from, 'stopping', reason, [], { intent: 'hold', landing })
              : nop;
          return from.intent === 'stop'
            ? nop
            : move(from, 'stopping', event.why ?? 'stop requested', [], { intent: 'stop', landing });
        default:
          return unreachable(state);
      }
    }
    case 'restart': {
      const reason = restartReason(event.why);
      switch (state) {
        case 'inactive':
        case 'exited':
        case 'failed':
        case 'backoff':
        case 'blocked':
          return begin(from, ctx, event.awaiting, reason, event.cause);
        case 'starting':
          if (from.hooking)
            return begin(from, ctx, event.awaiting, reason, event.cause, [{ type: 'abandon-hooks' }]);
          return beginStop(from, 'restart', reason, { cause: event.cause });
        case 'running':
          return beginStop(from, 'restart', reason, { cause: event.cause });
        case 'stopping':
          return move(from, 'stopping', `${reason} while stopping`, [], {
            intent: 'restart',
            landing: null,
            cause: event.cause,
          });
        default:
          return unreachable(state);
      }
    }
    case 'deps-changed':
      switch (state) {
        case 'blocked':
          return event.awaiting ? nop : launch(from, ctx, 'dependencies met', from.cause);
        case 'inactive':
        case 'failed':
          // held for a requirement: it is back, so the service starts again
          return from.hold && !event.awaiting
            ? begin(from, ctx, false, 'requirements back', 'dependency')
            : nop;
        case 'starting':
        case 'running':
        case 'stopping':
        case 'backoff':
        case 'exited':
          return nop;
        default:
          return unreachable(state);
      }
    case 'dep-lost':
      switch (state) {
        case 'blocked':
        case 'backoff':
          // waiting for a stopped requirement goes on; one that failed cannot be met
          return state === 'blocked' && !event.failed
            ? nop
            : settle(from, held(event.failed, event.why), event.why);
        case 'starting':
          if (from.hooking)
            return settle(from, held(event.failed, event.why), event.why, {}, [{ type: 'abandon-hooks' }]);
          return beginStop(from, 'hold', event.why, { landing: held(event.failed, event.why) });
        case 'running':
          return beginStop(from, 'hold', event.why, { landing: held(event.failed, event.why) });
        case 'stopping':
          return from.intent === 'restart'
            ? move(from, 'stopping', event.why, [], {
                intent: 'hold',
                landing: held(event.failed, event.why),
              })
            : nop;
        case 'inactive':
        case 'exited':
        case 'failed':
          return nop;
        default:
          return unreachable(state);
      }
    case 'hooks-done':
      if (state === 'starting' && from.hooking)
        return move(from, 'starting', 'pre_start hooks done', spawnEffects(ctx, from.cause), {
          hooking: false,
        });
      return bug();
    case 'hooks-failed':
      if (state === 'starting' && from.hooking) return move(from, 'failed', event.why, [cancel]);
      return bug();
    case 'spawn-failed':
      if (state === 'starting' && !from.hooking)
        return move(from, 'failed', event.why, [cancel, { type: 'end-watch' }]);
      // stopped before the failure was known: no process ever ran, so the stop is complete
      if (state === 'stopping') return afterStop(from, ctx, event.awaiting, false);
      return bug();
    case 'ready':
      switch (state) {
        case 'starting':
          if (from.hooking) return bug();
          return move(
            from,
            'running',
            event.how === 'no readiness check' ? 'running' : `ready: ${event.how}`,
            [cancel, { type: 'start-health' }, { type: 'run-post-start' }],
          );
        case 'running':
          return nop;
        case 'inactive':
        case 'blocked':
        case 'stopping':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'start-timeout':
      if (state === 'starting' && !from.hooking) {
        const decided = forcedVerdict(from, ctx, 0);
        return beginStop(from, 'fail', 'start_timeout passed before the service was ready', {
          landing: decided.verdict,
          history: decided.history,
          cause: 'health',
        });
      }
      return bug();
    case 'exited':
      switch (state) {
        case 'starting':
        case 'running': {
          if (from.hooking) return bug();
          const decided = decideRestart(ctx.spec, from.history, event, ctx.now);
          // survivors of the group are killed before anything else happens (systemd's
          // KillMode=control-group), so a restart never runs beside a stray worker
          return settle(
            from,
            decided.verdict,
            describeExit(event.code, event.signal),
            { history: decided.history, cause: 'exit' },
            [{ type: 'kill-group' }, { type: 'end-watch' }, { type: 'run-post-stop' }],
          );
        }
        case 'stopping':
          // the leader is gone; the stop completes when the rest of the group is too
          return move(from, 'stopping', `${stoppedWording(event)}; waiting for the rest of the group`, [
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
        case 'running': {
          const decided = forcedVerdict(from, ctx, 0);
          return beginStop(from, 'fail', event.why, {
            landing: decided.verdict,
            history: decided.history,
            cause: 'health',
          });
        }
        case 'inactive':
        case 'blocked':
        case 'starting':
        case 'stopping':
        case 'backoff':
        case 'exited':
        case 'failed':
          return bug();
        default:
          return unreachable(state);
      }
    case 'post-start-failed':
      // the hook belonged to the current process; only a running service is stopped for it
      return state === 'running'
        ? beginStop(from, 'fail', event.why, { landing: { kind: 'failed', why: event.why } })
        : nop;
    case 'stop-timeout':
      if (state === 'stopping')
        return move(from, 'stopping', 'stop_timeout passed; killing the process group', [
          { type: 'kill-group' },
          { type: 'await-group' },
        ]);
      return bug();
    case 'group-gone':
      if (state === 'stopping') return afterStop(from, ctx, event.awaiting);
      return bug();
    case 'backoff-elapsed':
      if (state === 'backoff')
        return begin(from, ctx, event.awaiting, 'restarting after backoff', from.cause);
      return bug();
    case 'adopted':
      if (state === 'inactive')
        // a process a previous tend started, still alive: it runs on, now watched by this tend
        return move(from, 'running', `adopted pid ${event.pid}, started by a previous tend`, [
          { type: 'start-health' },
        ]);
      return bug();
    case 'restored':
      // what the previous tend recorded, held or not; nothing is started
      if (state === 'inactive')
        return move(from, event.state, event.reason, [], { hold: event.hold === true });
      return bug();
    default:
      return unreachable(event);
  }
}

/** The leader's end during a stop, in words that do not call a requested stop a failure. */
function stoppedWording(e: { code: number | null; signal: NodeJS.Signals | null }): string {
  return e.signal ? `stopped by ${e.signal}` : `exited with code ${e.code ?? 'unknown'}`;
}

function afterStop(from: Lifecycle, ctx: StepContext, awaiting: boolean, ran = true): Step {
  const postStop: Effect[] = ran ? [{ type: 'run-post-stop' }] : [];
  switch (from.intent) {
    case 'restart':
      return begin(from, ctx, awaiting, 'restarting', from.cause, postStop);
    case 'stop':
    case null:
    case 'fail':
    case 'hold':
      return settle(
        from,
        from.landing ?? { kind: 'stopped', why: 'stopped as requested' },
        'stopped',
        {},
        postStop,
      );
    default:
      return unreachable(from.intent);
  }
}
