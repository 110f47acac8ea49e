/**
 * Watches one run of a service: decides when it is ready (a probe that passes, a log line that
 * matches, a line on the notify fd, an IPC 'ready', or staying up long enough), and afterwards
 * runs its liveness probe. Probes never pile up: the next one is scheduled when the last ends.
 * Everything stops when the run ends (dispose).
 */
import type { Clock, TimerHandle } from './clock.ts';
import { describeProbe, type ProbeContext, type ProbeResult } from './probes/probe.ts';
import type { ProbeSpec, ServiceSpec } from './service-spec.ts';

export interface WatchHost {
  readonly clock: Clock;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Runs one check (the process driver's probe). */
  probe(spec: ProbeSpec, ctx: ProbeContext): Promise<ProbeResult>;
  ready(how: string): void;
  /** The liveness probe failed `retries` times in a row. */
  unhealthy(why: string): void;
  /** Every liveness result that changes the picture: each failure, and a recovery. */
  health(ok: boolean, detail: string): void;
}

const readyProbeTimeoutMs = 2000;

export class RunWatch {
  readonly #spec: ServiceSpec;
  readonly #host: WatchHost;
  readonly #abort = new AbortController();
  #timer: TimerHandle | null = null;
  #ready = false;
  #pattern: RegExp | null = null;
  #failures = 0;

  constructor(spec: ServiceSpec, host: WatchHost) {
    this.#spec = spec;
    this.#host = host;
  }

  /** Called once the process is spawned. */
  start(): void {
    const ready = this.#spec.ready;
    if (!ready) return this.#markReady('no readiness check');
    switch (ready.kind) {
      case 'uptime':
        this.#after(ready.ms, () => this.#markReady(`up for ${ready.ms} ms`));
        return;
      case 'log':
        this.#pattern = new RegExp(ready.pattern);
        return;
      case 'probe':
        this.#pollReady(ready.probe, ready.intervalMs);
        return;
      case 'notify':
      case 'ipc':
        return;
    }
  }

  /** A line of the service's output, for `log` readiness. */
  line(text: string): void {
    if (this.#pattern && !this.#ready && this.#pattern.test(text))
      this.#markReady(`log matched /${this.#pattern.source}/`);
  }

  /** Bytes on the notify fd: s6's readiness is a newline written there. */
  notified(chunk: Buffer): void {
    if (this.#spec.ready?.kind === 'notify' && chunk.includes(10))
      this.#markReady('notified on TEND_NOTIFY_FD');
  }

  /** A message over the IPC channel: PM2's wait_ready is process.send('ready'). */
  message(msg: unknown): void {
    if (this.#spec.ready?.kind === 'ipc' && msg === 'ready') this.#markReady("process.send('ready')");
  }

  /** Called when the service is running: starts the liveness probe, if any. */
  startHealth(): void {
    const h = this.#spec.health;
    if (!h) return;
    this.#after(h.startPeriodMs || h.intervalMs, () => this.#checkHealth());
  }

  dispose(): void {
    this.#abort.abort();
    this.#timer?.cancel();
    this.#timer = null;
  }

  #markReady(how: string): void {
    if (this.#ready || this.#abort.signal.aborted) return;
    this.#ready = true;
    this.#host.ready(how);
  }

  #after(ms: number, fn: () => void): void {
    this.#timer?.cancel();
    this.#timer = this.#host.clock.setTimer(ms, () => {
      this.#timer = null;
      if (!this.#abort.signal.aborted) fn();
    });
  }

  #probe(probe: ProbeSpec, timeoutMs: number) {
    return this.#host.probe(probe, {
      timeoutMs,
      signal: this.#abort.signal,
      env: this.#host.env,
      cwd: this.#spec.cwd,
    });
  }

  #pollReady(probe: ProbeSpec, intervalMs: number): void {
    this.#probe(probe, Math.min(readyProbeTimeoutMs, Math.max(intervalMs, 500))).then(
      (r) => {
        if (this.#abort.signal.aborted || this.#ready) return;
        if (r.ok) this.#markReady(`${describeProbe(probe)}: ${r.detail}`);
        else this.#after(intervalMs, () => this.#pollReady(probe, intervalMs));
      },
      () => this.#after(intervalMs, () => this.#pollReady(probe, intervalMs)),
    );
  }

  #checkHealth(): void {
    const h = this.#spec.health;
    if (!h) return;
    this.#probe(h.probe, h.timeoutMs).then(
      (r) => {
        if (this.#abort.signal.aborted) return;
        if (r.ok) {
          this.#host.health(true, `${describeProbe(h.probe)}: ${r.detail}`);
          this.#failures = 0;
        } else {
          this.#failures++;
          this.#host.health(false, `${describeProbe(h.probe)}: ${r.detail} (${this.#failures}/${h.retries})`);
          if (this.#failures >= h.retries) {
            this.#host.unhealthy(
              `health check failed ${this.#failures} times in a row: ${describeProbe(h.probe)}: ${r.detail}`,
            );
            return;
          }
        }
        this.#after(h.intervalMs, () => this.#checkHealth());
      },
      () => this.#after(h.intervalMs, () => this.#checkHealth()),
    );
  }
}
