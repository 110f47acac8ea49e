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
  emptyImport,
  envFromList,
  type Imported,
  type Importer,
  ImportLog,
  type ImportOptions,
  isRecord,
  type JobInput,
  relativePath,
  serviceWhere,
  tendName,
} from './importer.ts';
import { type Context, cronFromProvisr, jobFromProvisr, logsOf, serviceFromProvisr } from './provisr-spec.ts';

export { goDurationMs, serviceFromProvisr } from './provisr-spec.ts';

const topKeys = new Set(['processes', 'programs_directory', 'groups', 'env', 'env_files', 'log', 'server']);

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
