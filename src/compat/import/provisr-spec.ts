/**
 * One provisr spec (a process, a job, a cron job) as tend config data: the mapping both the
 * importer and the HTTP adapter's provisr routes use, with a note for what does not carry over.
 */
import path from 'node:path';
import type { ServiceInput } from '../../config/schema.ts';
import {
  type CronInput,
  envFromList,
  type ImportLog,
  type ImportOptions,
  isRecord,
  type JobInput,
  ms,
  relativePath,
  serviceWhere,
  tendName,
} from './importer.ts';

export function goDurationMs(v: unknown): number | null {
  if (typeof v === 'number') return v / 1e6;
  if (typeof v !== 'string') return null;
  const text = v.trim();
  if (text === '' || text === '0') return 0;
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return null;
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] ?? 's'] ?? 0), 0);
}

const processKeys = new Set([
  'name',
  'command',
  'args',
  'work_dir',
  'env',
  'instances',
  'auto_restart',
  'restart_interval',
  'retry_count',
  'retry_interval',
  'start_duration',
  'priority',
  'depends_on',
  'lifecycle',
  'log',
]);
const jobKeys = new Set([
  'name',
  'command',
  'args',
  'work_dir',
  'env',
  'parallelism',
  'completions',
  'backoff_limit',
  'completion_mode',
  'restart_policy',
  'active_deadline_seconds',
  'ttl_seconds_after_finished',
  'lifecycle',
]);
const cronKeys = new Set([
  'name',
  'schedule',
  'time_zone',
  'concurrency_policy',
  'suspend',
  'successful_jobs_history_limit',
  'failed_jobs_history_limit',
  'starting_deadline_seconds',
  'job_template',
  'lifecycle',
]);

type Hooks = NonNullable<ServiceInput['hooks']>;

/** provisr's `lifecycle` table as tend's hooks (the same fields); durations converted. */
function hooksOf(lifecycle: unknown): Hooks | undefined {
  if (!isRecord(lifecycle)) return undefined;
  const hooks: Hooks = {};
  for (const phase of ['pre_start', 'post_start', 'pre_stop', 'post_stop'] as const) {
    const list = lifecycle[phase];
    if (!Array.isArray(list)) continue;
    hooks[phase] = list.filter(isRecord).map((h) => {
      const timeout = goDurationMs(h.timeout);
      return {
        name: String(h.name ?? phase),
        command: String(h.command ?? ''),
        ...(typeof h.failure_mode === 'string'
          ? { failure_mode: h.failure_mode as 'fail' | 'ignore' | 'retry' }
          : {}),
        ...(typeof h.run_mode === 'string' ? { run_mode: h.run_mode as 'blocking' | 'async' } : {}),
        ...(timeout ? { timeout: ms(timeout) } : {}),
      };
    });
  }
  return Object.keys(hooks).length ? hooks : undefined;
}

export interface Context {
  readonly file: string;
  readonly options: ImportOptions;
  readonly log: ImportLog;
}

function processFields(
  spec: Record<string, unknown>,
  target: ServiceInput | JobInput,
  where: string,
  c: Context,
  at: string,
): void {
  if (Array.isArray(spec.args) && spec.args.length) target.args = spec.args.map(String);
  else if (typeof spec.command === 'string') target.command = spec.command;
  c.log.ok();
  if (typeof spec.work_dir === 'string' && spec.work_dir) {
    target.cwd = relativePath(c.file, spec.work_dir, c.options.outDir);
    c.log.ok();
  }
  if (Array.isArray(spec.env) && spec.env.length) {
    target.env = envFromList(spec.env);
    c.log.ok();
  }
  const hooks = hooksOf(spec.lifecycle);
  if (hooks) {
    target.hooks = hooks;
    c.log.ok();
  }
  if (at && where) return;
}

/** One provisr process spec as a tend service; notes what does not carry over. */
export function serviceFromProvisr(
  spec: Record<string, unknown>,
  c: Context,
  at = 'spec',
): { name: string; service: ServiceInput; priority: number } {
  const given = String(spec.name ?? '');
  const name = tendName(given);
  const where = serviceWhere(name);
  const s: ServiceInput = {};
  processFields(spec, s, where, c, at);
  if (spec.instances !== undefined && Number(spec.instances) > 1) {
    s.instances = Number(spec.instances);
    c.log.approx(
      where,
      `${at}.instances`,
      `tend names the instances ${name}:0…${name}:${Number(spec.instances) - 1} (provisr: ${name}-1…); provisr's HTTP routes in tend answer with provisr's names`,
    );
  }
  // provisr restarts only when auto_restart is set, and only an unexpected death
  s.restart = spec.auto_restart === true ? 'on-failure' : 'never';
  if (spec.auto_restart !== undefined) c.log.ok();
  const interval = goDurationMs(spec.restart_interval);
  if (interval) {
    s.restart_delay = ms(interval);
    s.backoff = false;
    c.log.ok();
  }
  if (spec.retry_count !== undefined && Number(spec.retry_count) > 0) {
    s.max_restarts = Number(spec.retry_count);
    c.log.approx(
      where,
      `${at}.retry_count`,
      'provisr retries a start that fails; tend counts every restart within restart_window',
    );
  }
  if (spec.retry_interval !== undefined && !interval) {
    const r = goDurationMs(spec.retry_interval);
    if (r) s.restart_delay = ms(r);
    c.log.approx(where, `${at}.retry_interval`, 'became restart_delay');
  } else if (spec.retry_interval !== undefined)
    c.log.approx(where, `${at}.retry_interval`, 'tend waits restart_interval before any restart');
  const start = goDurationMs(spec.start_duration);
  if (start) {
    s.start_seconds = ms(start);
    c.log.ok();
  }
  if (Array.isArray(spec.depends_on) && spec.depends_on.length) {
    s.requires = spec.depends_on.map((d) => tendName(String(d)));
    c.log.ok();
  }
  if (spec.priority !== undefined) c.log.ok();
  if (isRecord(spec.log)) logsOf(spec.log, s, where, c, `${at}.log`);
  for (const key of Object.keys(spec)) {
    if (processKeys.has(key)) continue;
    if (key === 'detectors')
      c.log.approx(
        where,
        `${at}.detectors`,
        'tend finds its processes by PID and start time; a detector is not needed',
      );
    else if (key === 'pid_file') c.log.approx(where, `${at}.pid_file`, 'tend keeps its own record of PIDs');
    else c.log.unsupported(where, `${at}.${key}`);
  }
  return { name, service: s, priority: Number(spec.priority ?? 0) };
}

