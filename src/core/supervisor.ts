/**
 * The kernel's entry point: holds the services, runs their instances, and emits one stream of
 * events and one of log lines. Every interface (CLI, RPC, HTTP, scripts) drives this API.
 * Definitions are checked as a whole set (service-set.ts) whatever order they arrive in;
 * every start goes through one plan (dependencies pulled in, conflicting services stopped
 * first), every stop through another (dependents first, held to start again with it), and
 * every state change re-evaluates just the services whose dependencies it touches.
 */

import type { LogLine } from '../logs/log-line.ts';
import { closeQuietly } from '../native/fds.ts';
import { type Clock, systemClock } from './clock.ts';
import {
  type DependencyStatus,
  dependencyDecision,
  evaluateDependencies,
  type InstanceView,
  requirementLoss,
} from './dependencies.ts';
import { TendError } from './errors.ts';
import { Listeners, type SupervisorEvent } from './events.ts';
import { assignmentProblems, type HandleTable, type ResolvedFds } from './handles.ts';
import { resolveIdentity } from './identity.ts';
import { isAtRest, type RestartCause, type RestoredState, type ServiceState } from './lifecycle.ts';
import { assertValidName, instanceName, splitInstanceName } from './names.ts';
import {
  conflictPairs,
  conflictsOf,
  dependencyRanks,
  dependencyTree,
  stopSteps,
  withDependencies,
} from './plans.ts';
import { type ProcessDriver, realProcesses } from './process-driver.ts';
import { startTriggers } from './restart-triggers.ts';
import { isGlob, matchPattern } from './selection.ts';
import {
  type CarriedCounters,
  type ControllerPipes,
  type ControllerSocket,
  type HealthTally,
  type LastExit,
  type RestartTally,
  type RunnerHost,
  ServiceRunner,
} from './service-runner.ts';
import { describeSetProblem, setProblems } from './service-set.ts';
import type { ServiceSpec } from './service-spec.ts';
import { type ServiceStats, StatsReader } from './service-stats.ts';

export type { ServiceStats } from './service-stats.ts';

export interface SupervisorOptions {
  readonly clock?: Clock;
  /** How processes are started and watched; the real one unless a test drives its own. */
  readonly driver?: ProcessDriver;
  /** The environment services inherit before their own `env`; defaults to tend's. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Where services' output goes through named pipes that outlive tend (the daemon's state
   * dir); without it, plain pipes.
   */
  readonly pipeDir?: string | null;
  /** Moves a pipe's content into the service's log file (the log hub's drainPipe). */
  readonly drainPipe?: RunnerHost['drainPipe'];
  /** The newest part of a service's log file (the log hub's readTail). */
  readonly readTail?: RunnerHost['readTail'];
  /**
   * Whether somebody needs every line of a service (a follower, a printer). When nobody does
   * and a writer outruns the splitting of output already in the file, the oldest unsplit part
   * is counted instead of split. Defaults to always.
   */
  readonly everyLineWanted?: (service: string) => boolean;
  /** Connects a controller (a service with `controller`) to the control protocol; without it, its pipes are closed. */
  readonly attachController?: (
    service: string,
    format: 'tsv' | 'json',
    io: ControllerPipes | ControllerSocket,
  ) => void;
  /**
   * Processes a previous tend started, by instance name, found alive with the same start
   * time: their services are adopted instead of started again.
   */
  readonly adoptable?: ReadonlyMap<string, AdoptableProcess>;
  /** The named handles services' `fds` and `sockets` refer to; without it, none may. */
  readonly handles?: HandleTable;
}

const noFds: ResolvedFds = { fds: [], control: null, release: () => {} };

/** A process a previous tend (or image) left running, or with pid 0 only its counters. */
export interface AdoptableProcess extends CarriedCounters {
  readonly pid: number;
  readonly startTicks: number;
  readonly startedAt: number;
  /** With pid 0: start it (it was waiting to restart when the previous image left). */
  readonly resume?: boolean;
  /**
   * With pid 0: it had completed (a one-shot) or failed, or a user had stopped it (inactive;
   * `held`: stopped for a requirement a user stopped); it stays so.
   */
  readonly ended?: { readonly state: RestoredState; readonly reason: string; readonly held?: boolean };
}

