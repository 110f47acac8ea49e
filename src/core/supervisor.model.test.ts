/**
 * The kernel against its invariants, over generated histories (fast-check): random service
 * sets (requires/wants/after/conflicts with conditions, instances, readiness, health,
 * restart policies) and random sequences of what users and processes do — start, stop,
 * restart, kill, exits with random codes, readiness, probe failures, time passing, reload,
 * add, remove, scale — on a fake clock with a process driver the test drives. After every
 * step: never two processes for one instance; a service never runs while one of its
 * requirements is failed, stopped or gone; conflicting services never run together; every
 * state change is exactly one event; the restart count is the spawns less one; no cell the
 * lifecycle table calls impossible is ever reached; and after stop-all nothing runs.
 * A failure prints the seed and the shrunk history. TEND_DEEP=1 runs ten times as many.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { FakeDriver } from '../../test/fake-driver.ts';
import { FakeClock } from './clock.ts';
import type { SupervisorEvent } from './events.ts';
import { noHooks } from './hooks.ts';
import { isAtRest, isLive, type ServiceState } from './lifecycle.ts';
import { setProblems } from './service-set.ts';
import { type DependencyCondition, makeServiceSpec, type ServiceSpec } from './service-spec.ts';
import { Supervisor } from './supervisor.ts';

const deep = process.env.TEND_DEEP === '1';
const runs = deep ? 10_000 : 1000;

interface Def {
  readonly name: string;
  readonly requires: Record<
    string,
    DependencyCondition | { condition: DependencyCondition; restart: boolean }
  >;
  readonly wants: string[];
  readonly after: string[];
  readonly conflicts: string[];
  readonly instances: number;
  readonly restart: 'always' | 'on-failure' | 'never';
  readonly ready: 'none' | 'notify' | 'uptime' | 'probe';
  readonly health: boolean;
  readonly autostart: boolean;
  readonly hooks: boolean;
  readonly startTimeout: boolean;
}

const names = ['a', 'b', 'c', 'd', 'e', 'f'];
const condition = fc.constantFrom<DependencyCondition>(
  'started',
  'ready',
  'completed',
  'completed_successfully',
);

/** A definition whose dependencies point at services earlier in the list (so no cycle). */
function defArb(index: number, pool: readonly string[]): fc.Arbitrary<Def> {
  const earlier = pool.slice(0, index);
  const others = pool.filter((_, i) => i !== index);
  const pick = (from: readonly string[]): fc.Arbitrary<string[]> =>
    from.length ? fc.subarray([...from], { maxLength: Math.min(2, from.length) }) : fc.constant([]);
  return fc.record({
    name: fc.constant(pool[index] ?? 'x'),
    requires: pick(earlier).chain((deps) =>
      fc
        .tuple(...deps.map(() => fc.tuple(condition, fc.boolean())))
        .map((cs) =>
          Object.fromEntries(
            deps.map((d, i) => [
              d,
              cs[i]?.[1] ? { condition: cs[i]?.[0] ?? 'ready', restart: true } : (cs[i]?.[0] ?? 'ready'),
            ]),
          ),
        ),
    ),
    wants: pick(earlier),
    after: pick(earlier),
    conflicts: pick(others),
    instances: fc.integer({ min: 1, max: 2 }),
    restart: fc.constantFrom('always', 'on-failure', 'never'),
    ready: fc.constantFrom('none', 'notify', 'uptime', 'probe'),
    health: fc.boolean(),
    autostart: fc.boolean(),
    hooks: fc.boolean(),
    startTimeout: fc.boolean(),
  });
}

function specOf(d: Def): ServiceSpec {
  return makeServiceSpec({
    name: d.name,
    command: 'x',
    requires: d.requires,
    wants: d.wants,
    after: d.after,
    conflicts: d.conflicts,
    instances: d.instances,
    restart: d.restart,
    restartDelayMs: 10,
    maxRestarts: 3,
    restartWindowMs: 1000,
    backoff: null,
    stopTimeoutMs: 200,
    ready:
      d.ready === 'notify'
        ? { kind: 'notify' }
        : d.ready === 'uptime'
          ? { kind: 'uptime', ms: 30 }
          : d.ready === 'probe'
            ? { kind: 'probe', probe: { kind: 'exec', argv: ['true'], text: 'true' }, intervalMs: 40 }
            : null,
    startTimeoutMs: d.startTimeout ? 100 : null,
    hooks: d.hooks
      ? {
          pre_start: [
            { name: 'prep', argv: ['true'], failureMode: 'fail', runMode: 'blocking', timeoutMs: 1000 },
          ],
          post_start: [
            { name: 'warm', argv: ['true'], failureMode: 'fail', runMode: 'blocking', timeoutMs: 1000 },
          ],
          pre_stop: [
            { name: 'drain', argv: ['true'], failureMode: 'ignore', runMode: 'blocking', timeoutMs: 1000 },
          ],
          post_stop: [
            { name: 'clean', argv: ['true'], failureMode: 'ignore', runMode: 'blocking', timeoutMs: 1000 },
          ],
        }
      : noHooks,
    health: d.health
      ? {
          probe: { kind: 'exec', argv: ['true'], text: 'true' },
          intervalMs: 50,
          timeoutMs: 20,
          retries: 2,
          startPeriodMs: 0,
        }
      : null,
    autostart: d.autostart,
  });
}

