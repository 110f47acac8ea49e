/**
 * One run of a job: pods (processes, each leading its own group) started until `completions`
 * have succeeded, never more than `parallelism` at once. A failure is retried after a
 * back-off that doubles each time; past `backoff_limit` failures, or past the deadline, the
 * run is Failed and its pods are stopped. Indexed runs give each pod TEND_JOB_INDEX and
 * complete each index exactly once.
 */
import { LineSplitter } from '../logs/line-splitter.ts';
import type { LogLine, LogStream } from '../logs/log-line.ts';
import { signalGroup } from '../process/group.ts';
import { type ProcessEnd, type SpawnedProcess, spawnProcess } from '../process/spawn.ts';
import type { Clock, TimerHandle } from './clock.ts';
import type { SupervisorEvent } from './events.ts';
import { type HookPhase, runHooks } from './hooks.ts';
import { type JobPhase, type JobSpec, type JobStatus, maxBackoffMs } from './job-spec.ts';

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
  readonly #pods = new Set<Pod>();
  /** Indexes that succeeded (Indexed), or the count of successes as indexes 0..n-1. */
  readonly #done = new Set<number>();
  #succeeded = 0;
  #failed = 0;
  #nextIndex = 0;
  #started = 0;
  #phase: JobPhase = 'Pending';
  #reason: string | null = null;
  #startTime: number | null = null;
  #completionTime: number | null = null;
  #maxActive = 0;
  #notBefore = 0;
  #timers: TimerHandle[] = [];
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
    return this.#phase === 'Succeeded' || this.#phase === 'Failed';
  }

  /** Resolves once the run has finished and its pods are gone. */
  ended(): Promise<void> {
    return this.#ended;
  }

  status(): JobStatus {
    return {
      name: this.name,
      job: this.spec.name,
      cron: this.cron,
      phase: this.#phase,
      reason: this.#reason,
      active: this.#pods.size,
      succeeded: this.#succeeded,
      failed: this.#failed,
      completedIndexes: this.spec.completionMode === 'Indexed' ? [...this.#done].sort((a, b) => a - b) : [],
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
    this.#announce('Pending', null);
    const deadline = this.spec.activeDeadlineMs;
    if (deadline !== null) this.#after(deadline, () => this.#finish('Failed', 'DeadlineExceeded'));
    const pre = await this.#hooks('pre_start');
    if (this.finished) return;
    if (!pre.ok) return this.#finish('Failed', `HookFailed: ${pre.why}`);
    this.#announce('Running', null);
    this.#fill();
  }

  /** Stops every pod and ends the run as Failed with this reason (a deletion, tend stopping). */
  stop(reason: string): Promise<void> {
    if (!this.finished) this.#finish('Failed', reason);
    return this.#ended;
  }

  #fill(): void {
    if (this.finished) return;
    const now = this.#host.clock.now();
    if (now < this.#notBefore) {
      this.#after(this.#notBefore - now, () => this.#fill());
      return;
    }
    while (this.#pods.size < this.spec.parallelism) {
      const index = this.#nextPending();
      if (index === null) break;
      if (!this.#startPod(index)) break;
    }
  }

  /** The next index to run: one neither done nor running (Indexed), or any while more are needed. */
  #nextPending(): number | null {
    const running = new Set([...this.#pods].map((p) => p.index));
    if (this.spec.completionMode === 'Indexed') {
      for (let i = 0; i < this.spec.completions; i++) if (!this.#done.has(i) && !running.has(i)) return i;
      return null;
    }
    return this.#succeeded + this.#pods.size < this.spec.completions ? this.#nextIndex++ : null;
  }

  #startPod(index: number): boolean {
    const spec = this.spec;
    const env: Record<string, string | undefined> = {
      ...this.#host.baseEnv,
      ...spec.env,
      TEND_JOB: this.name,
      ...(spec.completionMode === 'Indexed' ? { TEND_JOB_INDEX: String(index) } : {}),
    };
    let pod: Pod | null = null;
    const proc = spawnProcess(
      {
        name: `${this.name}:${index}`,
        argv: spec.argv,
        cwd: spec.cwd,
        env,
        output: null,
      },
      (end) => {
        // a spawn that failed at once ends before the pod is recorded
        queueMicrotask(() => this.#onEnd(pod, index, end));
      },
    );
    if (!proc) return false;
    pod = { index, proc, stopping: false };
    this.#pods.add(pod);
    this.#started++;
    // a job's post_start runs once its first pod is up; a failure is noted, the run goes on
    if (this.#started === 1) void this.#hooks('post_start');
    this.#maxActive = Math.max(this.#maxActive, this.#pods.size);
    if (proc.stdout) this.#capture(proc.stdout, 'stdout');
    if (proc.stderr) this.#capture(proc.stderr, 'stderr');
    this.#announce(this.#phase, this.#reason);
    return true;
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

  #onEnd(pod: Pod | null, index: number, end: ProcessEnd): void {
    if (pod) this.#pods.delete(pod);
    const ok = end.kind === 'exit' && end.code === 0;
    if (this.finished) {
      if (this.#pods.size === 0) void this.#wrapUp();
      return;
    }
    if (ok && !this.#done.has(index)) {
      this.#succeeded++;
      this.#done.add(index);
    } else if (!ok) {
      this.#failed++;
      if (end.kind === 'error') this.#note(`pod ${index} could not start: ${end.why}`);
      if (this.#failed > this.spec.backoffLimit) return this.#finish('Failed', 'BackoffLimitExceeded');
      const delay = Math.min(maxBackoffMs, this.spec.backoffDelayMs * 2 ** (this.#failed - 1));
      this.#notBefore = this.#host.clock.now() + delay;
    }
    if (this.#succeeded >= this.spec.completions) return this.#finish('Succeeded', null);
    this.#announce('Running', null);
    this.#fill();
  }

  #finish(phase: JobPhase, reason: string | null): void {
    if (this.finished) return;
    this.#completionTime = this.#host.clock.now();
    this.#announce(phase, reason);
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
    this.#abort.abort();
    if (this.#pods.size === 0) {
      void this.#wrapUp();
      return;
    }
    void this.#hooks('pre_stop').then(() => {
      for (const pod of this.#pods) this.#stopPod(pod);
    });
  }

  #stopPod(pod: Pod): void {
    if (pod.stopping) return;
    pod.stopping = true;
    signalGroup(pod.proc.pid, this.spec.stopSignal);
    const timer = this.#host.clock.setTimer(this.spec.stopTimeoutMs, () => {
      if (this.#pods.has(pod)) signalGroup(pod.proc.pid, 'SIGKILL');
    });
    this.#timers.push(timer);
  }

  /** After the last pod: post_stop hooks, then the run is over. */
  async #wrapUp(): Promise<void> {
    for (const t of this.#timers) t.cancel();
    this.#timers = [];
    await this.#hooks('post_stop');
    this.#resolveEnded();
  }

  #announce(phase: JobPhase, reason: string | null): void {
    const changed = phase !== this.#phase || reason !== this.#reason;
    this.#phase = phase;
    this.#reason = reason;
    const s = this.status();
    this.#host.emit({
      type: 'job',
      service: this.name,
      phase,
      reason,
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

  #after(ms: number, fn: () => void): void {
    const handle = this.#host.clock.setTimer(ms, () => {
      this.#timers = this.#timers.filter((t) => t !== handle);
      fn();
    });
    this.#timers.push(handle);
  }
}
