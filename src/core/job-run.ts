/**
 * Drives one run of a job through its table (job-lifecycle.ts): it starts and stops the pods
 * (processes, each leading its own group), runs the hooks, arms the timers and captures the
 * pods' output; what happens next is always the table's answer to what happened.
 */
import { LineSplitter } from '../logs/line-splitter.ts';
import type { LogLine, LogStream } from '../logs/log-line.ts';
import { signalGroup } from '../process/group.ts';
import { type ProcessEnd, type SpawnedProcess, spawnProcess } from '../process/spawn.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { unreachable } from './errors.ts';
import type { SupervisorEvent } from './events.ts';
import { type HookPhase, runHooks } from './hooks.ts';
import {
  initialJobRun,
  isFinished,
  type JobRunEffect,
  type JobRunEvent,
  type JobRunState,
  jobTransition,
} from './job-lifecycle.ts';
import type { JobSpec, JobStatus } from './job-spec.ts';

export interface JobHost {
  readonly clock: Clock;
  readonly baseEnv: Readonly<Record<string, string | undefined>>;
  emit(event: SupervisorEvent): void;
  log(line: LogLine): void;
  /** Line numbers per log: the runs of a cron job write to one. */
  nextSeq(logName: string): number;
}

interface Pod {
  readonly index: number;
  readonly proc: SpawnedProcess;
  stopping: boolean;
}

export class JobRun {
  readonly name: string;
  readonly spec: JobSpec;
  readonly cron: string | null;
  readonly #host: JobHost;
  #state: JobRunState = initialJobRun;
  readonly #pods = new Map<number, Pod>();
  #startTime: number | null = null;
  #completionTime: number | null = null;
  #maxActive = 0;
  #timers: TimerHandle[] = [];
  #queue: JobRunEvent[] = [];
  #busy = false;
  readonly #ended: Promise<void>;
  #resolveEnded: () => void = () => {};
  readonly #abort = new AbortController();
  /** A cron job's runs share one log (one file, not one per run). */
  readonly #logName: string;

