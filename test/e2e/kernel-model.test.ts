/**
 * The kernel's invariants with real processes (sh and sleep), over 20 generated histories of
 * starts, stops, restarts, kills and processes that exit on their own, checked from the event
 * stream alone: the states it tells are the kernel's, a service never runs while one of its
 * requirements is failed or stopped, conflicting services are never up together, the restart
 * count is the spawns less one, and after stop-all nothing runs and no process is left.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SupervisorEvent } from '../../src/core/events.ts';
import { isAtRest, isLive, type ServiceState } from '../../src/core/lifecycle.ts';
import { setProblems } from '../../src/core/service-set.ts';
import { makeServiceSpec, type ServiceSpec } from '../../src/core/service-spec.ts';
import { Supervisor } from '../../src/core/supervisor.ts';
import { groupMembers, waitFor } from '../helpers.ts';

const commands = [
  'exec sleep 1000',
  "trap '' TERM; sleep 1000",
  'sleep 0.05; exit 1',
  'sleep 0.08; exit 0',
  'sleep 0.02; exit 2',
];

const setArb = fc
  .integer({ min: 2, max: 4 })
  .chain((n) =>
    fc.tuple(
      ...Array.from({ length: n }, (_, i) =>
        fc.record({
          command: fc.constantFrom(...commands),
          restart: fc.constantFrom('always', 'on-failure', 'never'),
          requires:
            i > 0
              ? fc.subarray(
                  Array.from({ length: i }, (_, j) => `s${j}`),
                  { maxLength: 1 },
                )
              : fc.constant([]),
          conflicts:
            i > 0
              ? fc.subarray(
                  Array.from({ length: i }, (_, j) => `s${j}`),
                  { maxLength: 1 },
                )
              : fc.constant([]),
          instances: fc.integer({ min: 1, max: 2 }),
          autostart: fc.boolean(),
        }),
      ),
    ),
  )
  .map((defs) => {
    let specs = defs.map((d, i) =>
      makeServiceSpec({
        name: `s${i}`,
        command: d.command,
        restart: d.restart as 'always',
        requires: d.requires,
        conflicts: d.conflicts,
        instances: d.instances,
        autostart: d.autostart,
        restartDelayMs: 20,
        backoff: null,
        maxRestarts: 4,
        stopTimeoutMs: 300,
      }),
    );
    for (;;) {
      const bad = setProblems(specs, { bringUp: true }).find((p) => p.field === 'conflicts');
      if (!bad) return specs;
      specs = specs.map((s) => (s.name === bad.service ? { ...s, conflicts: [] } : s));
    }
  });

type Op =
  | { kind: 'start' | 'stop' | 'restart' | 'kill'; target: number }
  | { kind: 'start-all' | 'stop-all' }
  | { kind: 'wait'; ms: number };
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constantFrom('start', 'stop', 'restart', 'kill'), target: fc.nat({ max: 20 }) }),
  fc.record({ kind: fc.constantFrom('start-all', 'stop-all') }),
  fc.record({ kind: fc.constant('wait'), ms: fc.constantFrom(5, 30, 80) }),
);

/** Follows the event stream and checks the invariants once each burst of events is over. */
class Witness {
  readonly states = new Map<string, ServiceState>();
  readonly spawns = new Map<string, number>();
  readonly pids = new Set<number>();
  readonly problems: string[] = [];
  #scheduled = false;
  readonly #specs: readonly ServiceSpec[];
  readonly #sup: Supervisor;

  constructor(sup: Supervisor, specs: readonly ServiceSpec[]) {
    this.#sup = sup;
    this.#specs = specs;
    sup.events.add((e) => this.#see(e));
  }

  #see(e: SupervisorEvent): void {
    if (e.type === 'illegal') this.problems.push(`illegal ${e.event} in ${e.state} (${e.service})`);
    if (e.type === 'spawn') {
      this.spawns.set(e.service, (this.spawns.get(e.service) ?? 0) + 1);
      this.pids.add(e.pid);
    }
    if (e.type === 'state') {
      const before = this.states.get(e.service) ?? 'inactive';
      if (before !== e.from) this.problems.push(`${e.service}: from ${e.from}, but it was ${before}`);
      this.states.set(e.service, e.to);
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    // after the burst: what a state change sets off (a dependent stopping) happens in the same turn
    queueMicrotask(() => {
      this.#scheduled = false;
      this.check();
    });
  }

  check(): void {
    const byBase = (base: string) =>
      [...this.states].filter(([n]) => n === base || n.startsWith(`${base}:`)).map(([, s]) => s);
    for (const [name, state] of this.states) {
      const base = name.split(':')[0] ?? name;
      const spec = this.#specs.find((s) => s.name === base);
      if (!spec) continue;
      if (state === 'starting' || state === 'running') {
        for (const dep of Object.keys(spec.requires)) {
          const bad = byBase(dep).filter((s) => s === 'failed' || s === 'inactive');
          if (bad.length) this.problems.push(`${name} is ${state} while ${dep} is ${bad.join(', ')}`);
        }
      }
      if (isLive(state)) {
        for (const other of this.#specs) {
          if (other.name === base || !(spec.conflicts.includes(other.name) || other.conflicts.includes(base)))
            continue;
          if (byBase(other.name).some(isLive))
            this.problems.push(`${name} and ${other.name} are up together`);
        }
      }
    }
    for (const s of this.#sup.list()) {
      const told = this.states.get(s.name) ?? 'inactive';
      if (told !== s.state) this.problems.push(`${s.name}: the events say ${told}, the kernel ${s.state}`);
      const spawns = this.spawns.get(s.name) ?? 0;
      if (s.restarts !== Math.max(0, spawns - 1))
        this.problems.push(`${s.name}: ${s.restarts} restarts for ${spawns} spawns`);
    }
  }
}

test('real processes keep the kernel invariants over 20 generated histories, told by the event stream', async () => {
  await fc.assert(
    fc.asyncProperty(setArb, fc.array(opArb, { minLength: 4, maxLength: 12 }), async (specs, ops) => {
      const sup = new Supervisor({ env: process.env });
      const witness = new Witness(sup, specs);
      try {
        sup.addAll(specs, { bringUp: true });
        for (const op of ops) {
          const names = sup.specs().map((s) => s.name);
          const name = 'target' in op ? names[op.target % names.length] : undefined;
          try {
            if (op.kind === 'start' && name) sup.start([name]);
            else if (op.kind === 'stop' && name) sup.stop([name]);
            else if (op.kind === 'restart' && name) sup.restart([name]);
            else if (op.kind === 'kill' && name) sup.kill([name], 'SIGKILL');
            else if (op.kind === 'start-all') sup.startAll();
            else if (op.kind === 'stop-all') sup.stopAll();
            else if (op.kind === 'wait') await new Promise((r) => setTimeout(r, op.ms));
          } catch (e) {
            if (!(e instanceof Error && 'code' in e)) throw e;
          }
        }
        sup.stopAll();
        await waitFor('every service at rest', () => sup.list().every((s) => isAtRest(s.state)), {
          timeoutMs: 5000,
        });
        witness.check();
        assert.deepEqual(witness.problems, []);
        const left = [...witness.pids].filter((pid) => groupMembers(pid).length > 0);
        assert.deepEqual(left, [], 'no process left after stop-all');
      } finally {
        sup.killAll();
        await sup.shutdown({ timeoutMs: 5000 }).catch(() => sup.killAll());
      }
    }),
    { numRuns: 20 },
  );
});