export interface ServiceStatus {
  readonly name: string;
  readonly base: string;
  readonly instance: number;
  readonly state: ServiceState;
  readonly reason: string;
  /** When the service entered its current state. */
  readonly since: number;
  readonly pid: number | null;
  readonly startedAt: number | null;
  readonly uptimeMs: number;
  /** Every restart tend performed, whatever its cause. */
  readonly restarts: number;
  readonly restartsByCause: RestartTally['byCause'];
  readonly lastRestart: RestartTally['last'];
  readonly lastExit: LastExit | null;
  /** Stopped (or failed) for a requirement; it starts again when that is back. */
  readonly held: boolean;
  readonly class: ServiceSpec['class'];
  readonly critical: boolean;
  readonly command: string;
  /** Where its processes run; null: tend's own working directory. */
  readonly cwd: string | null;
  readonly health: HealthTally | null;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A change to the set of definitions, checked as a whole and then carried out. */
export interface SetChange {
  readonly add?: readonly ServiceSpec[];
  readonly update?: readonly ServiceSpec[];
  readonly remove?: readonly string[];
}

export class Supervisor {
  readonly events = new Listeners<SupervisorEvent>();
  readonly logs = new Listeners<LogLine>();
  readonly clock: Clock;
  readonly #driver: ProcessDriver;
  readonly #host: Omit<RunnerHost, 'awaiting'>;
  readonly #adoptable: Map<string, AdoptableProcess>;
  readonly #handles: HandleTable | null;
  /** Definitions in the order they were added; runners per definition. */
  readonly #specs = new Map<string, ServiceSpec>();
  readonly #runners = new Map<string, ServiceRunner[]>();
  readonly #byInstance = new Map<string, ServiceRunner>();
  /** Base → the bases whose dependencies or conflicts name it (and those it conflicts with). */
  #dependents = new Map<string, Set<string>>();
  /** Instances whose stop is planned behind their dependents': as good as stopped already. */
  readonly #leaving = new Set<ServiceRunner>();
  /**
   * Stops asked for, by base: an operation that waits (scale, update) and then starts
   * instances starts none when a stop of the service came in meanwhile; the later request wins.
   */
  readonly #stopsAsked = new Map<string, number>();
  /** Instances on their way out (a scale down, a rename, a removal): never started again. */
  readonly #retiring = new Set<ServiceRunner>();
  /** Changes to definitions that wait (update, scale, remove, apply) run one after another. */
  #changes: Promise<unknown> = Promise.resolve();
  /** Instance names in the order they were last started, for reverse-order shutdown. */
  #startOrder: string[] = [];
  #closing = false;
  readonly #stats = new StatsReader();
  /** Stops each service's restart triggers. */
  readonly #triggers = new Map<string, () => void>();

  constructor(options: SupervisorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.#driver = options.driver ?? realProcesses;
    this.#adoptable = new Map(options.adoptable ?? []);
    this.#handles = options.handles ?? null;
    this.#host = {
      clock: this.clock,
      driver: this.#driver,
      pipeDir: options.pipeDir ?? null,
      drainPipe: options.drainPipe ?? (() => null),
      readTail: options.readTail ?? (() => Buffer.alloc(0)),
      everyLineWanted: options.everyLineWanted ?? (() => true),
      attachController:
        options.attachController ??
        ((_s, _f, io) => {
          if ('output' in io) io.output.end();
          else closeQuietly(io.socket);
        }),
      resolveFds: (service, fds) => {
        if (fds.length === 0) return noFds;
        if (!this.#handles) throw new TendError('TEND_FD_NOT_FOUND', { name: fds[0]?.handle, service });
        return this.#handles.resolve(service, fds);
      },
      baseEnv: options.env ?? process.env,
      emit: (e) => this.#emit(e),
      log: (l) => this.logs.emit(l),
    };
  }

  get closing(): boolean {
    return this.#closing;
  }

