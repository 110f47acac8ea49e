/**
 * From a validated service table (snake_case, file syntax) to the kernel's ServiceSpec: paths
 * resolved against the config's folder, env_file read and merged under env, defaults applied.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import type { CronSpec } from '../core/cron.ts';
import { TendError } from '../core/errors.ts';
import type { FdAssignment } from '../core/handles.ts';
import type { HookSpec, HooksSpec } from '../core/hooks.ts';
import { type JobSpec, jobDefaults } from '../core/job-spec.ts';
import type { WatchSpec } from '../core/restart-triggers.ts';
import {
  commandArgv,
  conditionsOf,
  type HealthSpec,
  type OnDemandSpec,
  type ProbeSpec,
  type ReadySpec,
  restartingWith,
  type ServiceSpec,
  serviceDefaults,
} from '../core/service-spec.ts';
import { parseDuration } from '../core/units.ts';
import { defaultLogOptions, type LogOptions } from '../logs/log-hub.ts';
import { parseEnvFile } from './env-file.ts';
import type { OnDemandConfig } from './fds-schema.ts';
import type { CronConfig, hookSchema, JobConfig, ServiceConfig } from './schema.ts';

export function toServiceSpec(name: string, s: ServiceConfig, baseDir: string, file: string): ServiceSpec {
  const envFiles = s.env_file === undefined ? [] : Array.isArray(s.env_file) ? s.env_file : [s.env_file];
  const fromFiles: Record<string, string> = {};
  for (const f of envFiles) {
    const abs = path.resolve(baseDir, f);
    let text: string;
    try {
      text = readFileSync(abs, 'utf8');
    } catch (e) {
      const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : String(e);
      throw new TendError('TEND_CONFIG_INVALID', {
        file,
        details: `${file} services.${name}.env_file: ${abs} ${why}`,
        issues: [
          { file, line: null, column: null, path: `services.${name}.env_file`, message: `${abs} ${why}` },
        ],
      });
    }
    Object.assign(fromFiles, parseEnvFile(text));
  }
  const argv = s.args ?? commandArgv(s.command ?? '');
  const d = serviceDefaults;
  return {
    name,
    argv,
    commandText: s.command ?? argv.join(' '),
    cwd: path.resolve(baseDir, s.cwd ?? '.'),
    env: { ...fromFiles, ...(s.env ?? {}) },
    user: s.user ?? null,
    group: s.group ?? null,
    instances: s.instances ?? d.instances,
    class: s.class ?? d.class,
    critical: s.critical ?? d.critical,
    // an on-demand service starts with its first connection
    autostart: s.autostart ?? (s.on_demand ? false : d.autostart),
    restart: s.oneshot ? 'never' : (s.restart ?? d.restart),
    restartDelayMs: s.restart_delay ?? d.restartDelayMs,
    backoff:
      s.backoff === false
        ? null
        : s.backoff
          ? { factor: s.backoff.factor, maxDelayMs: s.backoff.max }
          : { ...d.backoff },
    maxRestarts: s.max_restarts ?? d.maxRestarts,
    restartWindowMs: s.restart_window ?? d.restartWindowMs,
    successExitCodes: s.success_exit_codes ?? [...d.successExitCodes],
    stopSignal: s.stop_signal ?? d.stopSignal,
    stopTimeoutMs: s.stop_timeout ?? d.stopTimeoutMs,
    requires: conditionsOf(s.requires, 'ready'),
    requiresRestart: restartingWith(s.requires),
    wants: conditionsOf(s.wants, 'started'),
    after: s.after ?? [],
    conflicts: s.conflicts ?? [],
    ready: readySpec(s),
    startTimeoutMs: s.start_timeout ?? d.startTimeoutMs,
    health: s.health ? healthSpec(s.health) : null,
    logs: logOptions(s.logs, baseDir),
    maxLineBytes: s.logs?.max_line ?? d.maxLineBytes,
    controller: s.controller === true ? 'tsv' : s.controller || d.controller,
    ...fdsOf(name, s),
    hooks: hooksSpec(s.hooks),
    cronRestart: s.cron_restart ?? d.cronRestart,
    watch: watchSpec(s.watch, s.cwd === undefined ? baseDir : path.resolve(baseDir, s.cwd)),
    maxMemoryBytes: s.max_memory ?? d.maxMemoryBytes,
    memoryCheckMs: Math.max(200, s.max_memory_check ?? d.memoryCheckMs),
  };
}

const stdFds: Record<string, number> = { stdin: 0, stdout: 1, stderr: 2 };

/**
 * `sockets` take fds 3, 4…; a list of `fds` goes on from there; a table gives numbers. Each
 * assignment keeps where it was written, so a number given twice is reported at its place.
 */
