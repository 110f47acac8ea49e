/**
 * Drives one service instance: feeds events through the lifecycle table and carries out the
 * effects it returns (spawn, signal, timers). Events are queued and handled one at a time, so
 * an effect that produces an event (a spawn that fails at once) never re-enters the table.
 */

import { closeFd } from '../logs/fifo.ts';
import type { LogLine, LogStream } from '../logs/log-line.ts';
import type { Moved } from '../logs/rotating-file.ts';
import { watchAdopted } from '../process/adopt.ts';
import { isGroupAlive, signalGroup } from '../process/group.ts';
import { type ProcessEnd, type SpawnedProcess, spawnProcess } from '../process/spawn.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { unreachable } from './errors.ts';
import type { SupervisorEvent } from './events.ts';
import { type HookOutcome, type HookPhase, runHooks } from './hooks.ts';
import {
  type Effect,
  type ExitVerdict,
  initialLifecycle,
  type Lifecycle,
  type ServiceEvent,
  type ServiceState,
  transition,
} from './lifecycle.ts';
import { decideRestart, describeExit, emptyHistory, type RestartHistory } from './restart-policy.ts';
import { RunWatch } from './run-watch.ts';
import { ServiceOutput } from './service-output.ts';
import type { ServiceSpec } from './service-spec.ts';

export interface RunnerHost {
  readonly clock: Clock;
  /** Where the named pipes of services' output live; null: plain pipes that die with tend. */
  readonly pipeDir: string | null;
  /** Moves what waits in a pipe into the service's log file; null when that cannot be done. */
  drainPipe(service: string, stream: LogStream, pipeFd: number, readBack: boolean): Moved | null;
  /** The newest part of the service's log file, from a line start. */
  readTail(service: string, stream: LogStream, maxBytes: number): Buffer;
  /** Whether a follower or printer needs every line of this service. */
  everyLineWanted(service: string): boolean;
  /** Connects a controller's pipes to tend's control protocol (an adapter's job, not the kernel's). */
  attachController(service: string, format: 'tsv' | 'json', io: ControllerPipes): void;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  emit(event: SupervisorEvent): void;
  log(line: LogLine): void;
  /** Whether this service must still wait for dependencies before it may spawn. */
  awaiting(name: string): boolean;
}

/** A controller's side of the conversation: what it writes, and where tend's answers go. */
export interface ControllerPipes {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

export interface LastExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
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

export class ServiceRunner {
  readonly name: string;
  readonly index: number;
  #spec: ServiceSpec;
  readonly #host: RunnerHost;
  #lc: Lifecycle = initialLifecycle;
  #reason = 'added';
  #since: number;
  #history: RestartHistory = emptyHistory;
  #proc: SpawnedProcess | null = null;
  /** The PID that leads the current (or last) process group; kept until the group is gone. */
  #pgid: number | null = null;
  #startedAt: number | null = null;
  #lastExit: LastExit | null = null;
  #health: HealthTally | null = null;
  #timers: TimerHandle[] = [];
  #groupPoll: TimerHandle | null = null;
  #queue: ServiceEvent[] = [];
  #busy = false;
  #waiters = new Set<() => void>();
  /** Readiness and liveness of the current run; disposed when the run ends. */
  #watch: RunWatch | null = null;
  /** The pre_start hooks in flight: a stop abandons them. */
  #hookAbort: AbortController | null = null;
  /** post_stop hooks of the last run; the next pre_start waits for them. */
  #hookChain: Promise<unknown> = Promise.resolve();
  /** A process ran since the last post_stop. */
  #ran = false;
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
  get restarts(): number {
    return this.#history.total;
  }
  /** The health checks' results so far, or null when the service has none or none ran yet. */
  get health(): HealthTally | null {
    return this.#health;
  }

  get lastExit(): LastExit | null {
    return this.#lastExit;
  }

