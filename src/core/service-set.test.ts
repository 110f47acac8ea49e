/**
 * The planner over generated graphs (fast-check): up to 30 services with random requires
 * (with conditions), wants, after and conflicts, written to a config file in a random order.
 * Whatever the order, the load gives the same services or the same located problems; a cycle
 * is always found and named as a real cycle; a bring-up starts every service after what it
 * depends on, and a stop-all stops it before them.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { FakeDriver } from '../../test/fake-driver.ts';
import { memoryTempDir } from '../../test/helpers.ts';
import { loadConfig } from '../config/index.ts';
import { FakeClock } from './clock.ts';
import { setProblems } from './service-set.ts';
import type { ServiceSpec } from './service-spec.ts';
import { Supervisor } from './supervisor.ts';

const runs = process.env.TEND_DEEP === '1' ? 10_000 : 1000;
const conditions = ['started', 'ready', 'completed', 'completed_successfully'] as const;

interface Graph {
  readonly names: string[];
  readonly services: Record<string, Record<string, unknown>>;
}

/**
 * A graph of n services; edges drawn among all of them, so cycles and conflicts happen, or
 * (`acyclic`) only towards services listed earlier and without conflicts, so that every one
 * loads: what a bring-up does with it can then be looked at (the file order is shuffled apart).
 */
const graphOf = (acyclic: boolean): fc.Arbitrary<Graph> =>
  fc.integer({ min: 1, max: 30 }).chain((n) => {
    const names = Array.from({ length: n }, (_, i) => `s${String(i).padStart(2, '0')}`);
    const others = (i: number) => names.filter((_, j) => (acyclic ? j < i : j !== i));
    const edges = (i: number, max: number) =>
      others(i).length
        ? fc.subarray(others(i), { maxLength: Math.min(max, others(i).length) })
        : fc.constant([]);
    const service = (i: number) =>
      fc
        .record({
          requires: edges(i, 2).chain((deps) =>
            fc
              .tuple(...deps.map(() => fc.constantFrom(...conditions)))
              .map((cs) => Object.fromEntries(deps.map((d, k) => [d, cs[k] ?? 'ready']))),
          ),
          wants: edges(i, 1),
          after: edges(i, 1),
          conflicts: acyclic
            ? fc.constant([])
            : fc.oneof({ weight: 4, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: edges(i, 1) }),
          autostart: fc.boolean(),
        })
        .map((s) => ({
          command: 'sleep 1000',
          ...(Object.keys(s.requires).length ? { requires: s.requires } : {}),
          ...(s.wants.length ? { wants: s.wants } : {}),
          ...(s.after.length ? { after: s.after } : {}),
          ...(s.conflicts.length ? { conflicts: s.conflicts } : {}),
          ...(s.autostart ? {} : { autostart: false }),
        }));
    return fc.tuple(...names.map((_, i) => service(i))).map((defs) => ({
      names,
      services: Object.fromEntries(names.map((name, i) => [name, defs[i] ?? {}])),
    }));
  });
const graphArb = graphOf(false);

/** The edges a service waits for: requires, wants and after. */
function waitsFor(s: Record<string, unknown>): string[] {
  const req = Object.keys((s.requires as Record<string, string> | undefined) ?? {});
  return [
    ...new Set([
      ...req,
      ...((s.wants as string[] | undefined) ?? []),
      ...((s.after as string[] | undefined) ?? []),
    ]),
  ];
}

/** Kahn's algorithm, written apart from the planner: does the graph have a cycle? */
function hasCycle(g: Graph): boolean {
  const indegree = new Map(g.names.map((n) => [n, 0]));
  for (const n of g.names)
    for (const d of waitsFor(g.services[n] ?? {})) indegree.set(d, (indegree.get(d) ?? 0) + 1);
  const queue = g.names.filter((n) => indegree.get(n) === 0);
  let seen = 0;
  for (let n = queue.shift(); n !== undefined; n = queue.shift()) {
    seen++;
    for (const d of waitsFor(g.services[n] ?? {})) {
      indegree.set(d, (indegree.get(d) ?? 0) - 1);
      if (indegree.get(d) === 0) queue.push(d);
    }
  }
  return seen < g.names.length;
}

function writeConfig(dir: string, g: Graph, order: readonly number[]): string {
  const file = path.join(dir, `tend-${order.join('-').slice(0, 40)}.toml`);
  const services = Object.fromEntries(
    order.map((i) => g.names[i] ?? '').map((n) => [n, g.services[n] ?? {}]),
  );
  writeFileSync(file, stringify({ services }));
  return file;
}

type Loaded = { ok: true; specs: Map<string, ServiceSpec> } | { ok: false; issues: string[] };

