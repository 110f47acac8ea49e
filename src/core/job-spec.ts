/**
 * A job as Kubernetes defines one: a command run to completion `completions` times, at most
 * `parallelism` at once, retried after failures up to `backoff_limit` with an exponential
 * back-off, within an optional deadline. Fields are camelCase here, snake_case in files.
 */
import type { HooksSpec } from './hooks.ts';

export type CompletionMode = 'NonIndexed' | 'Indexed';
export type JobRestartPolicy = 'Never' | 'OnFailure';
export type JobPhase = 'Pending' | 'Running' | 'Succeeded' | 'Failed';

export interface JobSpec {
  readonly name: string;
  readonly argv: readonly string[];
  readonly commandText: string;
  readonly cwd: string | null;
  readonly env: Readonly<Record<string, string>>;
  readonly parallelism: number;
  readonly completions: number;
  readonly backoffLimit: number;
  /** The first retry's delay; each further failure doubles it, up to a minute. */
  readonly backoffDelayMs: number;
  readonly completionMode: CompletionMode;
  readonly restartPolicy: JobRestartPolicy;
  readonly activeDeadlineMs: number | null;
  readonly ttlAfterFinishedMs: number | null;
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeoutMs: number;
  /** Run when tend starts (a config's jobs); `tend job run` runs it again. */
  readonly autostart: boolean;
  readonly hooks: HooksSpec;
}

export const jobDefaults = {
  parallelism: 1,
  completions: 1,
  backoffLimit: 6,
  backoffDelayMs: 1000,
  completionMode: 'NonIndexed',
  restartPolicy: 'Never',
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 10_000,
  autostart: true,
} as const;

export const maxBackoffMs = 60_000;

export interface JobStatus {
  /** The run's name: the job's, or for a cron job's run `CRON-SECONDS`. */
  readonly name: string;
  /** The definition it was made from. */
  readonly job: string;
  /** The cron job that made it, or null. */
  readonly cron: string | null;
  readonly phase: JobPhase;
  readonly reason: string | null;
  readonly active: number;
  readonly succeeded: number;
  readonly failed: number;
  /** Indexed jobs: the indexes that completed. */
  readonly completedIndexes: readonly number[];
  readonly startTime: number | null;
  readonly completionTime: number | null;
  /** The most pods that ran at once. */
  readonly maxActive: number;
  readonly completions: number;
  readonly parallelism: number;
  readonly command: string;
}
