/**
 * What a start or a stop has to touch, worked out from the dependency graph and the instances'
 * states, as pure functions: the dependencies a start pulls in, the conflicts it stops, and a
 * stop's steps (dependents first, each step in parallel). The supervisor carries them out.
 */
import { type DependencyNode, dependenciesOf, layers } from './graph.ts';
import { isAtRest, type ServiceState } from './lifecycle.ts';
import { dependencyNames, type ServiceSpec } from './service-spec.ts';

export interface Instance {
  readonly name: string;
  readonly spec: ServiceSpec;
  readonly state: ServiceState;
}

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
  const nodes = new Map(graphNodes(specs, 'start').map((n) => [n.name, n]));
  const chosen = new Set(selected);
  const bases = new Set(selected.map((r) => r.spec.name));
  for (const b of [...bases]) for (const d of dependenciesOf(b, nodes)) bases.add(d);
  const extra = all.filter(
    (r) => !chosen.has(r) && bases.has(r.spec.name) && (r.state === 'inactive' || r.state === 'failed'),
  );
  return [...extra, ...selected];
}

function conflicting(a: Instance, b: Instance): boolean {
  return (
    a.spec.name !== b.spec.name &&
    (a.spec.conflicts.includes(b.spec.name) || b.spec.conflicts.includes(a.spec.name))
  );
}

/** Instances outside `starting` that are not at rest and conflict with one of them. */
export function conflictsOf<T extends Instance>(starting: readonly T[], all: readonly T[]): T[] {
  const inPlan = new Set(starting);
  const startingBases = new Set(starting.map((r) => r.spec.name));
  // the names the plan conflicts with, and the plan's own names that others may name
  const named = new Set(starting.flatMap((r) => r.spec.conflicts));
  return all.filter(
    (other) =>
      !inPlan.has(other) &&
      !isAtRest(other.state) &&
      (named.has(other.spec.name) || other.spec.conflicts.some((c) => startingBases.has(c))) &&
      starting.some((r) => conflicting(r, other)),
  );
}

/** Pairs of services within one plan that conflict (each pair once, by base name). */
export function conflictPairs(instances: readonly Instance[]): [string, string][] {
  const bases = new Set(instances.map((i) => i.spec.name));
  const pairs = new Map<string, [string, string]>();
  // a conflict is named by one side: walking what each names finds every pair once per side
  for (const a of instances)
    for (const c of a.spec.conflicts)
      if (c !== a.spec.name && bases.has(c)) {
        const [x, y] = [a.spec.name, c].sort() as [string, string];
        pairs.set(`${x}\u0000${y}`, [x, y]);
      }
  return [...pairs.values()];
}

/**
 * A stop of `selected` and of every instance not at rest that requires them (transitively),
 * in steps: the last layer of the graph first; within a layer, the last started first. Each
 * dependent gets the reason it is stopped for, naming the chain down to what was selected.
 */
export function stopSteps<T extends Instance>(
  selected: readonly T[],
  inStopOrder: readonly T[],
  specs: readonly ServiceSpec[],
  verb = 'is being stopped',
): { touched: T[]; steps: T[][]; holds: Map<T, string> } {
  const selectedBases = new Set(selected.map((r) => r.spec.name));
  // every instance of a dependent stops, but of a selected service only the instances selected
  const via = new Map<string, string>();
  const queue = [...selectedBases];
  for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
    for (const s of specs) {
      if (selectedBases.has(s.name) || via.has(s.name) || !Object.hasOwn(s.requires, b)) continue;
      via.set(s.name, b);
      queue.push(s.name);
    }
  }
  const chain = (base: string): string => {
    const parts: string[] = [];
    for (let b = via.get(base); b !== undefined; b = via.get(b)) parts.push(b);
    return parts.map((p) => `requires ${p}`).join(', which ');
  };
  const chosen = new Set<T>(selected);
  const holds = new Map<T, string>();
  for (const r of inStopOrder) {
    if (!via.has(r.spec.name) || isAtRest(r.state)) continue;
    chosen.add(r);
    holds.set(r, `stopped: ${chain(r.spec.name)}, which ${verb}`);
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
  return { touched: [...chosen], steps, holds };
}

/** Each service's layer in the graph of everything it waits for: 0 waits for nothing. */
export function dependencyRanks(specs: readonly ServiceSpec[]): Map<string, number> {
  return new Map(layers(graphNodes(specs, 'order')).flatMap((layer, i) => layer.map((n) => [n, i] as const)));
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