export function logsOf(
  log: Record<string, unknown>,
  s: ServiceInput,
  where: string,
  c: Context,
  at: string,
): void {
  const logs: NonNullable<ServiceInput['logs']> = {};
  const stdout = log.stdout ?? log.stdoutPath;
  const stderr = log.stderr ?? log.stderrPath;
  if (typeof stdout === 'string') logs.file = relativePath(c.file, stdout, c.options.outDir);
  else if (typeof log.dir === 'string')
    logs.file = relativePath(
      c.file,
      path.join(log.dir, `${where.slice('services.'.length)}.log`),
      c.options.outDir,
    );
  if (typeof stderr === 'string' || (typeof log.dir === 'string' && stdout === undefined)) {
    logs.split = true;
    c.log.approx(
      where,
      at,
      'stderr goes to NAME.err.log beside the log file (provisr: NAME.stderr.log or the stderr path)',
    );
  }
  if (log.max_size_mb !== undefined) logs.max_size = `${Number(log.max_size_mb)}MB`;
  if (log.max_backups !== undefined) logs.keep = Number(log.max_backups);
  if (log.compress !== undefined) logs.compress = log.compress === true;
  if (log.max_age_days !== undefined)
    c.log.unsupported(where, `${at}.max_age_days`, 'tend keeps a number of rotated files, not an age');
  if (Object.keys(logs).length) {
    s.logs = { ...(s.logs ?? {}), ...logs };
    c.log.ok();
  }
}

export function jobFromProvisr(
  spec: Record<string, unknown>,
  c: Context,
  where: string,
  at: string,
): JobInput {
  const j: JobInput = {};
  processFields(spec, j, where, c, at);
  for (const k of [
    'parallelism',
    'completions',
    'backoff_limit',
    'active_deadline_seconds',
    'ttl_seconds_after_finished',
  ] as const) {
    if (spec[k] !== undefined) {
      j[k] = Number(spec[k]);
      c.log.ok();
    }
  }
  if (spec.completion_mode === 'NonIndexed' || spec.completion_mode === 'Indexed') {
    j.completion_mode = spec.completion_mode;
    c.log.ok();
  }
  if (spec.restart_policy === 'Never' || spec.restart_policy === 'OnFailure') {
    j.restart_policy = spec.restart_policy;
    c.log.ok();
  }
  for (const key of Object.keys(spec)) if (!jobKeys.has(key)) c.log.unsupported(where, `${at}.${key}`);
  return j;
}

export function cronFromProvisr(
  spec: Record<string, unknown>,
  c: Context,
  where: string,
  at: string,
): CronInput {
  const template = isRecord(spec.job_template) ? spec.job_template : {};
  const cron: CronInput = {
    schedule: String(spec.schedule ?? ''),
    job_template: jobFromProvisr(template, c, where, `${at}.job_template`),
  };
  c.log.ok();
  if (typeof spec.time_zone === 'string') cron.time_zone = spec.time_zone;
  if (
    spec.concurrency_policy === 'Allow' ||
    spec.concurrency_policy === 'Forbid' ||
    spec.concurrency_policy === 'Replace'
  )
    cron.concurrency_policy = spec.concurrency_policy;
  if (spec.suspend !== undefined) cron.suspend = spec.suspend === true;
  for (const k of [
    'successful_jobs_history_limit',
    'failed_jobs_history_limit',
    'starting_deadline_seconds',
  ] as const) {
    if (spec[k] !== undefined) cron[k] = Number(spec[k]);
  }
  const hooks = hooksOf(spec.lifecycle);
  if (hooks) cron.hooks = hooks;
  for (const key of Object.keys(spec)) {
    if (cronKeys.has(key)) c.log.ok();
    else c.log.unsupported(where, `${at}.${key}`);
  }
  if (typeof template.name === 'string' && tendName(template.name) !== where.split('.')[1]) {
    c.log.approx(
      where,
      `${at}.job_template.name`,
      `tend names the runs after the cron job, not "${template.name}"`,
    );
  }
  return cron;
}
