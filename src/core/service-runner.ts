/**
 * Drives one service instance: feeds events through the lifecycle table and carries out the
 * effects it returns (spawn, hooks, watches, signals, timers). It decides nothing itself: a
 * callback from a process, probe or hook is routed by identity (is it about the current run?)
 * and handed to the table, which says what it means in the current state. Events are queued
 * and handled one at a time, so an effect that produces an event never re-enters the table.
 */

import { closeFd } from '../logs/fifo.ts';
import type { LogLine, LogStream } from '../logs/log-line.ts';
import type { Moved } from '../logs/rotating-file.ts';
import type { ProcessEnd, SpawnedProcess } from '../process/spawn.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { expandEnv } from './env-expand.ts';
import { unreachable } from './errors.ts';
import type { SupervisorEvent } from './events.ts';
import { controlHandle, type FdAssignment, type ResolvedFds } from './handles.ts';
import type { HookOutcome, HookPhase } from './hooks.ts';
import { resolveIdentity } from './identity.ts';
import {
  type Effect,
  IllegalTransition,
  initialLifecycle,
  isAtRest,
  isLive,
  type Lifecycle,
  type RestartCause,
  type RestoredState,
  restartCauses,
  type ServiceEvent,
  type ServiceState,
  transition,
} from './lifecycle.ts';
import type { ProcessDriver } from './process-driver.ts';
import { RunWatch } from './run-watch.ts';
import { ServiceOutput } from './service-output.ts';
import type { ServiceSpec } from './service-spec.ts';

export interface RunnerHost {
  readonly clock: Clock;
  readonly driver: ProcessDriver;
  /** Where the named pipes of services' output live; null: plain pipes that die with tend. */
  readonly pipeDir: string | null;
  /** Moves what waits in a pipe into the service's log file; null when that cannot be done. */
  drainPipe(service: string, stream: LogStream, pipeFd: number, readBack: boolean): Moved | null;
  /** The newest part of the service's log file, from a line start. */
  readTail(service: string, stream: LogStream, maxBytes: number): Buffer;
  /** Whether a follower or printer needs every line of this service. */
  everyLineWanted(service: string): boolean;
  /** Connects a controller's pipes to tend's control protocol (an adapter's job, not the kernel's). */
  attachController(service: string, format: 'tsv' | 'json', io: ControllerPipes | ControllerSocket): void;
  /** A service's handles as fds for one spawn (core/handles.ts); throws for an unknown one. */
  resolveFds(service: string, fds: readonly FdAssignment[]): ResolvedFds;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  emit(event: SupervisorEvent): void;
  log(line: LogLine): void;
  /** Whether this instance must still wait (dependencies, a conflicting service still up). */
  awaiting(name: string): boolean;
}