  specs(): ServiceSpec[] {
    return [...this.#specs.values()];
  }

  spec(name: string): ServiceSpec {
    const spec = this.#specs.get(name);
    if (!spec) throw new TendError('TEND_SERVICE_NOT_FOUND', { name });
    return spec;
  }

  #all(): ServiceRunner[] {
    return [...this.#runners.values()].flat();
  }

  /** Adds a service (all its instances); starts it when `start` is true and it is autostart. */
  add(spec: ServiceSpec, { start = true } = {}): ServiceStatus[] {
    return this.addAll([spec], { start });
  }

  /**
   * Adds several services at once. They are checked together with the services already here
   * (names, users, dependencies, conflicts), so their order does not matter, and nothing is
   * added when one is wrong. `bringUp`: a config's services (the config layer refused what a
   * config may not say); a user this machine does not know fails its service when it starts.
   * Two that conflict and would both start stay at rest, each saying why.
   */
  addAll(specs: readonly ServiceSpec[], { start = true, bringUp = false } = {}): ServiceStatus[] {
    this.check(specs, { bringUp });
    return this.#addUnchecked(specs, start);
  }

  /** Refuses (with every problem named) a set of new definitions that would not fit. */
  check(specs: readonly ServiceSpec[], { bringUp = false, replacing = [] as readonly string[] } = {}): void {
    this.#assertOpen();
    const replaced = new Set(replacing);
    const taken = new Set([...this.#specs.keys()].filter((n) => !replaced.has(n)));
    for (const r of this.#all()) if (!replaced.has(r.spec.name)) taken.add(r.name);
    for (const spec of specs) {
      assertValidName(spec.name);
      if (taken.has(spec.name)) throw new TendError('TEND_SERVICE_EXISTS', { name: spec.name });
      taken.add(spec.name);
      // a service added at run time with a user this machine does not know is refused at once;
      // in a config's bring-up it fails on its own when it starts (as supervisord's does), and
      // the rest of the config runs: what config check accepts elsewhere runs here too
      if (!bringUp) resolveIdentity(spec);
      // a config's handles were checked with it; what arrives at run time meets the live table
      if (!bringUp) this.assertFds(spec);
    }
    const next = [...this.specs().filter((s) => !replaced.has(s.name)), ...specs];
    assertSet(next, new Set(specs.map((s) => s.name)));
  }

  /** Refuses a service whose fds name unknown handles, or handles of the wrong direction. */
  assertFds(spec: ServiceSpec): void {
    const problems = assignmentProblems(spec, (name) => this.#handles?.shape(name));
    const [first] = problems;
    if (!first) return;
    const why = problems.map((p) => `${p.at.join('.')}: ${p.message}`).join('; ');
    if (problems.every((p) => p.message.startsWith('unknown handle')))
      throw new TendError('TEND_FD_NOT_FOUND', { name: first.handle, service: spec.name });
    throw new TendError('TEND_FD_INVALID', { service: spec.name, why });
  }

  #addUnchecked(specs: readonly ServiceSpec[], start: boolean): ServiceStatus[] {
    const added: ServiceRunner[] = [];
    for (const spec of specs) {
      this.#specs.set(spec.name, spec);
      this.#armTriggers(spec);
      const runners = Array.from({ length: spec.instances }, (_, i) => this.#makeRunner(spec, i));
      this.#runners.set(spec.name, runners);
      for (const r of runners) this.#byInstance.set(r.name, r);
      added.push(...runners);
    }
    this.#reindex();
    for (const spec of specs) this.events.emit({ type: 'added', service: spec.name, at: this.clock.now() });
    const toStart: ServiceRunner[] = [];
    for (const r of added) {
      const orphan = this.#adoptable.get(r.name);
      this.#adoptable.delete(r.name);
      if (orphan?.pid === 0) {
        if (orphan.ended) r.restore(orphan.ended.state, orphan.ended.reason, orphan, orphan.ended.held);
        else r.restoreCounters(orphan);
        if (orphan.resume) toStart.push(r);
      } else if (orphan && this.#driver.isAdoptable(orphan.pid, orphan.startTicks)) {
        this.#startOrder.push(r.name);
        r.adopt(orphan);
      } else if (start && r.spec.autostart) {
        toStart.push(r);
      } else if (!r.spec.autostart) {
        r.note(`not started: autostart = false (start it with "tend start ${r.spec.name}")`);
      }
    }
    // two services that conflict and would both start: which one runs must not depend on order
    const clash = conflictPairs(toStart);
    const clashing = new Set(clash.flat());
    for (const r of toStart) {
      if (!clashing.has(r.spec.name)) continue;
      const other = clash.find((p) => p.includes(r.spec.name))?.find((n) => n !== r.spec.name);
      r.note(`not started: conflicts with ${other}, which starts too; start one of them by name`);
    }
    const plan = withDependencies(
      toStart.filter((r) => !clashing.has(r.spec.name)),
      this.#all(),
      this.specs(),
    );
    this.#launch(plan);
    return added.map((r) => this.#status(r));
  }

  /**
   * Replaces a definition; instances that were active restart with the new one, unless
   * `restart` is false: then they run on, and the definition applies from their next start.
   */
  update(spec: ServiceSpec, options: WaitOptions & { restart?: boolean } = {}): Promise<ServiceStatus[]> {
    const asked = this.#stopsAsked.get(spec.name) ?? 0;
    return this.#serially(async () => {
      this.spec(spec.name);
      this.check([spec], { replacing: [spec.name] });
      if (options.restart === false) {
        const old = this.spec(spec.name);
        if (old.instances === spec.instances) {
          this.#specs.set(spec.name, spec);
          for (const r of this.#runners.get(spec.name) ?? []) r.spec = spec;
          this.#reindex();
          return this.status(spec.name);
        }
      }
      return this.#updateUnchecked(spec, options, asked);
    });
  }

  /**
   * Runs a change of definitions after the ones before it: two scales of one service (or a
   * scale and a reload) never work on the same instances at once.
   */
  #serially<T>(change: () => Promise<T>): Promise<T> {
    const next = this.#changes.then(change, change);
    this.#changes = next.catch(() => {});
    return next;
  }

  /**
   * Adds, replaces and removes definitions as one change (a reload): the set it leads to is
   * checked first, and nothing changes when it is wrong.
   */
  apply(change: SetChange, options: WaitOptions = {}): Promise<void> {
    const asked = new Map(this.#stopsAsked);
    return this.#serially(() => this.#applyNow(change, options, asked));
  }

  async #applyNow(
    change: SetChange,
    options: WaitOptions,
    asked: ReadonlyMap<string, number>,
  ): Promise<void> {
    const update = change.update ?? [];
    const add = change.add ?? [];
    const remove = new Set(change.remove ?? []);
    for (const s of update) this.spec(s.name);
    for (const n of remove) this.spec(n);
    this.check([...update, ...add], { replacing: [...remove, ...update.map((s) => s.name)] });
    for (const name of remove) await this.#removeUnchecked(name, options);
    for (const spec of update) await this.#updateUnchecked(spec, options, asked.get(spec.name) ?? 0);
    if (add.length) this.#addUnchecked(add, true);
  }

  /** `asked`: the stops of the service asked for when the change was; a later one wins over it. */
  async #updateUnchecked(spec: ServiceSpec, options: WaitOptions, asked: number): Promise<ServiceStatus[]> {
    const old = this.spec(spec.name);
    const runners = this.#runners.get(spec.name) ?? [];
    const renamed = (old.instances === 1) !== (spec.instances === 1);
    const dropped = renamed ? runners : runners.slice(spec.instances);
    const kept = renamed ? [] : runners.slice(0, spec.instances);
    const wasActive = runners.some((r) => !isAtRest(r.state));
    await this.#drop(dropped, options);
    const active = wasActive && (this.#stopsAsked.get(spec.name) ?? 0) === asked && !this.#closing;
    this.#specs.set(spec.name, spec);
    this.#armTriggers(spec);
    const added = Array.from({ length: spec.instances - kept.length }, (_, i) =>
      this.#makeRunner(spec, kept.length + i),
    );
    this.#runners.set(spec.name, [...kept, ...added]);
    for (const r of added) this.#byInstance.set(r.name, r);
    this.#reindex();
    for (const r of kept) r.spec = spec;
    const restarting = active ? kept.filter((r) => !isAtRest(r.state)) : [];
    const rising = active ? added : [];
    // what the new definition requires or wants comes up with it
    this.#launch(withDependencies([...restarting, ...rising], this.#all(), this.specs()), {
      targets: new Set(restarting),
      cause: 'requested',
      why: 'the definition changed',
    });
    return this.status(spec.name);
  }

  /**
   * Changes how many instances a service has, starting or stopping only the difference: the
   * instances kept run on untouched. New instances start when the service is active. Going
   * from one instance to several (or back) renames it (`web` ↔ `web:0`), so that one restarts.
   */
  scale(name: string, instances: number, options: WaitOptions = {}): Promise<ServiceStatus[]> {
    const asked = this.#stopsAsked.get(splitInstanceName(name).base) ?? 0;
    return this.#serially(() => this.#scaleNow(name, instances, options, asked));
  }

  async #scaleNow(
    name: string,
    instances: number,
    options: WaitOptions,
    asked: number,
  ): Promise<ServiceStatus[]> {
    this.#assertOpen();
    const { base, index } = splitInstanceName(name);
    if (index !== null && this.#specs.has(base)) {
      throw new TendError('TEND_USAGE', {
        message: `scale takes a service's base name, not the instance ${JSON.stringify(name)}`,
      });
    }
    const old = this.spec(name);
    const runners = this.#runners.get(old.name) ?? [];
    const spec = { ...old, instances };
    const renamed = (old.instances === 1) !== (instances === 1);
    if (renamed) return this.#updateUnchecked(spec, options, asked);
    const dropped = runners.slice(instances);
    const kept = runners.slice(0, instances);
    const wasActive = runners.some((r) => !isAtRest(r.state));
    await this.#drop(dropped, options);
    const active = wasActive && (this.#stopsAsked.get(old.name) ?? 0) === asked && !this.#closing;
    for (const r of dropped) this.events.emit({ type: 'removed', service: r.name, at: this.clock.now() });
    this.#specs.set(spec.name, spec);
    for (const r of kept) r.spec = spec;
    const added = Array.from({ length: instances - kept.length }, (_, i) =>
      this.#makeRunner(spec, kept.length + i),
    );
    this.#runners.set(spec.name, [...kept, ...added]);
    for (const r of added) this.#byInstance.set(r.name, r);
    if (active) this.#launch(added);
    return this.status(spec.name);
  }

  /**
   * Stops instances that are going away (what requires them only when none is left) and
   * forgets them; each is announced as removed.
   */
  async #drop(runners: readonly ServiceRunner[], options: WaitOptions): Promise<void> {
    if (runners.length === 0) return;
    // retired at once: a start meanwhile passes them by, a stop still reaches them
    for (const r of runners) this.#retiring.add(r);
    for (const r of runners) r.stop();
    await Promise.all(runners.map((r) => this.#settle(r, options)));
    const base = runners[0]?.spec.name ?? '';
    this.#runners.set(
      base,
      (this.#runners.get(base) ?? []).filter((r) => !runners.includes(r)),
    );
    for (const r of runners) {
      this.#retiring.delete(r);
      r.closePipes();
      this.#byInstance.delete(r.name);
      this.#leaving.delete(r);
      this.#stats.forget(r.name);
      this.events.emit({ type: 'removed', service: r.name, at: this.clock.now() });
    }
    const names = new Set(runners.map((r) => r.name));
    this.#startOrder = this.#startOrder.filter((n) => !names.has(n));
  }

  /** Stops every instance (what requires it first, held for its return) and forgets the service. */
  remove(name: string, options: WaitOptions = {}): Promise<void> {
    return this.#serially(async () => {
      this.spec(name);
      await this.#removeUnchecked(name, options);
    });
  }

  async #removeUnchecked(name: string, options: WaitOptions): Promise<void> {
    const spec = this.spec(name);
    const runners = this.#runners.get(spec.name) ?? [];
    await this.#stopOrdered(runners, options, 'is being removed').done;
    await this.#drop(runners, options);
    this.#specs.delete(spec.name);
    this.#runners.delete(spec.name);
    this.#triggers.get(spec.name)?.();
    this.#triggers.delete(spec.name);
    const dependents = this.#dependents.get(spec.name) ?? new Set();
    this.#reindex();
    // the instances were announced one by one; a service of several is announced too
    if (!runners.some((r) => r.name === spec.name))
      this.events.emit({ type: 'removed', service: spec.name, at: this.clock.now() });
    for (const d of dependents) for (const r of this.#runners.get(d) ?? []) this.#evaluate(r);
  }

  /**
   * Resolves names, bases, globs and `all` to instances; an unknown name is an error. With
   * `spareSystem`, what `all` or a glob matches leaves out class "system" services (a
   * destructive bulk verb touches them only when they are named).
   */
  select(patterns: readonly string[], { spareSystem = false } = {}): ServiceRunner[] {
    const picked = new Set<ServiceRunner>();
    for (const p of patterns) {
      const hits = this.#match(p);
      if (hits.length === 0 && p !== 'all') throw new TendError('TEND_SERVICE_NOT_FOUND', { name: p });
      const bulk = p === 'all' || isGlob(p);
      for (const h of hits) if (!(spareSystem && bulk && h.spec.class === 'system')) picked.add(h);
    }
    return [...picked];
  }

  /**
   * Starts services and what they require or want; running services they conflict with are
   * stopped first. Two of them that conflict with each other are refused: nothing changes.
   */
  start(patterns: readonly string[]): ServiceStatus[] {
    this.#assertOpen();
    const plan = this.#plan(this.select(patterns));
    this.#launch(plan);
    return plan.map((r) => this.#status(r));
  }

  /** Stops services; what requires them is stopped first, and starts again when they do. */
  stop(patterns: readonly string[]): ServiceStatus[] {
    const { touched, done } = this.#stopOrdered(this.select(patterns, { spareSystem: true }));
    done.catch(() => {});
    return touched.map((r) => this.#status(r));
  }

  /** An instance's or a base's name by lookup (one per event, so never a scan); globs and `all` scan. */
  #match(pattern: string): ServiceRunner[] {
    if (pattern === 'all' || isGlob(pattern)) return matchPattern(this.#all(), pattern);
    const instance = this.#byInstance.get(pattern);
    return instance ? [instance] : [...(this.#runners.get(pattern) ?? [])];
  }

  /** Restarts services (one at rest is started, with what it needs); `cause` labels the count. */
  restart(patterns: readonly string[], why?: string, cause: RestartCause = 'requested'): ServiceStatus[] {
    this.#assertOpen();
    const selected = this.select(patterns, { spareSystem: true });
    const plan = this.#plan(selected);
    this.#launch(plan, { targets: new Set(selected), cause, ...(why ? { why } : {}) });
    return selected.map((r) => this.#status(r));
  }

  /** A start's plan: the selection with what it pulls in; refused when two of them conflict. */
  #plan(selected: readonly ServiceRunner[]): ServiceRunner[] {
    const plan = withDependencies(selected, this.#all(), this.specs());
    const [pair] = conflictPairs(plan);
    if (pair) throw new TendError('TEND_SERVICE_CONFLICT', { a: pair[0], b: pair[1] });
    return plan;
  }

  /**
   * Every start passes here: conflicting services that are up are stopped (their dependents
   * first), then each instance is asked to start (or restart); one that must wait for a
   * conflict to end, or for a dependency, waits in `blocked`.
   */
  #launch(
    plan: ServiceRunner[],
    restart?: { targets: ReadonlySet<ServiceRunner>; cause: RestartCause; why?: string },
  ): void {
    plan = plan.filter((r) => !this.#retiring.has(r));
    if (plan.length === 0) return;
    const others = conflictsOf(plan, this.#all());
    if (others.length) {
      const starting = [
        ...new Set(plan.filter((p) => others.some((o) => conflictsWith(p, o))).map((p) => p.spec.name)),
      ];
      const why = `stopped: ${starting.join(', ')} started, which conflicts with it`;
      this.#stopOrdered(others, {}, 'is being stopped for a conflict', why).done.catch(() => {});
    }
    // in dependency order: a service that only orders itself after another (after, wants) sees
    // the other one starting, whichever of the two was written or selected first
    const rank = dependencyRanks(this.specs());
    plan.sort((a, b) => (rank.get(a.spec.name) ?? 0) - (rank.get(b.spec.name) ?? 0));
    const planned = new Set(plan.map((r) => r.name));
    this.#startOrder = [...this.#startOrder.filter((n) => !planned.has(n)), ...plan.map((r) => r.name)];
    for (const r of plan) {
      this.#leaving.delete(r);
      if (restart?.targets.has(r)) r.restart(restart.cause, restart.why);
      else r.start();
    }
  }

  /** Sends a signal to each selected service's process group; returns those that had one. */
  kill(patterns: readonly string[], signal: NodeJS.Signals): string[] {
    return this.select(patterns, { spareSystem: true })
      .filter((r) => r.kill(signal))
      .map((r) => r.name);
  }

  /**
   * Starts every user-class service that is inactive or failed. Of two that conflict, the one
   * already up stays; when neither is, the one with autostart starts; when that does not
   * decide, neither starts and each says why.
   */
  startAll({ includeSystem = false } = {}): ServiceStatus[] {
    this.#assertOpen();
    const runners = this.#all().filter((r) => includeSystem || r.spec.class !== 'system');
    const candidates = runners.filter((r) => r.state === 'inactive' || r.state === 'failed');
    const up = (base: string) => (this.#runners.get(base) ?? []).some((r) => !isAtRest(r.state));
    const skipped = new Map<string, string>();
    for (const [a, b] of conflictPairs([...candidates, ...this.#all().filter((r) => !isAtRest(r.state))])) {
      const [sa, sb] = [this.spec(a), this.spec(b)];
      if (up(a) || up(b))
        skipped.set(up(a) ? b : a, `not started: conflicts with ${up(a) ? a : b}, which is up`);
      else if (sa.autostart !== sb.autostart)
        skipped.set(
          sa.autostart ? b : a,
          `not started: conflicts with ${sa.autostart ? a : b}, which starts automatically`,
        );
      else {
        skipped.set(a, `not started: conflicts with ${b}; start one of them by name`);
        skipped.set(b, `not started: conflicts with ${a}; start one of them by name`);
      }
    }
    for (const r of candidates) {
      const why = skipped.get(r.spec.name);
      if (why) r.note(why);
    }
    const plan = withDependencies(
      candidates.filter((r) => !skipped.has(r.spec.name)),
      this.#all(),
      this.specs(),
    ).filter((r) => !skipped.has(r.spec.name));
    this.#launch(plan);
    return runners.map((r) => this.#status(r));
  }

  /** Stops every user-class service; `system` services are protected unless included. */
  stopAll({ includeSystem = false } = {}): ServiceStatus[] {
    const runners = this.#all().filter((r) => includeSystem || r.spec.class !== 'system');
    const { touched, done } = this.#stopOrdered(runners);
    done.catch(() => {});
    return touched.map((r) => this.#status(r));
  }

  list(): ServiceStatus[] {
    return this.#all().map((r) => this.#status(r));
  }

  status(pattern: string): ServiceStatus[] {
    return this.select([pattern]).map((r) => this.#status(r));
  }

  /** Reads /proc for the selected services now; nothing is sampled in between. */
  stats(patterns: readonly string[] = ['all']): ServiceStats[] {
    return this.#stats.read(
      this.select(patterns).map((r) => ({
        name: r.name,
        state: r.state,
        pgid: r.pgid,
        pid: r.pid,
        startedAt: r.startedAt,
        restarts: r.restarts.total,
        lastExit: r.lastExit,
      })),
      this.clock.now(),
    );
  }

  /** Resolves when every selected service is in one of `states`. */
  async waitFor(
    patterns: readonly string[],
    states: readonly ServiceState[],
    options: WaitOptions = {},
  ): Promise<void> {
    const runners = this.select(patterns);
    const done = () => runners.every((r) => states.includes(r.state));
    if (done()) return;
    await this.#until(done, `${patterns.join(', ')} to be ${states.join(' or ')}`, options);
  }

  /** Stops everything, system services included, in reverse order of start, and rejects new starts. */
  async shutdown(options: WaitOptions = {}): Promise<void> {
    this.#closing = true;
    for (const stop of this.#triggers.values()) stop();
    this.#triggers.clear();
    await this.#stopOrdered(this.#all(), options).done;
    for (const r of this.#all()) r.closePipes();
  }

  /** Second Ctrl-C: SIGKILL to every group at once. */
  killAll(): void {
    for (const r of this.#all()) r.kill('SIGKILL');
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.shutdown();
  }

  /** cron_restart, watch and max_memory of a service; replaced when its definition is. */
  #armTriggers(spec: ServiceSpec): void {
    this.#triggers.get(spec.name)?.();
    this.#triggers.delete(spec.name);
    if (!spec.cronRestart && !spec.watch && spec.maxMemoryBytes === null) return;
    const stop = startTriggers(spec, {
      clock: this.clock,
      active: (base) =>
        (this.#runners.get(base) ?? []).flatMap((r) =>
          (r.state === 'running' || r.state === 'starting') && r.pgid !== null
            ? [{ name: r.name, pgid: r.pgid }]
            : [],
        ),
      restart: (names, why, cause) => {
        if (!this.#closing) this.restart(names, why, cause);
      },
    });
    this.#triggers.set(spec.name, stop);
  }

  #makeRunner(spec: ServiceSpec, index: number): ServiceRunner {
    let runner: ServiceRunner | null = null;
    runner = new ServiceRunner(spec, index, instanceName(spec.name, index, spec.instances), {
      ...this.#host,
      awaiting: () => runner !== null && dependencyDecision(this.#dependencies(runner.spec)).kind !== 'start',
    });
    return runner;
  }

  #view(r: ServiceRunner): InstanceView {
    return {
      name: r.name,
      state: r.state,
      reason: r.reason,
      ran: r.lastExit !== null,
      leaving: this.#leaving.has(r),
      root: this.#rootCause(r, 0),
    };
  }

  /** What a held service waits on, down to the service whose own failure or stop it is. */
  #rootCause(r: ServiceRunner, depth: number): string {
    const own = `${r.name} ${r.state === 'failed' ? r.reason : `is ${r.state} (${r.reason})`}`;
    if (!r.held || depth > 32) return own;
    for (const dep of Object.keys(r.spec.requires)) {
      const down = (this.#runners.get(dep) ?? []).find((x) => x.state === 'failed' || x.state === 'inactive');
      if (down) return this.#rootCause(down, depth + 1);
    }
    return own;
  }

  /**
   * The dependency records of a definition, against the instances as they are now. A
   * conflict binds both sides, whichever of the two names it.
   */
  #dependencies(spec: ServiceSpec): DependencyStatus[] {
    const named = [...(this.#dependents.get(spec.name) ?? [])].filter((d) =>
      this.#specs.get(d)?.conflicts.includes(spec.name),
    );
    const conflicts = [...new Set([...spec.conflicts, ...named])];
    return evaluateDependencies({ ...spec, conflicts }, (dep) =>
      (this.#runners.get(dep) ?? []).map((r) => this.#view(r)),
    );
  }

  #reindex(): void {
    const index = new Map<string, Set<string>>();
    const link = (from: string, to: string) => {
      const set = index.get(from) ?? new Set<string>();
      set.add(to);
      index.set(from, set);
    };
    for (const s of this.#specs.values()) {
      for (const d of [...Object.keys(s.requires), ...Object.keys(s.wants), ...s.after]) link(d, s.name);
      for (const c of s.conflicts) {
        link(c, s.name);
        link(s.name, c);
      }
    }
    this.#dependents = index;
  }

  /** Every event passes here: a state change may unblock, release or stop services that depend on it. */
  #emit(e: SupervisorEvent): void {
    this.events.emit(e);
    if (e.type !== 'state' || e.from === e.to) return;
    const changed = this.#byInstance.get(e.service);
    if (!changed) return;
    if (isAtRest(changed.state) || changed.state === 'stopping') this.#leaving.delete(changed);
    // one that starts waiting, or lands held, looks at its dependencies at once: they may
    // have come back while it was stopping (a requirement restarted faster than it stopped)
    if (changed.state === 'blocked' || changed.held) this.#evaluate(changed);
    for (const d of this.#dependents.get(changed.spec.name) ?? []) {
      for (const r of this.#runners.get(d) ?? []) this.#evaluate(r);
    }
  }

  /** Tells one instance what its dependencies say now; its table decides what that means. */
  #evaluate(r: ServiceRunner): void {
    if (!isAtRest(r.state)) {
      const loss = requirementLoss(r.spec, (dep) => (this.#runners.get(dep) ?? []).map((x) => this.#view(x)));
      if (loss) return r.depLost(loss.failed, loss.why);
    }
    if (this.#closing || this.#retiring.has(r)) return;
    if (r.state === 'blocked' || r.held) r.depsChanged();
  }

  /** `tend why`: each instance's state with one line per dependency. */
  why(pattern: string): {
    name: string;
    state: ServiceState;
    reason: string;
    held: boolean;
    dependencies: DependencyStatus[];
  }[] {
    return this.select([pattern]).map((r) => ({
      name: r.name,
      state: r.state,
      reason: r.reason,
      held: r.held,
      dependencies: this.#dependencies(r.spec),
    }));
  }

  /** The graph with states, for `tend tree`: every service, or those `pattern` reaches. */
  tree(pattern?: string) {
    const roots = pattern ? [...new Set(this.select([pattern]).map((r) => r.spec.name))] : undefined;
    return dependencyTree(this.specs(), (base) => this.#runners.get(base) ?? [], roots);
  }

  /**
   * Stops runners after everything that requires them, step by step; each step in parallel.
   * A dependent is held (it starts again when what it requires does); what was selected is
   * stopped with `why` (a user's request when none is given).
   */
  #stopOrdered(runners: readonly ServiceRunner[], options: WaitOptions = {}, verb?: string, why?: string) {
    const { touched, steps, holds } = stopSteps(runners, this.#inStopOrder(), this.specs(), verb);
    for (const r of touched) if (!isAtRest(r.state)) this.#leaving.add(r);
    for (const base of new Set(touched.map((r) => r.spec.name)))
      this.#stopsAsked.set(base, (this.#stopsAsked.get(base) ?? 0) + 1);
    const done = (async () => {
      for (const step of steps) {
        for (const r of step) {
          const hold = holds.get(r);
          if (hold !== undefined) r.stop(hold, true);
          else r.stop(why);
        }
        await Promise.all(step.map((r) => this.#settle(r, options)));
      }
    })();
    return { touched, done };
  }

  #inStopOrder(): ServiceRunner[] {
    const all = this.#all();
    const rank = new Map(this.#startOrder.map((n, i) => [n, i]));
    return all.sort((a, b) => (rank.get(b.name) ?? -1) - (rank.get(a.name) ?? -1));
  }

  #settle(r: ServiceRunner, options: WaitOptions): Promise<void> {
    return this.#race(r.settled(), `${r.name} to stop`, options);
  }

  #status(r: ServiceRunner): ServiceStatus {
    const now = this.clock.now();
    const restarts = r.restarts;
    return {
      name: r.name,
      base: r.spec.name,
      instance: r.index,
      state: r.state,
      reason: r.reason,
      since: r.since,
      pid: r.pid,
      startedAt: r.pid !== null ? r.startedAt : null,
      uptimeMs: r.pid !== null && r.startedAt !== null ? Math.max(0, now - r.startedAt) : 0,
      restarts: restarts.total,
      restartsByCause: restarts.byCause,
      lastRestart: restarts.last,
      lastExit: r.lastExit,
      held: r.held,
      class: r.spec.class,
      critical: r.spec.critical,
      command: r.spec.commandText,
      cwd: r.spec.cwd,
      health: r.health,
    };
  }

  #assertOpen(): void {
    if (this.#closing) throw new TendError('TEND_SHUTTING_DOWN');
  }

  #until(done: () => boolean, what: string, options: WaitOptions): Promise<void> {
    let off = () => {};
    const reached = new Promise<void>((resolve) => {
      off = this.events.add(() => {
        if (done()) resolve();
      });
    });
    return this.#race(reached, what, options).finally(off);
  }

  /** Bounds a wait by an optional timeout (on the real clock) and AbortSignal. */
  #race(promise: Promise<void>, what: string, { timeoutMs, signal }: WaitOptions): Promise<void> {
    if (timeoutMs === undefined && !signal) return promise;
    return new Promise((resolve, reject) => {
      signal?.throwIfAborted();
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => reject(new TendError('TEND_TIMEOUT', { ms: timeoutMs, what })), timeoutMs);
      const onAbort = () => reject(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      promise.then(resolve, reject).finally(() => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      });
    });
  }
}

function conflictsWith(a: ServiceRunner, b: ServiceRunner): boolean {
  return a.spec.conflicts.includes(b.spec.name) || b.spec.conflicts.includes(a.spec.name);
}

/** Refuses a set with a problem among the named services, naming each at its field. */
function assertSet(specs: readonly ServiceSpec[], only: ReadonlySet<string>): void {
  const problems = setProblems(specs, { only });
  if (problems.length === 0) return;
  const lines = problems.map(describeSetProblem);
  throw new TendError('TEND_CONFIG_INVALID', {
    file: 'services',
    details: lines.join('\n'),
    issues: problems.map((p) => ({
      file: 'services',
      line: null,
      column: null,
      path: `services.${p.service}.${p.field}`,
      message: p.message,
    })),
  });
}