  constructor(spec: JobSpec, name: string, cron: string | null, host: JobHost) {
    this.spec = spec;
    this.name = name;
    this.cron = cron;
    this.#host = host;
    this.#logName = cron ?? name;
    this.#ended = new Promise((r) => {
      this.#resolveEnded = r;
    });
  }

  get finished(): boolean {
    return isFinished(this.#state.phase);
  }

  /** Resolves once the run has finished and its pods are gone. */
  ended(): Promise<void> {
    return this.#ended;
  }

  status(): JobStatus {
    const s = this.#state;
    return {
      name: this.name,
      job: this.spec.name,
      cron: this.cron,
      phase: s.phase,
      reason: s.reason,
      active: this.#pods.size,
      succeeded: s.succeeded,
      failed: s.failed,
      completedIndexes: this.spec.completionMode === 'Indexed' ? [...s.done].sort((a, b) => a - b) : [],
      startTime: this.#startTime,
      completionTime: this.#completionTime,
      maxActive: this.#maxActive,
      completions: this.spec.completions,
      parallelism: this.spec.parallelism,
      command: this.spec.commandText,
    };
  }

  async start(): Promise<void> {
    this.#startTime = this.#host.clock.now();
    this.#announce(true);
    this.#send({ type: 'begin' });
  }

  /** Stops every pod and ends the run as Failed with this reason (a deletion, tend stopping). */
  stop(reason: string): Promise<void> {
    this.#send({ type: 'stop', reason });
    return this.#ended;
  }

  #send(event: JobRunEvent): void {
    this.#queue.push(event);
    if (this.#busy) return;
    this.#busy = true;
    try {
      for (let e = this.#queue.shift(); e; e = this.#queue.shift()) this.#handle(e);
    } finally {
      this.#busy = false;
    }
  }

  #handle(event: JobRunEvent): void {
    const before = this.#state;
    const step = jobTransition(before, event, { spec: this.spec, now: this.#host.clock.now() });
    this.#state = step.next;
    if (!isFinished(before.phase) && isFinished(step.next.phase)) {
      this.#completionTime = this.#host.clock.now();
      this.#abort.abort();
    }
    for (const effect of step.effects) this.#apply(effect);
    const changed = before.phase !== step.next.phase || before.reason !== step.next.reason;
    if (
      changed ||
      before.succeeded !== step.next.succeeded ||
      before.failed !== step.next.failed ||
      step.effects.some((e) => e.type === 'start-pod')
    )
      this.#announce(changed);
  }

  #apply(effect: JobRunEffect): void {
    switch (effect.type) {
      case 'arm-deadline':
        return this.#after(effect.ms, { type: 'deadline' });
      case 'run-hooks':
        if (effect.phase === 'pre_start') {
          void this.#hooks('pre_start').then((r) =>
            this.#send({ type: 'pre-start-done', ok: r.ok, ...(r.ok ? {} : { why: r.why }) }),
          );
        } else void this.#hooks('post_start');
        return;
      case 'start-pod':
        return this.#startPod(effect.index);
      case 'note':
        return this.#note(effect.text);
      case 'schedule-fill':
        return this.#after(effect.ms, { type: 'fill-due' });
      case 'stop-pods':
        void this.#hooks('pre_stop').then(() => {
          for (const pod of this.#pods.values()) this.#stopPod(pod);
        });
        return;
      case 'cancel-timers':
        for (const t of this.#timers) t.cancel();
        this.#timers = [];
        return;
      case 'wrap-up':
        for (const t of this.#timers) t.cancel();
        this.#timers = [];
        void this.#hooks('post_stop').then(() => this.#resolveEnded());
        return;
      default:
        return unreachable(effect);
    }
  }

  #startPod(index: number): void {
    const spec = this.spec;
    const env: Record<string, string | undefined> = {
      ...this.#host.baseEnv,
      ...spec.env,
      TEND_JOB: this.name,
      ...(spec.completionMode === 'Indexed' ? { TEND_JOB_INDEX: String(index) } : {}),
    };
    const proc = spawnProcess(
      { name: `${this.name}:${index}`, argv: spec.argv, cwd: spec.cwd, env, output: null },
      (end) => {
        // a spawn that failed at once ends before the pod is recorded
        queueMicrotask(() => this.#onEnd(index, end));
      },
    );
    if (!proc) return;
    this.#pods.set(index, { index, proc, stopping: false });
    this.#maxActive = Math.max(this.#maxActive, this.#pods.size);
    if (proc.stdout) this.#capture(proc.stdout, 'stdout');
    if (proc.stderr) this.#capture(proc.stderr, 'stderr');
  }

  #capture(stream: NodeJS.ReadableStream, which: LogStream): void {
    const splitter = new LineSplitter((text) =>
      this.#host.log({
        service: this.#logName,
        stream: which,
        text,
        at: this.#host.clock.now(),
        seq: this.#host.nextSeq(this.#logName),
      }),
    );
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.on('end', () => splitter.end());
  }

  #onEnd(index: number, end: ProcessEnd): void {
    this.#pods.delete(index);
    const ok = end.kind === 'exit' && end.code === 0;
    this.#send({ type: 'pod-ended', index, ok, ...(end.kind === 'error' ? { why: end.why } : {}) });
  }

  #stopPod(pod: Pod): void {
    if (pod.stopping) return;
    pod.stopping = true;
    signalGroup(pod.proc.pid, this.spec.stopSignal);
    const timer = this.#host.clock.setTimer(this.spec.stopTimeoutMs, () => {
      if (this.#pods.get(pod.index) === pod) signalGroup(pod.proc.pid, 'SIGKILL');
    });
    this.#timers.push(timer);
  }

  #announce(changed: boolean): void {
    const s = this.status();
    this.#host.emit({
      type: 'job',
      service: this.name,
      phase: s.phase,
      reason: s.reason,
      active: s.active,
      succeeded: s.succeeded,
      failed: s.failed,
      changed,
      at: this.#host.clock.now(),
    });
  }

  #note(text: string): void {
    this.#host.log({
      service: this.#logName,
      stream: 'stderr',
      text: `[tend] ${text}`,
      at: this.#host.clock.now(),
      seq: this.#host.nextSeq(this.#logName),
    });
  }

  #hooks(phase: HookPhase) {
    const hooks = this.spec.hooks[phase];
    if (!hooks.length) return Promise.resolve({ ok: true as const });
    const signal = phase === 'pre_start' ? this.#abort.signal : new AbortController().signal;
    return runHooks(phase, hooks, {
      env: { ...this.#host.baseEnv, ...this.spec.env, TEND_JOB: this.name },
      cwd: this.spec.cwd,
      signal,
      log: (stream, text) =>
        this.#host.log({
          service: this.#logName,
          stream,
          text,
          at: this.#host.clock.now(),
          seq: this.#host.nextSeq(this.#logName),
        }),
    }).then((r) => {
      if (!r.ok && phase !== 'pre_start') this.#note(r.why);
      return r;
    });
  }

  /** A timer that sends the table an event; every move to a finished run cancels it. */
  #after(ms: number, event: JobRunEvent): void {
    const handle = this.#host.clock.setTimer(ms, () => {
      this.#timers = this.#timers.filter((t) => t !== handle);
      this.#send(event);
    });
    this.#timers.push(handle);
  }
}