/** A controller's side of the conversation: what it writes, and where tend's answers go. */
export interface ControllerPipes {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

/** A controller that named `control` in its fds: tend's end of the socket pair. */
export interface ControllerSocket {
  readonly socket: number;
}

export interface LastExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

/** Every restart tend performed, by what caused it, and the last one. */
export interface RestartTally {
  readonly total: number;
  readonly byCause: Readonly<Record<RestartCause, number>>;
  readonly last: { readonly cause: RestartCause; readonly at: number } | null;
}

/** What a new tend carries over from the previous one for an instance. */
export interface CarriedCounters {
  readonly restarts: number;
  readonly restartsByCause?: Partial<Record<RestartCause, number>> | undefined;
  readonly lastRestart?: { readonly cause: RestartCause; readonly at: number } | null | undefined;
  readonly lastExit?: LastExit | null | undefined;
}

/** How often the rest of a group is checked after its leader exited during a stop. */
const groupPollMs = 20;

/** The last health check's result and how many passed and failed since tend started. */
export interface HealthTally {
  readonly ok: boolean;
  readonly detail: string;
  readonly at: number;
  readonly passes: number;
  readonly failures: number;
}

function zeroCauses(): Record<RestartCause, number> {
  return Object.fromEntries(restartCauses.map((c) => [c, 0])) as Record<RestartCause, number>;
}

/**
 * systemd's socket activation variables (LISTEN_PID is set by the spawn itself, see
 * process/spawn.ts), and where a controller's control socket is.
 */
function handleEnv(spec: ServiceSpec, controlFd: number | null): Record<string, string> {
  const env: Record<string, string> = {};
  if (spec.sockets.length) {
    env.LISTEN_FDS = String(spec.sockets.length);
    env.LISTEN_FDNAMES = spec.sockets.join(':');
  }
  if (controlFd !== null) env.TEND_CONTROL_FD = String(controlFd);
  return env;
}

export class ServiceRunner {
  readonly name: string;
  readonly index: number;
  #spec: ServiceSpec;
  readonly #host: RunnerHost;
  #lc: Lifecycle = initialLifecycle;
  #reason = 'added';
  #since: number;
  #proc: SpawnedProcess | null = null;
  /** Numbers each spawn: a callback about an earlier run is recognised and dropped. */
  #run = 0;
  /** The PID that leads the current (or last) process group; kept until the group is gone. */
  #pgid: number | null = null;
  #startedAt: number | null = null;
  #lastExit: LastExit | null = null;
  #health: HealthTally | null = null;
  #spawned = false;
  #restarts = zeroCauses();
  #lastRestart: RestartTally['last'] = null;
  #timers: TimerHandle[] = [];
  #groupPoll: TimerHandle | null = null;
  #queue: (() => ServiceEvent)[] = [];
  #busy = false;
  #waiters = new Set<() => void>();
  /** Readiness and liveness of the current run; disposed when the run ends. */
  #watch: RunWatch | null = null;
  /** The pre_start hooks in flight: a stop abandons them. */
  #hookAbort: AbortController | null = null;
  /** post_stop hooks of the last run; the next pre_start waits for them. */
  #hookChain: Promise<unknown> = Promise.resolve();
  /** stdout and stderr: named pipes kept across restarts, split into numbered lines. */
  readonly #output: ServiceOutput;

  constructor(spec: ServiceSpec, index: number, name: string, host: RunnerHost) {
    this.#spec = spec;
    this.index = index;
    this.name = name;
    this.#host = host;
    this.#since = host.clock.now();
    this.#output = new ServiceOutput(
      {
        name,
        spec: () => this.#spec,
        isStarting: () => this.#lc.state === 'starting',
        onLine: (text) => this.#watch?.line(text),
      },
      host,
    );
  }

