/**
 * Whether a service's dependencies let it start, as a pure function of their states: each
 * requires/wants/after entry is met, still awaited, or can no longer be met (it failed). The
 * supervisor acts on the verdict; `tend why` prints the same records.
 */
import type { ServiceState } from './lifecycle.ts';
import type { DependencyCondition, ServiceSpec } from './service-spec.ts';

export interface InstanceView {
  readonly name: string;
  readonly state: ServiceState;
  readonly reason: string;
  /** The instance ran at least once and ended (an exit was seen). */
  readonly ran: boolean;
}

export type DependencyKind = 'requires' | 'wants' | 'after';

export interface DependencyStatus {
  readonly dependency: string;
  readonly kind: DependencyKind;
  /** `ordering` for `after`. */
  readonly condition: DependencyCondition | 'ordering';
  readonly verdict: 'met' | 'waiting' | 'failed';
  /** One line for `tend why`. */
  readonly detail: string;
}

type Verdict = DependencyStatus['verdict'];

function instanceVerdict(condition: DependencyCondition | 'ordering', i: InstanceView): Verdict {
  const s = i.state;
  switch (condition) {
    case 'ordering':
      return s === 'blocked' || s === 'starting' ? 'waiting' : 'met';
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

const wording: Record<DependencyCondition | 'ordering', string> = {
  ordering: 'finish starting',
  started: 'start',
  ready: 'be ready',
  completed: 'complete',
  completed_successfully: 'complete successfully',
};

export function evaluateDependencies(
  spec: Pick<ServiceSpec, 'requires' | 'wants' | 'after'>,
  instancesOf: (base: string) => readonly InstanceView[],
): DependencyStatus[] {
  const entries: [string, DependencyKind, DependencyCondition | 'ordering'][] = [
    ...Object.entries(spec.requires).map(
      ([d, c]) => [d, 'requires', c] as [string, DependencyKind, DependencyCondition],
    ),
    ...Object.entries(spec.wants).map(
      ([d, c]) => [d, 'wants', c] as [string, DependencyKind, DependencyCondition],
    ),
    ...spec.after.map((d) => [d, 'after', 'ordering'] as [string, DependencyKind, 'ordering']),
  ];
  return entries.map(([dependency, kind, condition]) => {
    const instances = instancesOf(dependency);
    if (instances.length === 0) {
      return {
        dependency,
        kind,
        condition,
        verdict: kind === 'requires' ? 'failed' : 'met',
        detail: `${dependency} is not defined`,
      };
    }
    const verdicts = instances.map((i) => instanceVerdict(condition, i));
    const failedAt = verdicts.indexOf('failed');
    const waitingAt = verdicts.indexOf('waiting');
    const verdict: Verdict = failedAt !== -1 ? 'failed' : waitingAt !== -1 ? 'waiting' : 'met';
    const subject = instances[failedAt !== -1 ? failedAt : waitingAt !== -1 ? waitingAt : 0]!;
    const state = `${subject.name} is ${subject.state}${subject.reason ? ` (${subject.reason})` : ''}`;
    const detail =
      verdict === 'met'
        ? `${kind} ${dependency} to ${wording[condition]}: met (${subject.name} is ${subject.state})`
        : verdict === 'waiting'
          ? `${kind} ${dependency} to ${wording[condition]}: waiting, ${state}`
          : `${kind} ${dependency} to ${wording[condition]}: cannot be met, ${state}`;
    return { dependency, kind, condition, verdict, detail };
  });
}

/** What a blocked service should do now. */
export function dependencyDecision(
  statuses: readonly DependencyStatus[],
): { kind: 'wait' } | { kind: 'start' } | { kind: 'fail'; why: string } {
  const fatal = statuses.find((s) => s.verdict === 'failed' && s.kind === 'requires');
  if (fatal) return { kind: 'fail', why: `dependency ${fatal.dependency} failed: ${fatal.detail}` };
  // a wanted dependency that failed does not hold the service back
  return statuses.some((s) => s.verdict === 'waiting') ? { kind: 'wait' } : { kind: 'start' };
}