export function fdsOf(name: string, s: ServiceConfig): Pick<ServiceSpec, 'fds' | 'sockets' | 'onDemand'> {
  const sockets = s.sockets ?? [];
  const fds: FdAssignment[] = sockets.map((handle, i) => ({ fd: 3 + i, handle, at: ['sockets', i] }));
  if (Array.isArray(s.fds)) {
    s.fds.forEach((handle, i) => {
      fds.push({ fd: 3 + sockets.length + i, handle, at: ['fds', i] });
    });
  } else if (s.fds) {
    for (const [key, handle] of Object.entries(s.fds))
      fds.push({ fd: stdFds[key] ?? Number(key), handle, at: ['fds', key] });
  }
  return {
    fds,
    sockets: [...sockets],
    onDemand: s.on_demand ? onDemandSpec(name, s.on_demand, sockets) : null,
  };
}

/** The implicit socket handle an on_demand `listen` address makes. */
export function onDemandHandle(service: string): string {
  return `on_demand.${service}`;
}

function onDemandSpec(name: string, o: OnDemandConfig, sockets: readonly string[]): OnDemandSpec {
  const listen =
    o.listen === undefined ? (sockets[0] ?? '') : o.listen.includes('://') ? onDemandHandle(name) : o.listen;
  const b = o.backend;
  const backend =
    b === undefined
      ? null
      : b.startsWith('/') || b.startsWith('unix://')
        ? { path: b.replace(/^unix:\/\//, '') }
        : {
            host: b.slice(0, b.lastIndexOf(':')).replace(/^\[(.*)\]$/, '$1'),
            port: Number(b.slice(b.lastIndexOf(':') + 1)),
          };
  const idle = o.idle_timeout === undefined ? null : parseDuration(o.idle_timeout);
  return {
    listen,
    backend,
    idleTimeoutMs: idle === 0 ? null : idle,
    connectTimeoutMs: o.connect_timeout === undefined ? 30_000 : (parseDuration(o.connect_timeout) ?? 30_000),
    singleConnection: o.single_connection ?? false,
  };
}

function watchSpec(w: ServiceConfig['watch'], cwd: string): WatchSpec | null {
  if (w === undefined || w === false) return null;
  const o = w === true ? { paths: ['.'] } : Array.isArray(w) ? { paths: w } : w;
  return {
    paths: o.paths.map((p) => path.resolve(cwd, p)),
    ignore: 'ignore' in o ? (o.ignore ?? []) : [],
    debounceMs: 'debounce' in o ? (o.debounce ?? 500) : 500,
  };
}

export function hooksSpec(h: ServiceConfig['hooks']): HooksSpec {
  const one = (list: z.output<typeof hookSchema>[] | undefined): HookSpec[] =>
    (list ?? []).map((x) => ({
      name: x.name,
      argv: commandArgv(x.command),
      failureMode: x.failure_mode ?? 'fail',
      runMode: x.run_mode ?? 'blocking',
      timeoutMs: x.timeout ?? 30_000,
    }));
  return {
    pre_start: one(h?.pre_start),
    post_start: one(h?.post_start),
    pre_stop: one(h?.pre_stop),
    post_stop: one(h?.post_stop),
  };
}

function logOptions(l: ServiceConfig['logs'], baseDir: string): LogOptions {
  const d = defaultLogOptions;
  if (!l) return d;
  return {
    bufferLines: l.buffer_lines ?? d.bufferLines,
    bufferBytes: l.buffer_size ?? d.bufferBytes,
    file: l.file === undefined ? null : path.resolve(baseDir, l.file),
    split: l.split ?? d.split,
    timestamps: l.timestamps ?? d.timestamps,
    maxBytes: l.max_size ?? d.maxBytes,
    keep: l.keep ?? d.keep,
    compress: l.compress ?? d.compress,
  };
}

type ProbeFields = { tcp?: string; http?: string; status?: number; exec?: string };

function probeSpec(p: ProbeFields): ProbeSpec | null {
  if (p.tcp !== undefined) {
    const i = p.tcp.lastIndexOf(':');
    return {
      kind: 'tcp',
      host: p.tcp.slice(0, i).replace(/^\[(.*)\]$/, '$1'),
      port: Number(p.tcp.slice(i + 1)),
    };
  }
  if (p.http !== undefined) return { kind: 'http', url: p.http, status: p.status ?? null };
  if (p.exec !== undefined) return { kind: 'exec', argv: commandArgv(p.exec), text: p.exec };
  return null;
}

function readySpec(s: ServiceConfig): ReadySpec | null {
  const r = s.ready;
  if (!r) return s.start_seconds !== undefined ? { kind: 'uptime', ms: s.start_seconds } : null;
  if (r.log !== undefined) return { kind: 'log', pattern: r.log };
  if (r.notify) return { kind: 'notify' };
  if (r.ipc) return { kind: 'ipc' };
  const probe = probeSpec(r);
  return probe ? { kind: 'probe', probe, intervalMs: r.interval ?? 250 } : null;
}

function healthSpec(h: NonNullable<ServiceConfig['health']>): HealthSpec | null {
  const probe = probeSpec(h);
  if (!probe) return null;
  const intervalMs = h.interval ?? 10_000;
  return {
    probe,
    intervalMs,
    timeoutMs: h.timeout ?? 2000,
    retries: h.retries ?? 3,
    startPeriodMs: h.start_period ?? intervalMs,
  };
}

export function jobSpecOf(name: string, j: JobConfig, baseDir: string): JobSpec {
  const d = jobDefaults;
  return {
    name,
    argv: j.args ?? commandArgv(j.command ?? ''),
    commandText: j.command ?? (j.args ?? []).join(' '),
    cwd: j.cwd === undefined ? baseDir : path.resolve(baseDir, j.cwd),
    env: j.env ?? {},
    parallelism: j.parallelism ?? d.parallelism,
    completions: j.completions ?? d.completions,
    backoffLimit: j.backoff_limit ?? d.backoffLimit,
    backoffDelayMs: j.backoff_delay ?? d.backoffDelayMs,
    completionMode: j.completion_mode ?? d.completionMode,
    restartPolicy: j.restart_policy ?? d.restartPolicy,
    activeDeadlineMs: j.active_deadline_seconds === undefined ? null : j.active_deadline_seconds * 1000,
    ttlAfterFinishedMs:
      j.ttl_seconds_after_finished === undefined ? null : j.ttl_seconds_after_finished * 1000,
    stopSignal: j.stop_signal ?? d.stopSignal,
    stopTimeoutMs: j.stop_timeout ?? d.stopTimeoutMs,
    autostart: j.autostart ?? d.autostart,
    hooks: hooksSpec(j.hooks),
  };
}

export function cronSpecOf(name: string, c: CronConfig, baseDir: string): CronSpec {
  const template = jobSpecOf(name, c.job_template, baseDir);
  const own = hooksSpec(c.hooks);
  // the cron job's hooks first, then the template's
  const hooks = Object.fromEntries(
    (Object.keys(own) as (keyof HooksSpec)[]).map((phase) => [
      phase,
      [...own[phase], ...template.hooks[phase]],
    ]),
  ) as unknown as HooksSpec;
  return {
    name,
    schedule: c.schedule,
    timeZone: c.time_zone ?? null,
    concurrencyPolicy: c.concurrency_policy ?? 'Allow',
    suspend: c.suspend ?? false,
    successfulJobsHistoryLimit: c.successful_jobs_history_limit ?? 3,
    failedJobsHistoryLimit: c.failed_jobs_history_limit ?? 1,
    startingDeadlineMs: c.starting_deadline_seconds === undefined ? null : c.starting_deadline_seconds * 1000,
    jobTemplate: { ...template, hooks },
  };
}