/** Drops conflicts until the set is one the kernel accepts (conflicts pulled in are refused). */
function valid(specs: ServiceSpec[]): ServiceSpec[] {
  let out = specs;
  for (;;) {
    const problems = setProblems(out, { bringUp: true });
    const bad = problems.find((p) => p.field === 'conflicts');
    if (!bad) return out;
    out = out.map((s) => (s.name === bad.service ? { ...s, conflicts: [] } : s));
  }
}

const setArb = fc
  .integer({ min: 2, max: names.length })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => defArb(i, names.slice(0, n)))))
  .map((defs) => valid(defs.map(specOf)));

type Op =
  | { kind: 'start' | 'stop' | 'restart' | 'remove'; target: number }
  | { kind: 'start-all' | 'stop-all' | 'deliver' }
  | { kind: 'exit'; target: number; code: number }
  | { kind: 'kill'; target: number }
  | { kind: 'notify'; target: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'probes'; ok: boolean }
  | { kind: 'hooks'; ok: boolean }
  | { kind: 'scale'; target: number; instances: number }
  | { kind: 'reload'; target: number; restart: 'always' | 'never'; dropDeps: boolean }
  | { kind: 'add'; target: number };

const target = fc.nat({ max: 100 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('start', 'stop', 'restart'), target }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('start-all', 'stop-all') }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('deliver') }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('exit'), target, code: fc.constantFrom(0, 1, 2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('kill'), target }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('notify'), target }) },
  {
    weight: 5,
    arbitrary: fc.record({ kind: fc.constant('advance'), ms: fc.constantFrom(0, 10, 30, 60, 250) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('probes'), ok: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('hooks'), ok: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('scale'), target, instances: fc.integer({ min: 1, max: 3 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reload'),
      target,
      restart: fc.constantFrom('always', 'never'),
      dropDeps: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constantFrom('remove', 'add'), target }) },
);

function describeSet(specs: readonly ServiceSpec[]): string {
  return specs
    .map((s) =>
      [
        s.name,
        s.autostart ? 'autostart' : 'manual',
        `restart=${s.restart}`,
        `instances=${s.instances}`,
        `ready=${s.ready?.kind ?? 'none'}`,
        s.health ? 'health' : '',
        Object.keys(s.requires).length
          ? `requires=${JSON.stringify(s.requires)}${s.requiresRestart.length ? `+restart${JSON.stringify(s.requiresRestart)}` : ''}`
          : '',
        Object.keys(s.wants).length ? `wants=${Object.keys(s.wants)}` : '',
        s.after.length ? `after=${s.after}` : '',
        s.conflicts.length ? `conflicts=${s.conflicts}` : '',
      ]
        .filter(Boolean)
        .join(' '),
    )
    .join('\n');
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

class World {
  readonly clock = new FakeClock();
  readonly driver = new FakeDriver();
  readonly sup: Supervisor;
  readonly last = new Map<string, ServiceState>();
  readonly problems: string[] = [];
  readonly pool: ServiceSpec[];

  constructor(specs: ServiceSpec[]) {
    this.pool = specs;
    this.sup = new Supervisor({ clock: this.clock, driver: this.driver, env: {} });
    this.sup.events.add((e) => this.#see(e));
  }

  #see(e: SupervisorEvent): void {
    if (e.type === 'illegal') this.problems.push(`illegal: ${e.event} in ${e.state} (${e.service})`);
    if (e.type === 'removed') {
      for (const n of [...this.last.keys()])
        if (n === e.service || n.startsWith(`${e.service}:`) || e.service === n) {
          this.last.delete(n);
          this.driver.spawns.delete(n);
        }
    }
    if (e.type !== 'state') return;
    const before = this.last.get(e.service) ?? 'inactive';
    if (e.from !== before) this.problems.push(`${e.service}: event from ${e.from}, but it was ${before}`);
    this.last.set(e.service, e.to);
  }

  base(i: number): string | undefined {
    const specs = this.sup.specs();
    return specs[i % Math.max(1, specs.length)]?.name;
  }

  live(i: number) {
    const procs = [...this.driver.live.values()];
    return procs[i % Math.max(1, procs.length)];
  }

  async apply(op: Op): Promise<void> {
    const sup = this.sup;
    const name = 'target' in op ? this.base(op.target) : undefined;
    try {
      switch (op.kind) {
        case 'start':
          if (name) sup.start([name]);
          break;
        case 'stop':
          if (name) sup.stop([name]);
          break;
        case 'restart':
          if (name) sup.restart([name]);
          break;
        case 'start-all':
          sup.startAll();
          break;
        case 'stop-all':
          sup.stopAll();
          break;
        case 'deliver':
          this.driver.deliver();
          break;
        case 'exit':
          this.live(op.target)?.end({ code: op.code, signal: null });
          break;
        case 'kill':
          if (name) sup.kill([name], 'SIGKILL');
          break;
        case 'notify':
          this.live(op.target)?.notify?.write('\n');
          break;
        case 'advance':
          this.clock.advance(op.ms);
          break;
        case 'probes':
          this.driver.probeOk = op.ok;
          break;
        case 'hooks':
          this.driver.hooksOk = op.ok;
          break;
        case 'scale':
          if (name) void sup.scale(name, op.instances).catch(() => {});
          break;
        case 'reload': {
          if (!name) break;
          const old = sup.spec(name);
          const spec = {
            ...old,
            restart: op.restart,
            ...(op.dropDeps ? { requires: {}, wants: {}, after: [] } : {}),
          };
          void sup.apply({ update: [spec] }).catch(() => {});
          break;
        }
        case 'remove':
          if (name) void sup.remove(name).catch(() => {});
          break;
        case 'add': {
          const spec = this.pool[op.target % this.pool.length];
          if (spec && !sup.specs().some((s) => s.name === spec.name)) sup.add(spec);
          break;
        }
      }
    } catch (e) {
      // a refused request (a conflict named twice, a definition that does not fit) changes nothing
      if (!(e instanceof Error && 'code' in e)) throw e;
    }
    await flush();
  }

  check(): void {
    const sup = this.sup;
    assert.deepEqual(this.problems, []);
    const list = sup.list();
    const byBase = new Map<string, ServiceState[]>();
    for (const s of list) byBase.set(s.base, [...(byBase.get(s.base) ?? []), s.state]);
    for (const [n, peak] of this.driver.peak) assert.ok(peak <= 1, `${n} had ${peak} processes at once`);
    for (const s of list) {
      assert.equal(s.state, this.last.get(s.name) ?? 'inactive', `${s.name}: its state is its last event's`);
      const spawns = this.driver.spawns.get(s.name) ?? 0;
      assert.equal(s.restarts, Math.max(0, spawns - 1), `${s.name}: restarts = spawns - 1`);
      const spec = sup.spec(s.base);
      if (s.state === 'starting' || s.state === 'running') {
        for (const [dep, cond] of Object.entries(spec.requires)) {
          const deps = byBase.get(dep);
          assert.ok(deps, `${s.name} runs though its requirement ${dep} is gone`);
          const bad = deps.filter((st) =>
            cond === 'completed' || cond === 'completed_successfully'
              ? st === 'failed' && cond === 'completed_successfully'
              : st === 'failed' || st === 'inactive',
          );
          assert.deepEqual(
            bad,
            [],
            `${s.name} is ${s.state} while its requirement ${dep} is ${bad.join(', ')}`,
          );
        }
      }
      if (isLive(s.state)) {
        for (const other of list) {
          const conflicts =
            spec.conflicts.includes(other.base) || sup.spec(other.base).conflicts.includes(s.base);
          if (conflicts && other.base !== s.base)
            assert.ok(
              !isLive(other.state),
              `${s.name} (${s.state}) and ${other.name} (${other.state}) conflict`,
            );
        }
      }
    }
  }

  /** Stop-all, then time and signals until it is done: nothing may run afterwards. */
  async settleStopped(): Promise<void> {
    this.sup.stopAll();
    for (let i = 0; i < 50; i++) {
      this.driver.deliver();
      this.clock.advance(250);
      await flush();
      if (this.sup.list().every((s) => isAtRest(s.state)) && this.driver.live.size === 0) break;
    }
    this.check();
    const left = this.sup.list().filter((s) => !isAtRest(s.state));
    assert.deepEqual(
      left.map((s) => `${s.name} ${s.state}`),
      [],
      'after stop-all nothing runs',
    );
    assert.equal(this.driver.live.size, 0, 'no process is left');
  }
}

test('the kernel keeps its invariants over generated histories (fake clock, driven processes)', async () => {
  await fc.assert(
    fc.asyncProperty(
      setArb,
      fc.array(opArb, { maxLength: 60 }),
      fc.boolean(),
      async (specs, ops, stubborn) => {
        const world = new World(specs);
        world.driver.stubborn = stubborn;
        let step = 'bring-up';
        try {
          world.sup.addAll(specs, { start: true, bringUp: true });
          await flush();
          world.check();
          for (const [i, op] of ops.entries()) {
            step = `op ${i} ${JSON.stringify(op)}`;
            await world.apply(op);
            world.check();
          }
          step = 'stop-all';
          await world.settleStopped();
        } catch (e) {
          // the shrunk case, readable: the set, the history, and where it broke
          throw new Error(
            `${describeSet(specs)}\nops: ${JSON.stringify(ops)}\nstubborn: ${stubborn}\nat ${step}: ${e instanceof Error ? e.message : String(e)}`,
          );
        }
      },
    ),
    { numRuns: runs },
  );
});
