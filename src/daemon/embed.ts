/**
 * tend inside another Node program: the same runtime `tend daemon` runs (kernel, jobs, cron,
 * the config, the control socket in its home), started with a few options and stopped with
 * `shutdown()`. Mount its HTTP API with `httpHandler()`.
 */
import path from 'node:path';
import pkg from '../../package.json' with { type: 'json' };
import type { TendError } from '../core/errors.ts';
import { layout } from './home.ts';
import { type Runtime, startRuntime } from './runtime.ts';

export interface StartTendOptions {
  /** A config file (tend.toml, .yaml, .json, tend.config.ts), or none to start empty. */
  readonly config?: string | null;
  /** Where the control socket, state and logs go (`tend --home DIR ls` reaches it). */
  readonly home: string;
  /** Save services added at run time and bring them back at the next start (default false). */
  readonly persist?: boolean;
  /** End (status 1) when a `critical` service fails (default false). */
  readonly exitOnCriticalFailure?: boolean;
  /** Problems that do not stop tend (a saved service that no longer fits, a reused PID). */
  readonly warn?: (error: TendError) => void;
}

/** Starts the services of `config` and resolves once the control socket listens. */
export function startTend(options: StartTendOptions): Promise<Runtime> {
  return startRuntime({
    home: layout(options.home),
    configPath: options.config ? path.resolve(options.config) : null,
    persist: options.persist ?? false,
    exitOnCriticalFailure: options.exitOnCriticalFailure ?? false,
    version: pkg.version,
    ...(options.warn ? { warn: options.warn } : {}),
  });
}
