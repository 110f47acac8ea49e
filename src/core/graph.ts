/**
 * The dependency graph of services, as pure functions: which names a service depends on,
 * unknown names and cycles (named as a path), start layers (everything in a layer can start
 * in parallel) and the reverse order for shutdown.
 */

export interface DependencyNode {
  readonly name: string;
  /** Services this one must wait for (requires, wants and after). */
  readonly dependsOn: readonly string[];
}

export type GraphProblem =
  | { readonly kind: 'unknown'; readonly service: string; readonly dependency: string }
  | { readonly kind: 'cycle'; readonly path: readonly string[] };

export function describeProblem(p: GraphProblem): string {
  return p.kind === 'unknown'
    ? `service "${p.service}" depends on "${p.dependency}", which is not defined`
    : `dependency cycle: ${p.path.join(' → ')}`;
}

/** Unknown dependencies and cycles; each cycle is reported once, as the path that closes it. */
export function graphProblems(nodes: readonly DependencyNode[]): GraphProblem[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const problems: GraphProblem[] = [];
  for (const n of nodes) {
    for (const d of n.dependsOn)
      if (!byName.has(d)) problems.push({ kind: 'unknown', service: n.name, dependency: d });
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (name: string) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      problems.push({ kind: 'cycle', path: [...stack.slice(stack.indexOf(name)), name] });
      return;
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of byName.get(name)?.dependsOn ?? []) if (byName.has(d)) visit(d);
    stack.pop();
    state.set(name, 'done');
  };
  for (const n of nodes) visit(n.name);
  return problems;
}

/**
 * Start layers: layer 0 depends on nothing, layer k only on earlier layers. Services of one
 * layer start in parallel; shutdown walks the layers backwards. Assumes no cycles.
 */
export function layers(nodes: readonly DependencyNode[]): string[][] {
  const known = new Set(nodes.map((n) => n.name));
  const depth = new Map<string, number>();
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const depthOf = (name: string, seen: Set<string>): number => {
    const cached = depth.get(name);
    if (cached !== undefined) return cached;
    if (seen.has(name)) return 0;
    seen.add(name);
    const deps = (byName.get(name)?.dependsOn ?? []).filter((d) => known.has(d));
    const d = deps.length ? 1 + Math.max(...deps.map((x) => depthOf(x, seen))) : 0;
    depth.set(name, d);
    return d;
  };
  const out: string[][] = [];
  for (const n of nodes) {
    const d = depthOf(n.name, new Set());
    const layer = out[d] ?? [];
    layer.push(n.name);
    out[d] = layer;
  }
  return out.filter(Boolean);
}

/** Every service that (transitively) depends on `name` through `edges`, nearest first. */
export function dependentsOf(name: string, nodes: readonly DependencyNode[]): string[] {
  const out: string[] = [];
  const queue = [name];
  while (queue.length) {
    const cur = queue.shift() ?? '';
    for (const n of nodes) {
      if (n.dependsOn.includes(cur) && !out.includes(n.name) && n.name !== name) {
        out.push(n.name);
        queue.push(n.name);
      }
    }
  }
  return out;
}

/**
 * Every service `name` (transitively) depends on, nearest first. A caller asking for many
 * names passes the nodes as a map, built once, so each call costs only what it visits.
 */
export function dependenciesOf(
  name: string,
  nodes: readonly DependencyNode[] | ReadonlyMap<string, DependencyNode>,
): string[] {
  const byName =
    nodes instanceof Map ? nodes : new Map((nodes as readonly DependencyNode[]).map((n) => [n.name, n]));
  const out: string[] = [];
  const seen = new Set([name]);
  const queue = [name];
  for (let i = 0; i < queue.length; i++) {
    for (const d of byName.get(queue[i] ?? '')?.dependsOn ?? []) {
      if (seen.has(d)) continue;
      seen.add(d);
      out.push(d);
      queue.push(d);
    }
  }
  return out;
}
