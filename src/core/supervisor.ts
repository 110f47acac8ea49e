/**
 * The kernel's entry point: holds the services, runs their instances, and emits one stream of
 * events and one of log lines. Every interface (CLI, RPC, HTTP, scripts) drives this API.
 */

import type { LogLine } from '../logs/log-line.ts';
import { isAdoptable } from '../process/adopt.ts';
import { groupStats } from '../process/proc.ts';
import { resolveIdentity } from '../process/spawn.ts';
import { type Clock, systemClock } from './clock.ts';
import { type DependencyStatus, dependencyDecision, evaluateDependencies } from './dependencies.ts';
import { TendError } from './errors.ts';
import { Listeners, type SupervisorEvent } from './events.ts';
import type { ServiceState } from './lifecycle.ts';
import { assertValidName, instanceName, splitInstanceName } from './names.ts';
import {
  assertGraph,
  conflictsOf,
  dependencyTree,
  restingStates,
  stopSteps,
  withDependencies,
} from './plans.ts';
import { startTriggers } from './restart-triggers.ts';
import { isGlob, matchPattern } from './selection.ts';
import {
  type ControllerPipes,
  type HealthTally,
  type LastExit,
  type RunnerHost,
  ServiceRunner,
} from './service-runner.ts';
import type { ServiceSpec } from './service-spec.ts';

export interface SupervisorOptions {
  readonly clock?: Clock;
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
  readonly attachController?: (service: string, format: 'tsv' | 'json', io: ControllerPipes) => void;
  /**
   * Processes a previous tend started, by instance name, found alive with the same start
   * time: their services are adopted instead of started again.
   */
  readonly adoptable?: ReadonlyMap<string, AdoptableProcess>;
}

/** A process a previous tend (or image) left running, or with pid 0 only its counters. */
export interface AdoptableProcess {
  readonly pid: number;
  readonly startTicks: number;
  readonly startedAt: number;
  readonly restarts: number;
  readonly lastExit?: LastExit | null;
  /** With pid 0: start it (it was waiting to restart when the previous image left). */
  readonly resume?: boolean;
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
  readonly restarts: number;
  readonly lastExit: LastExit | null;
  readonly class: ServiceSpec['class'];
  readonly critical: boolean;
  readonly command: string;
  readonly health: HealthTally | null;
}

export interface ServiceStats {
  readonly name: string;
  readonly pids: readonly number[];
  readonly cpuPercent: number;
  /** CPU time of the current process group (user + system), reset when the service restarts. */
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  readonly uptimeMs: number;
  readonly restarts: number;
  readonly lastExit: LastExit | null;
}

