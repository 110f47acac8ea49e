/**
 * provisr's config.toml (or .yaml/.json): `[[processes]]` entries of `type` process, job or
 * cronjob with a `spec`, the programs directory of one such entry per file, `[[groups]]`,
 * global env and log defaults, and `[server]`, which becomes tend's HTTP API with provisr's
 * endpoints. The spec mapping is shared with the HTTP adapter's provisr routes.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { configError } from '../../config/issues.ts';
import { formatOf, parseText } from '../../config/parse.ts';
import type { ServiceInput } from '../../config/schema.ts';
import {
  type CronInput,
  emptyImport,
  envFromList,
  type Imported,
  type Importer,
  ImportLog,
  type ImportOptions,
  isRecord,
  type JobInput,
  ms,
  relativePath,
  serviceWhere,
  tendName,
} from './importer.ts';

const keys = [
  ['[[processes]] type = "process" / "job" / "cronjob", spec', 'services, jobs, cron'],
  ['programs_directory (default: programs/ beside the config)', 'each file read as one [[processes]] entry'],
  ['spec.name, command, args, work_dir, env', 'the name, command, args, cwd, env'],
  ['spec.instances', 'instances (tend names them NAME:0…; provisr NAME-1…)'],
  ['spec.auto_restart, restart_interval', 'restart ("on-failure" or "never"), restart_delay'],
  ['spec.retry_count', 'max_restarts (approximated)'],
  ['spec.start_duration', 'start_seconds'],
  ['spec.priority', 'after: the processes of the next lower priority (approximated)'],
  ['spec.depends_on', 'requires'],
  ['spec.lifecycle.pre_start/post_start/pre_stop/post_stop', 'hooks (same fields)'],
  [
    'spec.log.stdout, stderr, dir, max_size_mb, max_backups, compress',
    'logs (file, split, max_size, keep, compress)',
  ],
  [
    'job spec: parallelism, completions, backoff_limit, completion_mode, restart_policy, active_deadline_seconds, ttl_seconds_after_finished',
    'the same fields of [jobs.NAME]',
  ],
  [
    'cronjob spec: schedule, time_zone, concurrency_policy, suspend, *_jobs_history_limit, starting_deadline_seconds, job_template',
    'the same fields of [cron.NAME]',
  ],
  ['env, env_files (global)', 'env, env_file of every service and job'],
  ['log (global defaults)', 'logs of every service'],
  ['[[groups]] name, members', 'groups.NAME.members'],
  ['[server] listen, base_path, tls', '[server.http] listen, compat = ["provisr"], compat_base_path, tls'],
] as const;

/** A Go duration ("300ms", "1h30m", "0.5s") or nanoseconds, as milliseconds. */
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
const topKeys = new Set(['processes', 'programs_directory', 'groups', 'env', 'env_files', 'log', 'server']);

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