  get spec(): ServiceSpec {
    return this.#spec;
  }
  set spec(spec: ServiceSpec) {
    this.#spec = spec;
  }
  get state(): ServiceState {
    return this.#lc.state;
  }
  /** Inactive or failed because a requirement went away; it starts again when that is back. */
  get held(): boolean {
    return this.#lc.hold;
  }
  get reason(): string {
    return this.#reason;
  }
  get since(): number {
    return this.#since;
  }
  get pid(): number | null {
    return this.#proc?.running ? this.#proc.pid : null;
  }
  /** The process group to measure or signal: alive while the state says a process runs. */
  get pgid(): number | null {
    return this.#pgid;
  }
  get startedAt(): number | null {
    return this.#startedAt;
  }
  get restarts(): RestartTally {
    let total = 0;
    for (const c of restartCauses) total += this.#restarts[c];
    return { total, byCause: { ...this.#restarts }, last: this.#lastRestart };
  }
  /** The health checks' results so far, or null when the service has none or none ran yet. */
  get health(): HealthTally | null {
    return this.#health;
  }
  get lastExit(): LastExit | null {
    return this.#lastExit;
  }

  start(): void {
    this.#send(() => ({ type: 'start', awaiting: this.#host.awaiting(this.name) }));
  }
  /**
   * `why`: the reason when it is not a user's request; `hold`: the stop is for a requirement
   * going away, and the service comes back with it.
   */
  stop(why?: string, hold = false): void {
    this.#send(() => ({ type: 'stop', ...(why === undefined ? {} : { why }), ...(hold ? { hold } : {}) }));
  }

  /** Says why a service at rest is as it is (autostart = false, a conflict at bring-up). */
  note(reason: string): void {
    if (isAtRest(this.#lc.state)) this.#reason = reason;
  }
  /** `why` names what asked for it (a trigger), for the event's reason. */
  restart(cause: RestartCause = 'requested', why?: string): void {
    this.#send(() => ({
      type: 'restart',
      awaiting: this.#host.awaiting(this.name),
      cause,
      ...(why ? { why } : {}),
    }));
  }
  /** Something it waits for (or is held for) changed; the table decides what that means now. */
  depsChanged(): void {
    this.#send(() => ({ type: 'deps-changed', awaiting: this.#host.awaiting(this.name) }));
  }
  depLost(failed: boolean, why: string): void {
    this.#send(() => ({ type: 'dep-lost', failed, why }));
  }

  /**
   * Takes over a process a previous tend started (checked by the caller to be the same
   * process): its pipes are read again, its exit watched, its counters kept.
   */
  adopt(record: { pid: number; startTicks: number; startedAt: number } & CarriedCounters): void {
    const run = ++this.#run;
    const startedAt = record.startedAt;
    this.#proc = this.#host.driver.adopt(record.pid, record.startTicks, (end) =>
      this.#onEnd(run, end, startedAt),
    );
    this.#output.open();
    this.#pgid = record.pid;
    this.#startedAt = startedAt;
    this.#spawned = true;
    this.restoreCounters(record);
    this.#makeWatch(this.#env());
    this.#send(() => ({ type: 'adopted', pid: record.pid }));
  }

  /**
   * A resting state a previous tend recorded: a one-shot that completed stays completed, a
   * service a user stopped stays stopped, one held for a requirement stays held.
   */
  restore(state: RestoredState, reason: string, record: CarriedCounters, hold = false): void {
    // an instance that ended ran; a stopped one ran if its counters say so
    if (state !== 'inactive') this.#spawned = true;
    this.restoreCounters(record);
    this.#send(() => ({ type: 'restored', state, reason, ...(hold ? { hold } : {}) }));
  }