async function load(file: string): Promise<Loaded> {
  try {
    const config = await loadConfig(file);
    return { ok: true, specs: new Map(config.services.map((s) => [s.name, { ...s, cwd: null }])) };
  } catch (e) {
    const issues = (
      (e as { data?: { issues?: { path: string; message: string }[] } }).data?.issues ?? []
    ).map((i) => `${i.path}: ${i.message}`);
    return { ok: false, issues: issues.sort() };
  }
}

const orderArb = (g: Graph) =>
  fc.shuffledSubarray(
    g.names.map((_, i) => i),
    { minLength: g.names.length, maxLength: g.names.length },
  );

test('the load of a config never depends on the order its services are written in', async (t) => {
  const dir = memoryTempDir(t);
  await fc.assert(
    fc.asyncProperty(
      graphArb.chain((g) => fc.tuple(fc.constant(g), orderArb(g), orderArb(g))),
      async ([g, first, second]) => {
        const [a, b] = [await load(writeConfig(dir, g, first)), await load(writeConfig(dir, g, second))];
        assert.equal(a.ok, b.ok);
        if (a.ok && b.ok) assert.deepEqual(new Map([...a.specs].sort()), new Map([...b.specs].sort()));
        if (!a.ok && !b.ok) assert.deepEqual(a.issues, b.issues);
      },
    ),
    { numRuns: runs },
  );
});

test('a cycle is always found, and named as a real cycle of the graph', () => {
  fc.assert(
    fc.property(graphArb, (g) => {
      const specs = g.names.map((name) => spec(name, g.services[name] ?? {}));
      const cycles = setProblems(specs).filter((p) => p.message.startsWith('dependency cycle: '));
      assert.equal(cycles.length > 0, hasCycle(g), 'found exactly when there is one');
      for (const c of cycles) {
        const path = c.message.slice('dependency cycle: '.length).split(' → ');
        assert.equal(path[0], path[path.length - 1], 'the path closes');
        for (let i = 0; i + 1 < path.length; i++) {
          const from = g.services[path[i] ?? ''] ?? {};
          assert.ok(waitsFor(from).includes(path[i + 1] ?? ''), `${path[i]} → ${path[i + 1]} is an edge`);
        }
      }
    }),
    { numRuns: runs },
  );
});

function spec(name: string, s: Record<string, unknown>): ServiceSpec {
  return {
    name,
    requires: (s.requires as Record<string, never>) ?? {},
    requiresRestart: [],
    wants: Object.fromEntries(((s.wants as string[] | undefined) ?? []).map((w) => [w, 'started'])),
    after: (s.after as string[] | undefined) ?? [],
    conflicts: (s.conflicts as string[] | undefined) ?? [],
    autostart: s.autostart !== false,
  } as unknown as ServiceSpec;
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a bring-up starts every service after what it waits for; a stop-all stops it first', async (t) => {
  const dir = memoryTempDir(t);
  await fc.assert(
    fc.asyncProperty(
      graphOf(true).chain((g) => fc.tuple(fc.constant(g), orderArb(g))),
      async ([g, order]) => {
        const loaded = await load(writeConfig(dir, g, order));
        assert.ok(loaded.ok, JSON.stringify(loaded));
        if (!loaded.ok) return;
        const clock = new FakeClock();
        // processes end as soon as they are signalled: the order of stops is what is looked at
        const driver = Object.assign(new FakeDriver(), { prompt: true });
        const sup = new Supervisor({ clock, driver, env: {} });
        const spawned: string[] = [];
        const stopped: string[] = [];
        sup.events.add((e) => {
          if (e.type === 'spawn') spawned.push(e.service);
          if (e.type === 'state' && e.to === 'stopping' && e.from !== 'stopping') stopped.push(e.service);
        });
        sup.addAll([...loaded.specs.values()], { bringUp: true });
        await flush();
        for (const a of spawned) {
          for (const b of waitsFor(g.services[a] ?? {})) {
            if (!spawned.includes(b)) continue;
            assert.ok(
              spawned.indexOf(b) < spawned.indexOf(a),
              `${a} waits for ${b}: ${b} spawns first (${spawned})`,
            );
          }
        }
        let finished = false;
        const done = sup.shutdown().then(() => {
          finished = true;
        });
        for (let i = 0; i < 200 && !finished; i++) {
          clock.advance(20);
          await flush();
        }
        await done;
        for (const a of stopped) {
          for (const b of waitsFor(g.services[a] ?? {})) {
            if (!stopped.includes(b)) continue;
            assert.ok(
              stopped.indexOf(a) < stopped.indexOf(b),
              `${a} waits for ${b}: ${a} stops first (${stopped})`,
            );
          }
        }
      },
    ),
    { numRuns: runs },
  );
});