  start(): void {
    this.#send({ type: 'start', awaiting: this.#host.awaiting(this.name) });
  }
  stop(): void {
    this.#send({ type: 'stop' });
  }
  /** `why` names what asked for it (a trigger), for the event's reason. */
  restart(why?: string): void {
    this.#send({ type: 'restart', awaiting: this.#host.awaiting(this.name), ...(why ? { why } : {}) });
  }
  depsMet(): void {
    this.#send({ type: 'deps-met' });
  }
  depFailed(why: string): void {
    this.#send({ type: 'dep-failed', why });
  }

  /**
   * Takes over a process a previous tend started (checked by the caller to be the same
   * process): its pipes are read again, its exit watched, its restart count kept.
   */
  adopt(record: {
    pid: number;
    startTicks: number;
    startedAt: number;
    restarts: number;
    lastExit?: LastExit | null;
  }): void {
    const startedAt = record.startedAt;
    let proc: SpawnedProcess | null = null;
    proc = watchAdopted(record.pid, record.startTicks, (end) => this.#onEnd(proc, end, startedAt));
    this.#output.open();
    this.#proc = proc;
    this.#pgid = record.pid;
    this.#startedAt = startedAt;
    this.restoreCounters(record);
    this.#send({ type: 'adopted', pid: record.pid });
    const watch = this.#makeWatch(this.#host.baseEnv);
    watch.startHealth();
  }

  /** Carries the restart count and last exit over from a previous image of tend. */
  restoreCounters(record: { restarts: number; lastExit?: LastExit | null }): void {
    this.#history = { ...this.#history, total: record.restarts };
    this.#lastExit = record.lastExit ?? null;
  }

  /** Sends a signal to the whole group; false when nothing runs. */
  kill(signal: NodeJS.Signals): boolean {
    return this.#pgid !== null && this.#isLive() && signalGroup(this.#pgid, signal);
  }

  /** Resolves once the service rests: inactive, exited or failed. */
  settled(): Promise<void> {
    if (this.#isAtRest()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!this.#isAtRest()) return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  #isAtRest(): boolean {
    const s = this.#lc.state;
    return s === 'inactive' || s === 'exited' || s === 'failed';
  }

  #isLive(): boolean {
    const s = this.#lc.state;
    return s === 'starting' || s === 'running' || s === 'stopping';
  }

  #send(event: ServiceEvent): void {
    this.#queue.push(event);
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let e = this.#queue.shift(); e; e = this.#queue.shift()) this.#handle(e);
    } finally {
      this.#busy = false;
    }
  }

  #handle(event: ServiceEvent): void {
    const step = transition(this.#lc, event);
    if (step.kind === 'nop') return;
    const from = this.#lc.state;
    this.#lc = step.next;
    if (step.next.state !== 'starting' && step.next.state !== 'running') this.#endWatch();
    this.#reason = step.reason;
    const at = this.#host.clock.now();
    if (from !== step.next.state) this.#since = at;
    const ended = step.next.state !== 'running' && step.next.state !== 'stopping';
    if (this.#ran && ended && (from !== 'starting' || step.next.state !== 'starting')) {
      this.#ran = false;
      this.#hookChain = this.#runPhase('post_stop');
    }
    for (const effect of step.effects) this.#apply(effect);
    if (from === 'starting' && step.next.state === 'running') {
      this.#watch?.startHealth();
      this.#postStart();
    }
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
        return this.#spawn();
      case 'signal-group':
        this.#hookAbort?.abort();
        return this.#signalStop();
      case 'kill-group':
        if (this.#pgid !== null) signalGroup(this.#pgid, 'SIGKILL');
        return;
      case 'arm-stop-timeout':
        return this.#timer(this.#spec.stopTimeoutMs, 'stopping', () => ({ type: 'stop-timeout' }));
      case 'await-group':
        return this.#awaitGroup();
      case 'schedule-restart':
        return this.#timer(effect.delayMs, 'backoff', () => ({
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

  /** A timer that only fires into the state that armed it: a stale one is a no-op. */
  #timer(ms: number, state: ServiceState, event: () => ServiceEvent): void {
    const armedIn = this.#lc;
    const handle = this.#host.clock.setTimer(ms, () => {
      this.#timers = this.#timers.filter((t) => t !== handle);
      if (this.#lc === armedIn || this.#lc.state === state) this.#send(event());
    });
    this.#timers.push(handle);
  }

