/**
 * The jobs of one tend: definitions (`[jobs.NAME]`, or a cron job's template) and their runs.
 * A run keeps its name while it exists; running a job whose last run finished replaces that
 * run, as deleting and re-applying a Kubernetes Job does. Finished runs are deleted after
 * `ttl_seconds_after_finished`, or by their cron job's history limits.
 */
import type { TimerHandle } from './clock.ts';
import { TendError } from './errors.ts';
import { type JobHost, JobRun } from './job-run.ts';
import type { JobSpec, JobStatus } from './job-spec.ts';

export class Jobs {
  readonly #host: JobHost;
  readonly #defs = new Map<string, JobSpec>();
  readonly #runs = new Map<string, JobRun>();
  /** Deletions after ttl_seconds_after_finished, cancelled when the run goes first. */
  readonly #expiries = new Map<string, TimerHandle>();
  #closing = false;

  constructor(host: Omit<JobHost, 'nextSeq'>) {
    const seqs = new Map<string, number>();
    this.#host = {
      ...host,
      nextSeq: (name) => {
        const n = (seqs.get(name) ?? 0) + 1;
        seqs.set(name, n);
        return n;
      },
    };
  }

  /** Replaces the definitions; runs already made keep going with theirs. */
  define(specs: readonly JobSpec[]): void {
    this.#defs.clear();
    for (const s of specs) this.#defs.set(s.name, s);
  }

  definitions(): JobSpec[] {
    return [...this.#defs.values()];
  }

  has(name: string): boolean {
    return this.#defs.has(name) || this.#runs.has(name);
  }

  /** Starts a run of a defined job (or of `spec`, for a cron job's run). */
  run(name: string, options: { spec?: JobSpec; cron?: string } = {}): JobStatus {
    if (this.#closing) throw new TendError('TEND_SHUTTING_DOWN');
    const spec = options.spec ?? this.#defs.get(name);
    if (!spec) throw new TendError('TEND_JOB_NOT_FOUND', { name });
    const previous = this.#runs.get(name);
    if (previous && !previous.finished) throw new TendError('TEND_JOB_ACTIVE', { name });
    this.#expiries.get(name)?.cancel();
    this.#expiries.delete(name);
    const run = new JobRun(spec, name, options.cron ?? null, this.#host);
    this.#runs.set(name, run);
    void run.start();
    const ttl = spec.ttlAfterFinishedMs;
    if (ttl !== null) {
      void run.ended().then(() => {
        if (this.#closing || this.#runs.get(name) !== run) return;
        this.#expiries.set(
          name,
          this.#host.clock.setTimer(ttl, () => this.#forget(name)),
        );
      });
    }
    return run.status();
  }

  /** Resolves when the run has finished and its pods are gone; undefined for no such run. */
  ended(name: string): Promise<void> | undefined {
    return this.#runs.get(name)?.ended();
  }

  list(): JobStatus[] {
    return [...this.#runs.values()].map((r) => r.status());
  }

  /** The runs a name selects: a run's name, or every run of a job or cron job. */
  status(name: string): JobStatus[] {
    const found = [...this.#runs.values()].filter(
      (r) => r.name === name || r.spec.name === name || r.cron === name,
    );
    if (found.length === 0 && !this.#defs.has(name)) throw new TendError('TEND_JOB_NOT_FOUND', { name });
    return found.map((r) => r.status());
  }

  /** Runs of one cron job, oldest first. */
  runsOf(cron: string): JobStatus[] {
    return this.list()
      .filter((s) => s.cron === cron)
      .sort((a, b) => (a.startTime ?? 0) - (b.startTime ?? 0));
  }

  /** Stops a run's pods (Failed, reason given) and waits until they are gone. */
  async stop(name: string, reason: string): Promise<void> {
    await this.#runs.get(name)?.stop(reason);
  }

  /** Deletes runs: active pods are stopped first. */
  async remove(name: string): Promise<string[]> {
    const runs = [...this.#runs.values()].filter((r) => r.name === name || r.spec.name === name);
    if (runs.length === 0) throw new TendError('TEND_JOB_NOT_FOUND', { name });
    await Promise.all(runs.map((r) => r.stop('Deleted')));
    for (const r of runs) this.#forget(r.name);
    return runs.map((r) => r.name);
  }

  /** Every run stops; no new run starts. */
  async shutdown(): Promise<void> {
    this.#closing = true;
    for (const t of this.#expiries.values()) t.cancel();
    this.#expiries.clear();
    await Promise.all([...this.#runs.values()].map((r) => r.stop('TendStopped')));
  }

  #forget(name: string): void {
    this.#expiries.get(name)?.cancel();
    this.#expiries.delete(name);
    this.#runs.delete(name);
    this.#host.emit({ type: 'removed', service: name, at: this.#host.clock.now() });
  }
}
