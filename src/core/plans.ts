/**
 * What a start or a stop has to touch, worked out from the dependency graph and the instances'
 * states, as pure functions: the dependencies a start pulls in, the conflicts it stops, and a
 * stop's steps (dependents first, each step in parallel). The supervisor carries them out.
 */
import { TendError } from './errors.ts';
import {
  type DependencyNode,
  dependenciesOf,
  dependentsOf,
  describeProblem,
  graphProblems,
  layers,
} from './graph.ts';
import type { ServiceState } from './lifecycle.ts';
import { dependencyNames, type ServiceSpec } from './service-spec.ts';

export interface Instance {
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly state: ServiceState;
}

export const restingStates: readonly ServiceState[] = ['inactive', 'exited', 'failed'];

/** Edges of one kind: what a start pulls in (requires, wants), what a stop cascades over, or all. */
export function graphNodes(
  specs: readonly ServiceSpec[],
  kind: 'start' | 'order' | 'requires',
): DependencyNode[] {
  return specs.map((s) => ({
    name: s.name,
    dependsOn:
      kind === 'requires'
        ? Object.keys(s.requires)
        : kind === 'start'
          ? [...Object.keys(s.requires), ...Object.keys(s.wants)]
          : dependencyNames(s),
  }));
}

/** The selected instances plus, first, the resting ones they require or want (transitively). */
export function withDependencies<T extends Instance>(
  selected: readonly T[],
  all: readonly T[],
  specs: readonly ServiceSpec[],
): T[] {
  const nodes = graphNodes(specs, 'start');
  const bases = new Set(selected.map((r) => r.spec.name));
  for (const b of [...bases]) for (const d of dependenciesOf(b, nodes)) bases.add(d);
  const extra = all.filter(
    (r) =>
      !selected.includes(r) && bases.has(r.spec.name) && (r.state === 'inactive' || r.state === 'failed'),
  );
  return [...extra, ...selected];
}

/** Active instances that conflict with any of those about to start. */
export function conflictsOf<T extends Instance>(starting: readonly T[], all: readonly T[]): T[] {
  const bases = new Set(starting.map((r) => r.spec.name));
  return all.filter(
    (other) =>
      !bases.has(other.spec.name) &&
      !restingStates.includes(other.state) &&
      starting.some(
        (r) => r.spec.conflicts.includes(other.spec.name) || other.spec.conflicts.includes(r.spec.name),
      ),
  );
}

/**
 * A stop of `selected` and of every active instance that requires them, in steps: the last
 * layer of the graph first; within a layer, the last started first.
 */
export function stopSteps<T extends Instance>(
  selected: readonly T[],
  inStopOrder: readonly T[],
  specs: readonly ServiceSpec[],
): { touched: T[]; steps: T[][] } {
  const selectedBases = new Set(selected.map((r) => r.spec.name));
  const requireNodes = graphNodes(specs, 'requires');
  // every instance of a dependent stops, but of a selected service only the instances selected
  const dependents = new Set<string>();
  for (const b of selectedBases) {
    for (const d of dependentsOf(b, requireNodes)) if (!selectedBases.has(d)) dependents.add(d);
  }
  const chosen = new Set<T>(selected);
  for (const r of inStopOrder) {
    if (dependents.has(r.spec.name) && !restingStates.includes(r.state)) chosen.add(r);
  }
  const rank = new Map(
    layers(graphNodes(specs, 'order')).flatMap((layer, i) => layer.map((n) => [n, i] as const)),
  );
  const byLayer = new Map<number, T[]>();
  for (const r of inStopOrder) {
    if (!chosen.has(r)) continue;
    const k = rank.get(r.spec.name) ?? 0;
    byLayer.set(k, [...(byLayer.get(k) ?? []), r]);
  }
  const steps = [...byLayer.entries()].sort((a, b) => b[0] - a[0]).map(([, rs]) => rs);
  return { touched: [...chosen], steps };
}

/** Refuses a set of definitions with an unknown dependency or a cycle. */
export function assertGraph(specs: readonly ServiceSpec[]): void {
  const problems = graphProblems(graphNodes(specs, 'order'));
  if (problems.length === 0) return;
  const details = problems.map(describeProblem).join('\n');
  throw new TendError('TEND_CONFIG_INVALID', { file: 'services', details, issues: [] });
}

/** `tend tree`: the definitions with their edges and their instances' states. */
export function dependencyTree(
  specs: readonly ServiceSpec[],
  instancesOf: (base: string) => readonly Instance[],
  roots?: readonly string[],
) {
  let names = new Set(specs.map((s) => s.name));
  if (roots) {
    names = new Set(roots);
    const nodes = graphNodes(specs, 'order');
    for (const b of roots) for (const d of dependenciesOf(b, nodes)) names.add(d);
  }
  return specs
    .filter((s) => names.has(s.name))
    .map((s) => ({
      name: s.name,
      states: instancesOf(s.name).map((r) => ({ name: r.name, state: r.state })),
      requires: { ...s.requires },
      wants: { ...s.wants },
      after: [...s.after],
      conflicts: [...s.conflicts],
    }));
}