interface Context {
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

function logsOf(log: Record<string, unknown>, s: ServiceInput, where: string, c: Context, at: string): void {
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

function jobFromProvisr(spec: Record<string, unknown>, c: Context, where: string, at: string): JobInput {
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

function cronFromProvisr(spec: Record<string, unknown>, c: Context, where: string, at: string): CronInput {
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

function readData(file: string): unknown {
  const format = formatOf(file) ?? 'toml';
  try {
    return parseText(readFileSync(file, 'utf8'), format, file).data;
  } catch (e) {
    if (e instanceof Error && 'code' in e) throw e;
    throw configError(file, [
      { file, line: null, column: null, path: '', message: `cannot be read (${(e as Error).message})` },
    ]);
  }
}

interface Entry {
  readonly file: string;
  readonly entry: Record<string, unknown>;
  readonly at: string;
}

export const provisr: Importer = {
  format: 'provisr',
  title: "provisr's config.toml",
  keys,
  async read(files, options) {
    const result = emptyImport();
    const entries: Entry[] = [];
    const globals = {
      env: {} as Record<string, string>,
      envFiles: [] as string[],
      log: null as Record<string, unknown> | null,
      logFrom: '',
    };
    for (const file of files) {
      const data = readData(file);
      const log = new ImportLog(result, file);
      if (!isRecord(data)) continue;
      if (typeof data.type === 'string' && isRecord(data.spec)) {
        // a programs-directory file given on its own
        entries.push({ file, entry: data, at: '' });
        continue;
      }
      for (const key of Object.keys(data)) if (!topKeys.has(key)) log.unsupported(null, key, topWhy(key));
      if (Array.isArray(data.env)) {
        // provisr expands ${NAME} in its global env from the entries before it
        for (const [k, v] of Object.entries(envFromList(data.env))) {
          globals.env[k] = v.replace(/\$\{(\w+)\}/g, (all, n: string) => globals.env[n] ?? all);
        }
      }
      if (Array.isArray(data.env_files))
        globals.envFiles.push(...data.env_files.map((f) => relativePath(file, String(f), options.outDir)));
      if (isRecord(data.log)) {
        globals.log = data.log;
        globals.logFrom = file;
      }
      (Array.isArray(data.processes) ? data.processes : []).forEach((entry, i) => {
        if (isRecord(entry)) entries.push({ file, entry, at: `processes[${i}].` });
      });
      const dir = path.resolve(
        path.dirname(file),
        typeof data.programs_directory === 'string' ? data.programs_directory : 'programs',
      );
      if (existsSync(dir)) {
        for (const name of readdirSync(dir).sort()) {
          const f = path.join(dir, name);
          if (name.startsWith('.') || !formatOf(f)) continue;
          const d = readData(f);
          if (isRecord(d)) entries.push({ file: f, entry: d, at: '' });
        }
      }
      (Array.isArray(data.groups) ? data.groups : []).filter(isRecord).forEach((g) => {
        result.config.groups[tendName(String(g.name ?? ''))] = {
          members: (Array.isArray(g.members) ? g.members : []).map((m) => tendName(String(m))),
        };
        log.ok();
      });
      if (isRecord(data.server)) server(data.server, file, options, result, log);
    }
    const priorities = new Map<string, number>();
    for (const { file, entry, at } of entries) {
      const log = new ImportLog(result, file);
      const c: Context = { file, options, log };
      const type = String(entry.type ?? 'process').toLowerCase();
      const spec = isRecord(entry.spec) ? entry.spec : {};
      const name = tendName(
        String(spec.name ?? (isRecord(spec.job_template) ? spec.job_template.name : '') ?? ''),
      );
      if (type === 'process' || type === '') {
        const { service, priority } = serviceFromProvisr(spec, c, `${at}spec`);
        result.config.services[name] = service;
        priorities.set(name, priority);
      } else if (type === 'job') {
        result.config.jobs[name] = jobFromProvisr(spec, c, `jobs.${name}`, `${at}spec`);
      } else if (type === 'cron' || type === 'cronjob') {
        result.config.cron[name] = cronFromProvisr(spec, c, `cron.${name}`, `${at}spec`);
      } else {
        log.unsupported(null, `${at}type`, `${JSON.stringify(entry.type)} is not process, job or cronjob`);
      }
    }
    applyGlobals(result, globals, options);
    orderByPriority(result, priorities);
    return result;
  },
};

function topWhy(key: string): string {
  if (key === 'pid_dir') return 'tend keeps its PIDs in its state dir';
  if (key === 'use_os_env') return 'tend passes its own environment to services always';
  if (key === 'metrics') return 'tend serves Prometheus metrics at /metrics of its HTTP API ([server.http])';
  if (key === 'history') return 'tend keeps no history store';
  if (key === 'daemon') return "tend daemon -d keeps its PID file and log in tend's home";
  return 'has no tend equivalent';
}

function server(
  sv: Record<string, unknown>,
  file: string,
  options: ImportOptions,
  result: Imported,
  log: ImportLog,
): void {
  const listen = String(sv.listen ?? ':8080');
  const host = listen.startsWith(':') ? '0.0.0.0' : listen.slice(0, listen.lastIndexOf(':'));
  const port = listen.slice(listen.lastIndexOf(':') + 1);
  const loopback = host === 'localhost' || host === '::1' || host.startsWith('127.');
  const auth = isRecord(sv.auth) && sv.auth.enabled === true;
  const http: NonNullable<NonNullable<Imported['config']['server']>['http']> = {
    listen: `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${port}`,
    compat: ['provisr'],
    ...(typeof sv.base_path === 'string' && sv.base_path !== '/api'
      ? { compat_base_path: sv.base_path }
      : {}),
    ...(!auth && loopback ? { auth: 'none' as const } : {}),
  };
  log.ok();
  if (auth)
    log.approx(
      'server.http',
      '[server.auth]',
      "provisr's users and JWT logins become tend's bearer token (tend token shows it)",
    );
  else if (!loopback)
    log.approx(
      'server.http',
      '[server] listen',
      'provisr serves this address without auth; tend asks for its bearer token on an address other than loopback (tend token shows it)',
    );
  const tls = sv.tls;
  if (isRecord(tls) && tls.enabled === true) {
    if (typeof tls.cert_file === 'string' && typeof tls.key_file === 'string') {
      http.tls = {
        cert_file: relativePath(file, tls.cert_file, options.outDir),
        key_file: relativePath(file, tls.key_file, options.outDir),
      };
    } else if (tls.auto_generate === true) http.tls = { auto_generate: true };
    else if (typeof tls.dir === 'string') http.tls = { dir: relativePath(file, tls.dir, options.outDir) };
    log.ok();
  } else if (isRecord(tls))
    log.unsupported('server.http', '[server.tls]', 'enabled = false: tend serves plain HTTP');
  for (const key of Object.keys(sv))
    if (!['listen', 'base_path', 'auth', 'tls'].includes(key))
      log.unsupported('server.http', `[server] ${key}`);
  result.config.server = { http };
}

function applyGlobals(
  result: Imported,
  globals: {
    env: Record<string, string>;
    envFiles: string[];
    log: Record<string, unknown> | null;
    logFrom: string;
  },
  options: ImportOptions,
): void {
  const all: (ServiceInput | JobInput)[] = [
    ...Object.values(result.config.services),
    ...Object.values(result.config.jobs),
    ...Object.values(result.config.cron).map((c) => c.job_template),
  ];
  for (const target of all) {
    if (Object.keys(globals.env).length) target.env = { ...globals.env, ...(target.env ?? {}) };
    if (globals.envFiles.length && 'restart' in target) (target as ServiceInput).env_file = globals.envFiles;
  }
  if (globals.log) {
    for (const [name, s] of Object.entries(result.config.services)) {
      const c: Context = { file: globals.logFrom, options, log: new ImportLog(result, globals.logFrom) };
      if (!s.logs?.file) {
        const before = s.logs;
        logsOf(globals.log, s, serviceWhere(name), c, 'log');
        s.logs = { ...s.logs, ...(before ?? {}) };
      }
    }
  }
}

/** provisr starts lower priorities first; each process comes after the level below its own. */
function orderByPriority(result: Imported, priorities: ReadonlyMap<string, number>): void {
  const levels = [...new Set(priorities.values())].sort((a, b) => a - b);
  if (levels.length < 2) return;
  for (const [name, p] of priorities) {
    const below = levels.filter((l) => l < p).pop();
    const s = result.config.services[name];
    if (below === undefined || !s) continue;
    s.after = [...priorities].filter(([, q]) => q === below).map(([n]) => n);
  }
}