  #awaitGroup(): void {
    // the leader's exit comes as its own event; only then is the rest of the group watched
    if (this.#proc?.running || this.#groupPoll) return;
    const poll = () => {
      this.#groupPoll = null;
      if (this.#lc.state !== 'stopping') return;
      if (this.#pgid !== null && isGroupAlive(this.#pgid)) {
        // members outlive the leader only in this rare case; no event tells us they are gone
        this.#groupPoll = this.#host.clock.setTimer(groupPollMs, poll);
        return;
      }
      this.#pgid = null;
      this.#send({ type: 'group-gone', awaiting: this.#host.awaiting(this.name) });
    };
    poll();
  }

  /** Runs a phase's hooks; a failure that does not stop anything is noted in the log. */
  async #runPhase(phase: HookPhase, signal = new AbortController().signal): Promise<HookOutcome> {
    const hooks = this.#spec.hooks[phase];
    if (!hooks.length) return { ok: true };
    const r = await runHooks(phase, hooks, {
      env: this.#env(),
      cwd: this.#spec.cwd,
      signal,
      log: (stream, text) => this.#output.note(stream, text),
    });
    if (!r.ok && (phase === 'pre_stop' || phase === 'post_stop'))
      this.#output.note('stderr', `[tend] ${r.why}`);
    return r;
  }

