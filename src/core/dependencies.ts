/**
 * What a service's dependencies say about it, as pure functions of their instances' states:
 * whether it may start now (every requires/wants/after condition met, no conflicting service
 * up), and whether a running one must stop because a requirement went away (the binding of
 * `requires`). The supervisor acts on the verdicts; `tend why` prints the same records.
 *
 * | relation  | start                                   | while running                          |
 * | --------- | --------------------------------------- | -------------------------------------- |
 * | requires  | waits for the condition; fails if the   | stopped when it fails, is stopped or   |
 * |           | requirement fails                       | removed; with restart, when it restarts|
 * | wants     | waits while the wanted one comes up     | —                                      |
 * | after     | waits while the other one is starting   | —                                      |
 * | conflicts | waits until the other one has stopped   | — (a start stops the other first)      |
 */
import { isLive, type ServiceState } from './lifecycle.ts';
import type { DependencyCondition, ServiceSpec } from './service-spec.ts';

export interface InstanceView {
  readonly name: string;
  readonly state: ServiceState;
  readonly reason: string;
  /** The instance ran at least once and ended (an exit was seen). */
  readonly ran: boolean;
  /** A stop of it is planned (its dependents stop first): it is as good as stopped. */
  readonly leaving: boolean;
  /**
   * Where its state comes from: for one stopped or failed for a requirement, that
   * requirement's root cause ("cc exited with code 1; …"); for any other, its own state.
   */
  readonly root: string;
}

export type DependencyKind = 'requires' | 'wants' | 'after' | 'conflicts';

export interface DependencyStatus {
  readonly dependency: string;
  readonly kind: DependencyKind;
  /** `ordering` for `after`, `absent` for `conflicts`. */
  readonly condition: DependencyCondition | 'ordering' | 'absent';
  readonly verdict: 'met' | 'waiting' | 'failed';
  /** One line for `tend why`. */
  readonly detail: string;
}

type Verdict = DependencyStatus['verdict'];
type Spec = Pick<ServiceSpec, 'requires' | 'wants' | 'after' | 'conflicts' | 'requiresRestart'>;

/** On its way up: a wanted or ordered service is waited for only while this holds. */
function comingUp(s: ServiceState): boolean {
  return s === 'blocked' || s === 'starting' || s === 'backoff';
}

function requiredVerdict(condition: DependencyCondition, i: InstanceView): Verdict {
  const s = i.state;
  if (i.leaving) return 'waiting';
  switch (condition) {
    case 'started':
      return s === 'starting' || s === 'running' || s === 'exited'
        ? 'met'
        : s === 'failed'
          ? 'failed'
          : 'waiting';
    case 'ready':
      return s === 'running' || s === 'exited' ? 'met' : s === 'failed' ? 'failed' : 'waiting';
    case 'completed':
      return s === 'exited' || (s === 'failed' && i.ran) ? 'met' : s === 'failed' ? 'failed' : 'waiting';
    case 'completed_successfully':
      return s === 'exited' ? 'met' : s === 'failed' ? 'failed' : 'waiting';
  }
}

function wantedVerdict(condition: DependencyCondition, i: InstanceView): Verdict {
  // a wanted service that failed or is not coming never holds the service back
  const v = requiredVerdict(condition, i);
  return v === 'waiting' && comingUp(i.state) && !i.leaving ? 'waiting' : 'met';
}

const wording: Record<DependencyCondition | 'ordering' | 'absent', string> = {
  ordering: 'finish starting',
  started: 'start',
  ready: 'be ready',
  completed: 'complete',
  completed_successfully: 'complete successfully',
  absent: 'be stopped',
};

function describe(i: InstanceView): string {
  return `${i.name} is ${i.state}${i.reason ? ` (${i.reason})` : ''}`;
}