export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export class Supervisor {
  readonly events = new Listeners<SupervisorEvent>();
  readonly logs = new Listeners<LogLine>();
  readonly clock: Clock;
  readonly #env: Readonly<Record<string, string | undefined>>;
  readonly #pipeDir: string | null;
  readonly #drainPipe: RunnerHost['drainPipe'];
  readonly #readTail: RunnerHost['readTail'];
  readonly #everyLineWanted: (service: string) => boolean;
  readonly #attachController: (service: string, format: 'tsv' | 'json', io: ControllerPipes) => void;
  readonly #adoptable: Map<string, AdoptableProcess>;
  /** Definitions in the order they were added; runners per definition. */
  readonly #specs = new Map<string, ServiceSpec>();
  readonly #runners = new Map<string, ServiceRunner[]>();
  /** Instance names in the order they were last started, for reverse-order shutdown. */
  #startOrder: string[] = [];
  #closing = false;
  readonly #cpuSamples = new Map<string, { at: number; cpu: number }>();
  /** Stops each service's restart triggers. */
  readonly #triggers = new Map<string, () => void>();

  constructor(options: SupervisorOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.#env = options.env ?? process.env;
    this.#pipeDir = options.pipeDir ?? null;
    this.#drainPipe = options.drainPipe ?? (() => null);
    this.#readTail = options.readTail ?? (() => Buffer.alloc(0));
    this.#everyLineWanted = options.everyLineWanted ?? (() => true);
    this.#attachController = options.attachController ?? ((_s, _f, io) => io.output.end());
    this.#adoptable = new Map(options.adoptable ?? []);
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
   * Adds several services at once. Every one is checked first (name, user, the dependency
   * graph with all of them, once) and nothing is added when one is wrong.
   */
  addAll(specs: readonly ServiceSpec[], { start = true } = {}): ServiceStatus[] {
    this.#assertOpen();
    const taken = new Set([...this.#specs.keys(), ...this.#all().map((r) => r.name)]);
    for (const spec of specs) {
      assertValidName(spec.name);
      if (taken.has(spec.name)) throw new TendError('TEND_SERVICE_EXISTS', { name: spec.name });
      taken.add(spec.name);
      resolveIdentity(spec);
    }
    assertGraph([...this.specs(), ...specs]);
    return specs.flatMap((spec) => this.#register(spec, start));
  }

  #register(spec: ServiceSpec, start: boolean): ServiceStatus[] {
    this.#specs.set(spec.name, spec);
    this.#armTriggers(spec);
    const runners = Array.from({ length: spec.instances }, (_, i) => this.#makeRunner(spec, i));
    this.#runners.set(spec.name, runners);
    this.events.emit({ type: 'added', service: spec.name, at: this.clock.now() });
    for (const r of runners) {
      const orphan = this.#adoptable.get(r.name);
      this.#adoptable.delete(r.name);
      if (orphan?.pid === 0) {
        r.restoreCounters(orphan);
        if (orphan.resume) this.#start(r);
      } else if (orphan && isAdoptable(orphan.pid, orphan.startTicks)) {
        this.#startOrder.push(r.name);
        r.adopt(orphan);
      } else if (start && spec.autostart) {
        this.#start(r);
      }
    }
    return runners.map((r) => this.#status(r));
  }

  /** Replaces a definition; instances that were active restart with the new one. */
  async update(spec: ServiceSpec, options: WaitOptions = {}): Promise<ServiceStatus[]> {
    this.#assertOpen();
    const old = this.spec(spec.name);
    resolveIdentity(spec);
    assertGraph(this.specs().map((s) => (s.name === spec.name ? spec : s)));
    const runners = this.#runners.get(spec.name) ?? [];
    const active = runners.some((r) => !restingStates.includes(r.state));
    const renamed = (old.instances === 1) !== (spec.instances === 1);
    const dropped = renamed ? runners : runners.slice(spec.instances);
    const kept = renamed ? [] : runners.slice(0, spec.instances);
    for (const r of dropped) r.stop();
    await Promise.all(dropped.map((r) => this.#settle(r, options)));
    for (const r of dropped) r.closePipes();
    this.#specs.set(spec.name, spec);
    this.#armTriggers(spec);
    const added = Array.from({ length: spec.instances - kept.length }, (_, i) =>
      this.#makeRunner(spec, kept.length + i),
    );
    this.#runners.set(spec.name, [...kept, ...added]);
    for (const r of kept) {
      r.spec = spec;
      if (!restingStates.includes(r.state)) this.#start(r, true);
    }
    if (active || (spec.autostart && renamed)) for (const r of added) this.#start(r);
    return this.status(spec.name);
  }

  /**
   * Changes how many instances a service has, starting or stopping only the difference: the
   * instances kept run on untouched. New instances start when the service is active. Going
   * from one instance to several (or back) renames it (`web` ↔ `web:0`), so that one restarts.
   */
  async scale(name: string, instances: number, options: WaitOptions = {}): Promise<ServiceStatus[]> {
    this.#assertOpen();
    const { base, index } = splitInstanceName(name);
    if (index !== null && this.#specs.has(base)) {
      throw new TendError('TEND_USAGE', {
        message: `scale takes a service's base name, not the instance ${JSON.stringify(name)}`,
      });
    }
    const old = this.spec(name);
    const runners = this.#runners.get(old.name) ?? [];
    const active = runners.some((r) => !restingStates.includes(r.state));
    const spec = { ...old, instances };
    const renamed = (old.instances === 1) !== (instances === 1);
    if (renamed) return this.update(spec, options);
    const dropped = runners.slice(instances);
    const kept = runners.slice(0, instances);
    for (const r of dropped) r.stop();
    await Promise.all(dropped.map((r) => this.#settle(r, options)));
    for (const r of dropped) {
      r.closePipes();
      this.events.emit({ type: 'removed', service: r.name, at: this.clock.now() });
    }
    this.#specs.set(spec.name, spec);
    for (const r of kept) r.spec = spec;
    const added = Array.from({ length: instances - kept.length }, (_, i) =>
      this.#makeRunner(spec, kept.length + i),
    );
    this.#runners.set(spec.name, [...kept, ...added]);
    if (active) for (const r of added) this.#start(r);
    const dropNames = new Set(dropped.map((r) => r.name));
    this.#startOrder = this.#startOrder.filter((n) => !dropNames.has(n));
    return this.status(spec.name);
  }

  /** Stops every instance and forgets the service. */
  async remove(name: string, options: WaitOptions = {}): Promise<void> {
    const spec = this.spec(name);
    const runners = this.#runners.get(spec.name) ?? [];
    for (const r of runners) r.stop();
    await Promise.all(runners.map((r) => this.#settle(r, options)));
    for (const r of runners) r.closePipes();
    this.#specs.delete(spec.name);
    this.#runners.delete(spec.name);
    this.#triggers.get(spec.name)?.();
    this.#triggers.delete(spec.name);
    const names = new Set(runners.map((r) => r.name));
    this.#startOrder = this.#startOrder.filter((n) => !names.has(n));
    this.events.emit({ type: 'removed', service: spec.name, at: this.clock.now() });
  }

  /**
   * Resolves names, bases, globs and `all` to instances; an unknown name is an error. With
   * `spareSystem`, what `all` or a glob matches leaves out class "system" services (a
   * destructive bulk verb touches them only when they are named).
   */
  select(patterns: readonly string[], { spareSystem = false } = {}): ServiceRunner[] {
    const all = this.#all();
    const picked = new Set<ServiceRunner>();
    for (const p of patterns) {
      const hits = matchPattern(all, p);
      if (hits.length === 0 && p !== 'all') throw new TendError('TEND_SERVICE_NOT_FOUND', { name: p });
      const bulk = p === 'all' || isGlob(p);
      for (const h of hits) if (!(spareSystem && bulk && h.spec.class === 'system')) picked.add(h);
    }
    return [...picked];
  }

  /** Starts services, and what they require or want; services they conflict with are stopped. */
  start(patterns: readonly string[]): ServiceStatus[] {
    this.#assertOpen();
    const runners = withDependencies(this.select(patterns), this.#all(), this.specs());
    for (const other of conflictsOf(runners, this.#all())) other.stop();
    for (const r of runners) this.#start(r);
    return runners.map((r) => this.#status(r));
  }

  /** Stops services; what requires them is stopped first. */
  stop(patterns: readonly string[]): ServiceStatus[] {
    const { touched, done } = this.#stopOrdered(this.select(patterns, { spareSystem: true }));
    done.catch(() => {});
    return touched.map((r) => this.#status(r));
  }

  restart(patterns: readonly string[], why?: string): ServiceStatus[] {
    this.#assertOpen();
    const runners = this.select(patterns, { spareSystem: true });
    for (const r of runners) this.#start(r, true, why);
    return runners.map((r) => this.#status(r));
  }

  /** Sends a signal to each selected service's process group; returns those that had one. */
  kill(patterns: readonly string[], signal: NodeJS.Signals): string[] {
    return this.select(patterns, { spareSystem: true })
      .filter((r) => r.kill(signal))
      .map((r) => r.name);
  }

  /** Starts every user-class service (system ones are left as they are, as with stop). */
  startAll({ includeSystem = false } = {}): ServiceStatus[] {
    this.#assertOpen();
    const runners = this.#all().filter((r) => includeSystem || r.spec.class !== 'system');
    for (const r of runners) if (r.state === 'inactive' || r.state === 'failed') this.#start(r);
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
    const runners = this.select(patterns);
    const now = this.clock.now();
    const groups = groupStats(runners.flatMap((r) => (r.pgid !== null && r.pid !== null ? [r.pgid] : [])));
    return runners.map((r) => {
      const g = r.pgid !== null && r.pid !== null ? groups.get(r.pgid) : undefined;
      const cpu = g?.cpuSeconds ?? 0;
      const prev = this.#cpuSamples.get(r.name);
      const since = prev && prev.cpu <= cpu ? prev : { at: r.startedAt ?? now, cpu: 0 };
      const elapsed = (now - since.at) / 1000;
      if (g) this.#cpuSamples.set(r.name, { at: now, cpu });
      return {
        name: r.name,
        pids: g?.pids ?? [],
        cpuPercent: g && elapsed > 0 ? Math.round(((cpu - since.cpu) / elapsed) * 1000) / 10 : 0,
        cpuSeconds: cpu,
        rssBytes: g?.rssBytes ?? 0,
        uptimeMs: this.#uptime(r, now),
        restarts: r.restarts,
        lastExit: r.lastExit,
      };
    });
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
      restart: (names, why) => {
        if (!this.#closing) this.restart(names, why);
      },
    });
    this.#triggers.set(spec.name, stop);
  }

  #makeRunner(spec: ServiceSpec, index: number): ServiceRunner {
    return new ServiceRunner(spec, index, instanceName(spec.name, index, spec.instances), {
      clock: this.clock,
      pipeDir: this.#pipeDir,
      drainPipe: this.#drainPipe,
      readTail: this.#readTail,
      everyLineWanted: this.#everyLineWanted,
      attachController: this.#attachController,
      baseEnv: this.#env,
      emit: (e) => this.#emit(e),
      log: (l) => this.logs.emit(l),
      awaiting: () => dependencyDecision(this.#dependencies(spec.name)).kind !== 'start',
    });
  }

  /** The dependency records of a service's current definition. */
  #dependencies(base: string): DependencyStatus[] {
    const spec = this.#specs.get(base);
    if (!spec) return [];
    return evaluateDependencies(spec, (dep) =>
      (this.#runners.get(dep) ?? []).map((r) => ({
        name: r.name,
        state: r.state,
        reason: r.reason,
        ran: r.lastExit !== null,
      })),
    );
  }

  /** Every event passes here: a state change may unblock (or fail) services waiting on it. */
  #emit(e: SupervisorEvent): void {
    this.events.emit(e);
    if (e.type === 'state' && e.from !== e.to) this.#reevaluate();
  }

  #reevaluate(): void {
    for (const r of this.#all()) {
      if (r.state !== 'blocked') continue;
      const d = dependencyDecision(this.#dependencies(r.spec.name));
      if (d.kind === 'start') r.depsMet();
      else if (d.kind === 'fail') r.depFailed(d.why);
    }
  }

  /** `tend why`: each instance's state with one line per dependency. */
  why(
    pattern: string,
  ): { name: string; state: ServiceState; reason: string; dependencies: DependencyStatus[] }[] {
    return this.select([pattern]).map((r) => ({
      name: r.name,
      state: r.state,
      reason: r.reason,
      dependencies: this.#dependencies(r.spec.name),
    }));
  }

  /** The graph with states, for `tend tree`: every service, or those `pattern` reaches. */
  tree(pattern?: string) {
    const roots = pattern ? [...new Set(this.select([pattern]).map((r) => r.spec.name))] : undefined;
    return dependencyTree(this.specs(), (base) => this.#runners.get(base) ?? [], roots);
  }

  /** Stops runners after everything that requires them, step by step; each step in parallel. */
  #stopOrdered(runners: readonly ServiceRunner[], options: WaitOptions = {}) {
    const { touched, steps } = stopSteps(runners, this.#inStopOrder(), this.specs());
    const done = (async () => {
      for (const step of steps) {
        for (const r of step) r.stop();
        await Promise.all(step.map((r) => this.#settle(r, options)));
      }
    })();
    return { touched, done };
  }

  #start(r: ServiceRunner, restart = false, why?: string): void {
    this.#startOrder = this.#startOrder.filter((n) => n !== r.name);
    this.#startOrder.push(r.name);
    if (restart) r.restart(why);
    else r.start();
  }

  #inStopOrder(): ServiceRunner[] {
    const all = this.#all();
    const rank = new Map(this.#startOrder.map((n, i) => [n, i]));
    return all.sort((a, b) => (rank.get(b.name) ?? -1) - (rank.get(a.name) ?? -1));
  }

  #settle(r: ServiceRunner, options: WaitOptions): Promise<void> {
    return this.#race(r.settled(), `${r.name} to stop`, options);
  }

  #uptime(r: ServiceRunner, now: number): number {
    return r.pid !== null && r.startedAt !== null ? Math.max(0, now - r.startedAt) : 0;
  }

  #status(r: ServiceRunner): ServiceStatus {
    const now = this.clock.now();
    return {
      name: r.name,
      base: r.spec.name,
      instance: r.index,
      state: r.state,
      reason: r.reason,
      since: r.since,
      pid: r.pid,
      startedAt: r.pid !== null ? r.startedAt : null,
      uptimeMs: this.#uptime(r, now),
      restarts: r.restarts,
      lastExit: r.lastExit,
      class: r.spec.class,
      critical: r.spec.critical,
      command: r.spec.commandText,
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