  #env(): Record<string, string | undefined> {
    return {
      ...this.#host.baseEnv,
      ...this.#spec.env,
      TEND_SERVICE: this.name,
      TEND_INSTANCE: String(this.index),
    };
  }

  /** pre_start hooks first (after the last run's post_stop); a stop meanwhile abandons them. */
  #spawn(): void {
    if (!this.#spec.hooks.pre_start.length && !this.#spec.hooks.post_stop.length) return this.#spawnNow();
    const lc = this.#lc;
    const abort = new AbortController();
    this.#hookAbort = abort;
    void this.#hookChain
      .then(() => this.#runPhase('pre_start', abort.signal))
      .then((r) => {
        if (this.#hookAbort === abort) this.#hookAbort = null;
        if (this.#lc !== lc) {
          // stopped or restarted while the hooks ran: no process to wait for
          if (this.#lc.state === 'stopping' && this.#pgid === null) {
            this.#send({ type: 'group-gone', awaiting: this.#host.awaiting(this.name) });
          }
          return;
        }
        if (!r.ok) this.#send({ type: 'spawn-failed', why: r.why });
        else this.#spawnNow();
      });
  }

  /** post_start hooks; a blocking one that fails stops the service as failed. */
  #postStart(): void {
    if (!this.#spec.hooks.post_start.length) return;
    const proc = this.#proc;
    void this.#runPhase('post_start').then((r) => {
      if (r.ok || this.#proc !== proc || this.#lc.state !== 'running') return;
      this.#send({ type: 'health-failed', why: r.why, verdict: { kind: 'failed', why: r.why } });
    });
  }

  /** pre_stop hooks, then the stop signal to the group (stop_timeout counts from the request). */
  #signalStop(): void {
    const pgid = this.#pgid;
    if (pgid === null) return;
    if (!this.#spec.hooks.pre_stop.length) {
      signalGroup(pgid, this.#spec.stopSignal);
      return;
    }
    void this.#runPhase('pre_stop').then(() => {
      if (this.#pgid === pgid && this.#lc.state === 'stopping') signalGroup(pgid, this.#spec.stopSignal);
    });
  }

  #spawnNow(): void {
    const spec = this.#spec;
    const env = this.#env();
    let proc: SpawnedProcess | null = null;
    const startedAt = this.#host.clock.now();
    const fifos = this.#output.open();
    const output = fifos ? { stdout: fifos.out.childFd(), stderr: fifos.err.childFd() } : null;
    proc = spawnProcess(
      {
        name: this.name,
        argv: spec.argv,
        cwd: spec.cwd,
        env,
        user: spec.user,
        group: spec.group,
        channel: spec.ready?.kind === 'notify' || spec.ready?.kind === 'ipc' ? spec.ready.kind : null,
        output,
        controller: spec.controller !== null,
      },
      (end) => this.#onEnd(proc, end, startedAt),
    );
    // the child has its own copies now
    if (output) for (const fd of [output.stdout, output.stderr]) closeFd(fd);
    this.#proc = proc;
    if (!proc) return;
    this.#ran = true;
    this.#pgid = proc.pid;
    this.#startedAt = startedAt;
    if (spec.controller !== null && proc.stdin && proc.stdout) {
      // a controller's stdout is commands, not log lines
      this.#host.attachController(this.name, spec.controller, { input: proc.stdout, output: proc.stdin });
    } else if (proc.stdout) this.#output.capture(proc.stdout, 'stdout');
    if (proc.stderr) this.#output.capture(proc.stderr, 'stderr');
    this.#host.emit({ type: 'spawn', service: this.name, pid: proc.pid, at: startedAt });
    this.#startWatch(proc, env);
  }

  #startWatch(proc: SpawnedProcess, env: Readonly<Record<string, string | undefined>>): void {
    const watch = this.#makeWatch(env);
    proc.notify?.on('data', (chunk: Buffer) => watch.notified(chunk));
    proc.notify?.on('error', () => {});
    if (this.#spec.ready?.kind === 'ipc') proc.onMessage((m) => watch.message(m));
    const timeout = this.#spec.startTimeoutMs;
    if (timeout !== null) {
      this.#timer(timeout, 'starting', () => ({ type: 'start-timeout', verdict: this.failureVerdict() }));
    }
    watch.start();
  }

  #makeWatch(env: Readonly<Record<string, string | undefined>>): RunWatch {
    const watch = new RunWatch(this.#spec, {
      clock: this.#host.clock,
      env,
      ready: (how) => {
        if (this.#watch === watch && this.#lc.state === 'starting') this.#send({ type: 'ready', how });
      },
      unhealthy: (why) => {
        if (this.#watch !== watch || this.#lc.state !== 'running') return;
        this.#send({ type: 'health-failed', why, verdict: this.failureVerdict() });
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

  #endWatch(): void {
    this.#watch?.dispose();
    this.#watch = null;
  }

  /** Stops reading the named pipes; after a clean stop they are removed (nothing is left in them). */
  closePipes({ remove = true } = {}): void {
    this.#output.close({ remove });
  }

  #onEnd(proc: SpawnedProcess | null, end: ProcessEnd, startedAt: number): void {
    const now = this.#host.clock.now();
    if (end.kind === 'error') {
      // only a process that never ran reports an error instead of an exit
      if (this.#lc.state === 'starting' && this.#proc === proc) {
        this.#pgid = null;
        this.#send({ type: 'spawn-failed', why: `could not start: ${end.why}` });
      }
      return;
    }
    if (proc === null || this.#proc !== proc) return;
    this.#lastExit = { code: end.code, signal: end.signal, at: now };
    this.#host.emit({
      type: 'exit',
      service: this.name,
      pid: proc.pid,
      code: end.code,
      signal: end.signal,
      at: now,
    });
    const status = describeExit(end.code, end.signal);
    let verdict: ExitVerdict = { kind: 'exited' };
    if (this.#lc.state === 'starting' || this.#lc.state === 'running') {
      const decided = decideRestart(this.#spec, this.#history, { ...end, ranMs: now - startedAt }, now);
      this.#history = decided.history;
      verdict = decided.verdict;
    }
    this.#send({ type: 'exited', status, verdict });
  }

  /** A failure that is not an exit (start timeout, health) decided by the same policy. */
  failureVerdict(): ExitVerdict {
    const now = this.#host.clock.now();
    const ranMs = this.#startedAt === null ? 0 : now - this.#startedAt;
    const decided = decideRestart(
      this.#spec,
      this.#history,
      { code: null, signal: null, ranMs, forcedFailure: true },
      now,
    );
    this.#history = decided.history;
    return decided.verdict;
  }
}