export function evaluateDependencies(
  spec: Spec,
  instancesOf: (base: string) => readonly InstanceView[],
): DependencyStatus[] {
  const entries: [string, DependencyKind, DependencyCondition | 'ordering' | 'absent'][] = [
    ...Object.entries(spec.requires).map(
      ([d, c]) => [d, 'requires', c] as [string, DependencyKind, DependencyCondition],
    ),
    ...Object.entries(spec.wants).map(
      ([d, c]) => [d, 'wants', c] as [string, DependencyKind, DependencyCondition],
    ),
    ...spec.after.map((d) => [d, 'after', 'ordering'] as [string, DependencyKind, 'ordering']),
    ...spec.conflicts.map((d) => [d, 'conflicts', 'absent'] as [string, DependencyKind, 'absent']),
  ];
  return entries.map(([dependency, kind, condition]) => {
    const instances = instancesOf(dependency);
    if (instances.length === 0) {
      return {
        dependency,
        kind,
        condition,
        verdict: kind === 'requires' ? 'failed' : 'met',
        detail: `${kind} ${dependency}: ${dependency} is not defined`,
      };
    }
    const verdictOf = (i: InstanceView): Verdict => {
      switch (kind) {
        case 'requires':
          return requiredVerdict(condition as DependencyCondition, i);
        case 'wants':
          return wantedVerdict(condition as DependencyCondition, i);
        case 'after':
          return comingUp(i.state) && i.state !== 'backoff' ? 'waiting' : 'met';
        case 'conflicts':
          return isLive(i.state) ? 'waiting' : 'met';
      }
    };
    const verdicts = instances.map(verdictOf);
    const failedAt = verdicts.indexOf('failed');
    const waitingAt = verdicts.indexOf('waiting');
    const verdict: Verdict = failedAt !== -1 ? 'failed' : waitingAt !== -1 ? 'waiting' : 'met';
    const subject = instances[failedAt !== -1 ? failedAt : waitingAt !== -1 ? waitingAt : 0] ?? instances[0];
    const state = subject ? describe(subject) : '';
    const what = `${kind} ${dependency} to ${wording[condition]}`;
    const detail =
      verdict === 'met'
        ? `${what}: met (${subject?.name} is ${subject?.state})`
        : verdict === 'waiting'
          ? `${what}: waiting, ${state}`
          : `${what}: cannot be met, ${state}`;
    return { dependency, kind, condition, verdict, detail };
  });
}

export type DependencyDecision = { kind: 'wait' } | { kind: 'start' } | { kind: 'fail'; why: string };

/** What a service waiting to start should do now. */
export function dependencyDecision(statuses: readonly DependencyStatus[]): DependencyDecision {
  const fatal = statuses.find((s) => s.verdict === 'failed' && s.kind === 'requires');
  if (fatal) return { kind: 'fail', why: `dependency ${fatal.dependency} failed: ${fatal.detail}` };
  return statuses.some((s) => s.verdict === 'waiting') ? { kind: 'wait' } : { kind: 'start' };
}

/**
 * Why a service that runs (or is about to run again) must stop now for a requirement, or
 * null: the requirement failed, was stopped, or was removed; with `restart` on its entry,
 * also when it restarts. A requirement restarting under its own policy (backoff, a requested
 * restart) is not a reason, and neither is a one-shot requirement that has completed.
 */
export function requirementLoss(
  spec: Spec,
  instancesOf: (base: string) => readonly InstanceView[],
): { failed: boolean; why: string } | null {
  for (const [dep, condition] of Object.entries(spec.requires)) {
    const instances = instancesOf(dep);
    if (instances.length === 0)
      return { failed: false, why: `stopped: requires ${dep}, which is not defined` };
    const bounce = spec.requiresRestart.includes(dep);
    for (const i of instances) {
      const v = requiredVerdict(condition, i);
      if (v === 'failed') {
        const own = i.root.startsWith(`${i.name} `);
        return {
          failed: true,
          why: own
            ? `dependency ${dep} failed: ${i.reason}`
            : `dependency ${dep} failed; root cause: ${i.root}`,
        };
      }
      const completes = condition === 'completed' || condition === 'completed_successfully';
      if (completes) continue;
      if (i.state === 'inactive' || i.leaving)
        return {
          failed: false,
          why: `stopped: requires ${dep}, which ${i.leaving ? 'is being stopped' : 'was stopped'}`,
        };
      if (bounce && (i.state === 'stopping' || i.state === 'backoff'))
        return { failed: false, why: `restarting with ${dep} (requires it with restart = true)` };
    }
  }
  return null;
}