  /** Carries the restart counts and last exit over from a previous image of tend. */
  restoreCounters(record: CarriedCounters): void {
    this.#restarts = { ...zeroCauses(), ...(record.restartsByCause ?? {}) };
    // a record from before restarts were counted by cause: the total alone, as requested ones
    const known = restartCauses.reduce((n, c) => n + this.#restarts[c], 0);
    if (known < record.restarts) this.#restarts.requested += record.restarts - known;
    this.#lastRestart = record.lastRestart ?? null;
    this.#lastExit = record.lastExit ?? null;
    if (record.restarts > 0 || record.lastExit) this.#spawned = true;
  }

  /** Sends a signal to the whole group; false when nothing runs. */
  kill(signal: NodeJS.Signals): boolean {
    return this.#pgid !== null && isLive(this.#lc.state) && this.#host.driver.signalGroup(this.#pgid, signal);
  }

  /** Resolves once the service rests: inactive, exited or failed. */
  settled(): Promise<void> {
    if (isAtRest(this.#lc.state)) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!isAtRest(this.#lc.state)) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  #send(make: () => ServiceEvent): void {
    this.#queue.push(make);
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let next = this.#queue.shift(); next; next = this.#queue.shift()) this.#handle(next());
    } finally {
      this.#busy = false;
    }
  }

  #handle(event: ServiceEvent): void {
    const at = this.#host.clock.now();
    let step: ReturnType<typeof transition>;
    try {
      step = transition(this.#lc, event, { spec: this.#spec, now: at });
    } catch (e) {
      if (!(e instanceof IllegalTransition)) throw e;
      // a cell the table calls impossible happened: reported, never a crash of tend
      this.#host.emit({ type: 'illegal', service: this.name, state: e.state, event: e.event, at });
      return;
    }
    if (step.kind === 'nop') return;
    const from = this.#lc.state;
    this.#lc = step.next;
    this.#reason = step.reason;
    if (from !== step.next.state) this.#since = at;
    for (const effect of step.effects) this.#apply(effect);
    this.#host.emit({
      type: 'state',
      service: this.name,
      from,
      to: step.next.state,
      reason: step.reason,
      at,
      pid: this.pid,
    });
    for (const w of [...this.#waiters]) w();
  }

  #apply(effect: Effect): void {
    switch (effect.type) {
      case 'spawn':
        return this.#spawn(effect.cause);
      case 'run-pre-start':
        return this.#preStart();
      case 'abandon-hooks':
        this.#hookAbort?.abort();
        this.#hookAbort = null;
        return;
      case 'run-post-start':
        return this.#postStart();
      case 'run-post-stop':
        this.#hookChain = this.#runPhase('post_stop');
        return;
      case 'start-health':
        this.#watch?.startHealth();
        return;
      case 'end-watch':
        this.#watch?.dispose();
        this.#watch = null;
        return;
      case 'arm-start-timeout':
        return this.#timer(effect.ms, () => ({ type: 'start-timeout' }));
      case 'signal-group':
        return this.#signalStop();
      case 'kill-group':
        if (this.#pgid !== null) this.#host.driver.signalGroup(this.#pgid, 'SIGKILL');
        return;
      case 'arm-stop-timeout':
        return this.#timer(this.#spec.stopTimeoutMs, () => ({ type: 'stop-timeout' }));
      case 'await-group':
        return this.#awaitGroup();
      case 'schedule-restart':
        return this.#timer(effect.delayMs, () => ({
          type: 'backoff-elapsed',
          awaiting: this.#host.awaiting(this.name),
        }));
      case 'cancel-timers':
        for (const t of this.#timers) t.cancel();
        this.#timers = [];
        this.#groupPoll?.cancel();
        this.#groupPoll = null;
        return;
      default:
        return unreachable(effect);
    }
  }

