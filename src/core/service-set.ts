/**
 * The rules a set of service definitions must keep, checked over the whole set at once (the
 * services already there plus the ones arriving), so that the order in which they were
 * written or added never matters: every name a service depends on or conflicts with exists,
 * no dependency cycle, and nothing a service pulls in (requires, wants, transitively)
 * conflicts with it or with each other. The config layer and the supervisor both call this;
 * the config layer adds file:line:col to the same messages.
 */
import type { ServiceSpec } from './service-spec.ts';

export type SetField = 'requires' | 'wants' | 'after' | 'conflicts';

export interface SetProblem {
  /** The service whose field is wrong. */
  readonly service: string;
  readonly field: SetField;
  readonly message: string;
  /** Every service the problem is about (the cycle's, the conflict's). */
  readonly involves: readonly string[];
}

export type SetSpec = Pick<ServiceSpec, 'name' | 'requires' | 'wants' | 'after' | 'conflicts' | 'autostart'>;

export interface SetCheckOptions {
  /** Only problems of these services (the arriving ones); default: every service. */
  readonly only?: ReadonlySet<string>;
  /**
   * A config's bring-up: what autostart services pull in, together, must not conflict, or
   * which of two conflicting services runs would depend on the order they start in.
   */
  readonly bringUp?: boolean;
}

function edges(s: SetSpec, field: SetField): string[] {
  switch (field) {
    case 'requires':
      return Object.keys(s.requires);
    case 'wants':
      return Object.keys(s.wants);
    case 'after':
      return [...s.after];
    case 'conflicts':
      return [...s.conflicts];
  }
}

const fields: readonly SetField[] = ['requires', 'wants', 'after', 'conflicts'];
const orderFields: readonly SetField[] = ['requires', 'wants', 'after'];

export function setProblems(specs: readonly SetSpec[], options: SetCheckOptions = {}): SetProblem[] {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const checked = (name: string) => !options.only || options.only.has(name);
  const problems: SetProblem[] = [];
  for (const s of specs) {
    if (!checked(s.name)) continue;
    for (const field of fields) {
      for (const dep of edges(s, field)) {
        if (dep === s.name) {
          problems.push({
            service: s.name,
            field,
            message: `"${s.name}" cannot name itself in ${field}`,
            involves: [s.name],
          });
        } else if (!byName.has(dep)) {
          problems.push({ service: s.name, field, message: `unknown service "${dep}"`, involves: [s.name] });
        }
      }
    }
  }
  problems.push(...cycles(specs, byName, checked));
  problems.push(...pulledConflicts(specs, byName, checked));
  if (options.bringUp) problems.push(...bringUpConflicts(specs, byName));
  return problems;
}

/** Each cycle once, as the path that closes it, at the field of its first edge. */
function cycles(
  specs: readonly SetSpec[],
  byName: ReadonlyMap<string, SetSpec>,
  checked: (name: string) => boolean,
): SetProblem[] {
  const out: SetProblem[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const next = (name: string) => {
    const s = byName.get(name);
    if (!s) return [];
    return [...new Set(orderFields.flatMap((f) => edges(s, f)))].filter((d) => d !== name && byName.has(d));
  };
  const visit = (name: string) => {
    const st = state.get(name);
    if (st === 'done') return;
    if (st === 'visiting') {
      const path = [...stack.slice(stack.indexOf(name)), name];
      if (!path.some(checked)) return;
      const [first = name, second = name] = path;
      const s = byName.get(first);
      const field = orderFields.find((f) => s && edges(s, f).includes(second)) ?? 'requires';
      out.push({ service: first, field, message: `dependency cycle: ${path.join(' → ')}`, involves: path });
      return;
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const d of next(name)) visit(d);
    stack.pop();
    state.set(name, 'done');
  };
  // visit in name order, so the cycle named is the same whatever order the set came in
  for (const s of [...specs].sort((a, b) => (a.name < b.name ? -1 : 1))) visit(s.name);
  return out;
}

/** What starting `name` starts too: itself and what it requires or wants, transitively. */
export function pulledIn(name: string, byName: ReadonlyMap<string, SetSpec>): string[] {
  const out = [name];
  for (let i = 0; i < out.length; i++) {
    const s = byName.get(out[i] ?? '');
    if (!s) continue;
    for (const d of [...Object.keys(s.requires), ...Object.keys(s.wants)]) if (!out.includes(d)) out.push(d);
  }
  return out;
}

/** Pairs within `names` that conflict, each as [the one naming the other, the other]. */
function conflictPairs(names: readonly string[], byName: ReadonlyMap<string, SetSpec>): [string, string][] {
  const inSet = new Set(names);
  const pairs: [string, string][] = [];
  for (const a of names) {
    for (const b of byName.get(a)?.conflicts ?? []) {
      if (!inSet.has(b) || a === b) continue;
      const seen = pairs.some(([x, y]) => (x === b && y === a) || (x === a && y === b));
      if (!seen) pairs.push([a, b]);
    }
  }
  return pairs;
}

function pulledConflicts(
  specs: readonly SetSpec[],
  byName: ReadonlyMap<string, SetSpec>,
  checked: (name: string) => boolean,
): SetProblem[] {
  const out: SetProblem[] = [];
  for (const s of specs) {
    const closure = pulledIn(s.name, byName);
    for (const [a, b] of conflictPairs(closure, byName)) {
      if (!checked(s.name) && !checked(a)) continue;
      const message =
        a === s.name || b === s.name
          ? `"${s.name}" requires or wants "${a === s.name ? b : a}" (directly or through others), but they conflict`
          : `starting "${s.name}" starts "${a}" and "${b}" too, which conflict`;
      out.push({ service: a, field: 'conflicts', message, involves: [s.name, a, b] });
    }
  }
  return dedupe(out);
}

function bringUpConflicts(specs: readonly SetSpec[], byName: ReadonlyMap<string, SetSpec>): SetProblem[] {
  const started = new Set<string>();
  for (const s of specs) if (s.autostart) for (const n of pulledIn(s.name, byName)) started.add(n);
  return conflictPairs([...started].sort(), byName).map(([a, b]) => ({
    service: a,
    field: 'conflicts' as const,
    message: `"${a}" and "${b}" conflict, and both start with the config: set autostart = false on one`,
    involves: [a, b],
  }));
}

function dedupe(problems: SetProblem[]): SetProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.service}\u0000${p.field}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function describeSetProblem(p: SetProblem): string {
  return `services.${p.service}.${p.field}: ${p.message}`;
}