  /** A timer of the current state; every move out of that state cancels it. */
  #timer(ms: number, event: () => ServiceEvent): void {
    const handle = this.#host.clock.setTimer(ms, () => {
      this.#timers = this.#timers.filter((t) => t !== handle);
      this.#send(event);
    });
    this.#timers.push(handle);
  }

  #awaitGroup(): void {
    // the leader's exit comes as its own event; only then is the rest of the group watched
    if (this.#proc?.running || this.#groupPoll) return;
    const poll = () => {
      this.#groupPoll = null;
      if (this.#pgid !== null && this.#host.driver.isGroupAlive(this.#pgid)) {
        // members outlive the leader only in this rare case; no event tells us they are gone
        this.#groupPoll = this.#host.clock.setTimer(groupPollMs, poll);
        return;
      }
      this.#pgid = null;
      this.#send(() => ({ type: 'group-gone', awaiting: this.#host.awaiting(this.name) }));
    };
    poll();
  }

  /** Runs a phase's hooks; a failure that does not stop anything is noted in the log. */
  async #runPhase(phase: HookPhase, signal = new AbortController().signal): Promise<HookOutcome> {
    const hooks = this.#spec.hooks[phase];
    if (!hooks.length) return { ok: true };
    const r = await this.#host.driver.hooks(phase, hooks, {
      env: this.#env(),
      cwd: this.#spec.cwd,
      signal,
      log: (stream, text) => this.#output.note(stream, text),
    });
    if (!r.ok && (phase === 'pre_stop' || phase === 'post_stop'))
      this.#output.note('stderr', `[tend] ${r.why}`);
    return r;
  }

  /** tend's environment, the service's own env with `${…}` expanded for this instance (env-expand.ts), and who it is. */
  #env(): Record<string, string | undefined> {
    const own = { TEND_SERVICE: this.name, TEND_INSTANCE: String(this.index) };
    return { ...this.#host.baseEnv, ...expandEnv(this.#spec.env, own, this.#host.baseEnv), ...own };
  }

  /** pre_start hooks, after the last run's post_stop; the table hears how they ended. */
  #preStart(): void {
    const abort = new AbortController();
    this.#hookAbort = abort;
    void this.#hookChain
      .then(() => this.#runPhase('pre_start', abort.signal))
      .then((r) => {
        if (this.#hookAbort !== abort) return;
        this.#hookAbort = null;
        this.#send(() => (r.ok ? { type: 'hooks-done' } : { type: 'hooks-failed', why: r.why }));
      });
  }

  /** post_start hooks of the current run; the table hears of a failure. */
  #postStart(): void {
    if (!this.#spec.hooks.post_start.length) return;
    const run = this.#run;
    void this.#runPhase('post_start').then((r) => {
      if (!r.ok && run === this.#run) this.#send(() => ({ type: 'post-start-failed', why: r.why }));
    });
  }

  /** pre_stop hooks, then the stop signal to the group (stop_timeout counts from the request). */
  #signalStop(): void {
    const pgid = this.#pgid;
    if (pgid === null) return;
    if (!this.#spec.hooks.pre_stop.length) {
      this.#host.driver.signalGroup(pgid, this.#spec.stopSignal);
      return;
    }
    const run = this.#run;
    void this.#runPhase('pre_stop').then(() => {
      if (this.#run === run && this.#pgid === pgid && this.#lc.state === 'stopping')
        this.#host.driver.signalGroup(pgid, this.#spec.stopSignal);
    });
  }

  #spawn(cause: RestartCause): void {
    const at = this.#host.clock.now();
    if (this.#spawned) {
      this.#restarts[cause]++;
      this.#lastRestart = { cause, at };
    }
    this.#spawned = true;
    const spec = this.#spec;
    const env = this.#env();
    const run = ++this.#run;
    const startedAt = at;
    let identity: { uid?: number; gid?: number };
    try {
      identity = resolveIdentity(spec);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.#send(() => ({ type: 'spawn-failed', why, awaiting: false }));
      return;
    }
    let handles: ResolvedFds;
    try {
      handles = this.#host.resolveFds(this.name, spec.fds);
    } catch (e) {
      const why = e instanceof Error ? e.message : String(e);
      this.#send(() => ({ type: 'spawn-failed', why, awaiting: false }));
      return;
    }
    let output: { stdout: number; stderr: number } | null = null;
    let proc: ReturnType<ProcessDriver['spawn']>;
    const control = spec.fds.find((f) => f.handle === controlHandle);
    try {
      const fifos = this.#output.open();
      output = fifos ? { stdout: fifos.out.childFd(), stderr: fifos.err.childFd() } : null;
      proc = this.#host.driver.spawn(
        {
          name: this.name,
          argv: spec.argv,
          cwd: spec.cwd,
          env: { ...env, ...handleEnv(spec, control?.fd ?? null) },
          ...identity,
          channel: spec.ready?.kind === 'notify' || spec.ready?.kind === 'ipc' ? spec.ready.kind : null,
          output,
          controller: spec.controller !== null && !control,
          ...(handles.fds.length ? { fds: handles.fds } : {}),
          ...(spec.sockets.length ? { listenPid: true } : {}),
        },
        (end) => this.#onEnd(run, end, startedAt),
      );
    } catch (e) {
      // out of descriptors (EMFILE) or processes: this run fails, tend and the others go on
      if (output) for (const fd of [output.stdout, output.stderr]) closeFd(fd);
      this.#output.close();
      handles.release();
      if (handles.control !== null) closeFd(handles.control);
      const why = `could not start: ${e instanceof Error ? e.message : String(e)}`;
      this.#send(() => ({ type: 'spawn-failed', why, awaiting: false }));
      return;
    }
    // the child has its own copies now
    if (output) for (const fd of [output.stdout, output.stderr]) closeFd(fd);
    handles.release();
    if (handles.control !== null) {
      if (proc && spec.controller !== null)
        this.#host.attachController(this.name, spec.controller, { socket: handles.control });
      else closeFd(handles.control);
    }
    this.#proc = proc;
    this.#pgid = proc?.pid ?? null;
    this.#startedAt = startedAt;
    const watch = this.#makeWatch(env);
    if (!proc) return;
    if (spec.controller !== null && !control && proc.stdin && proc.stdout) {
      // a controller's stdout is commands, not log lines
      this.#host.attachController(this.name, spec.controller, { input: proc.stdout, output: proc.stdin });
    } else if (proc.stdout) this.#output.capture(proc.stdout, 'stdout');
    if (proc.stderr) this.#output.capture(proc.stderr, 'stderr');
    this.#host.emit({ type: 'spawn', service: this.name, pid: proc.pid, at: startedAt });
    proc.notify?.on('data', (chunk: Buffer) => watch.notified(chunk));
    proc.notify?.on('error', () => {});
    if (spec.ready?.kind === 'ipc') proc.onMessage((m) => watch.message(m));
    watch.start();
  }

  /** The run's watch: its callbacks reach the table only while it is the current one. */
  #makeWatch(env: Readonly<Record<string, string | undefined>>): RunWatch {
    this.#watch?.dispose();
    const watch = new RunWatch(this.#spec, {
      clock: this.#host.clock,
      env,
      probe: this.#host.driver.probe,
      ready: (how) => {
        if (this.#watch === watch) this.#send(() => ({ type: 'ready', how }));
      },
      unhealthy: (why) => {
        if (this.#watch === watch) this.#send(() => ({ type: 'health-failed', why }));
      },
      health: (ok, detail) => {
        const at = this.#host.clock.now();
        const before = this.#health;
        const passes = (before?.passes ?? 0) + (ok ? 1 : 0);
        const failures = (before?.failures ?? 0) + (ok ? 0 : 1);
        this.#health = { ok, detail, at, passes, failures };
        // every check is counted; only failures and recoveries are events
        if (!ok || before?.ok === false)
          this.#host.emit({ type: 'health', service: this.name, ok, detail, at });
      },
    });
    this.#watch = watch;
    return watch;
  }

  /** Stops reading the named pipes; after a clean stop they are removed (nothing is left in them). */
  closePipes({ remove = true } = {}): void {
    this.#output.close({ remove });
  }

  #onEnd(run: number, end: ProcessEnd, startedAt: number): void {
    if (run !== this.#run) return;
    if (end.kind === 'error') {
      // only a process that never ran reports an error instead of an exit
      this.#pgid = null;
      const why = `could not start: ${end.why}`;
      this.#send(() => ({ type: 'spawn-failed', why, awaiting: this.#host.awaiting(this.name) }));
      return;
    }
    const now = this.#host.clock.now();
    // daemonproxy's exit carries how long it ran and how long it had been down before
    const before = this.#lastExit;
    this.#lastExit = { code: end.code, signal: end.signal, at: now };
    this.#host.emit({
      type: 'exit',
      service: this.name,
      pid: this.#proc?.pid ?? 0,
      code: end.code,
      signal: end.signal,
      at: now,
      uptimeMs: now - startedAt,
      downtimeMs: before && before.at <= startedAt ? startedAt - before.at : null,
    });
    this.#send(() => ({ type: 'exited', code: end.code, signal: end.signal, ranMs: now - startedAt }));
  }
}
