/**
 * process-compose.yaml: each process becomes a service. process-compose runs commands with
 * `bash -c` (or `shell`), restarts by `availability`, waits on `depends_on` conditions and
 * probes like Kubernetes; a namespace becomes a group.
 */
import { readFileSync } from 'node:fs';
import { parseText } from '../../config/parse.ts';
import type { ServiceInput } from '../../config/schema.ts';
import {
  emptyImport,
  envFromList,
  type Importer,
  ImportLog,
  isRecord,
  relativePath,
  serviceWhere,
  tendName,
} from './importer.ts';
import { signalName } from './shell-words.ts';

const keys = [
  ['command (with shell.shell_command/shell_argument)', 'args = [shell, argument, command]'],
  ['entrypoint, args', 'args'],
  ['working_dir', 'cwd'],
  ['environment (top level and per process), env_file', 'env, env_file'],
  ['availability.restart', 'restart (exit_on_failure: on-failure and critical)'],
  ['availability.backoff_seconds, max_restarts', 'restart_delay, max_restarts'],
  [
    'depends_on.NAME.condition',
    'requires (process_started: started, process_healthy/process_log_ready: ready, process_completed: completed, process_completed_successfully: completed_successfully)',
  ],
  ['readiness_probe (exec, http_get), ready_log_line', 'ready (exec, http, log)'],
  ['liveness_probe (exec, http_get)', 'health (interval, timeout, retries, start_period)'],
  ['shutdown.signal, shutdown.timeout_seconds', 'stop_signal, stop_timeout'],
  ['shutdown.command', 'hooks.pre_stop (approximated: the signal still follows)'],
  ['replicas', 'instances'],
  ['disabled', 'autostart = false'],
  ['namespace', 'groups.NAMESPACE'],
  ['description, log_location, success_exit_codes', 'description, logs.file, success_exit_codes'],
  ['is_daemon', 'unsupported: tend supervises foreground processes'],
] as const;

const conditions: Record<string, 'started' | 'ready' | 'completed' | 'completed_successfully'> = {
  process_started: 'started',
  process_healthy: 'ready',
  process_log_ready: 'ready',
  process_completed: 'completed',
  process_completed_successfully: 'completed_successfully',
};

const restarts: Record<string, 'always' | 'on-failure' | 'never'> = {
  always: 'always',
  on_failure: 'on-failure',
  exit_on_failure: 'on-failure',
  no: 'never',
};

const topHandled = new Set(['version', 'processes', 'environment', 'shell', 'ordered_shutdown']);
const handled = new Set([
  'command',
  'entrypoint',
  'args',
  'working_dir',
  'environment',
  'env_file',
  'availability',
  'depends_on',
  'readiness_probe',
  'ready_log_line',
  'liveness_probe',
  'shutdown',
  'replicas',
  'disabled',
  'namespace',
  'description',
  'log_location',
  'success_exit_codes',
]);

export const processCompose: Importer = {
  format: 'process-compose',
  title: 'process-compose.yaml',
  keys,
  async read(files, options) {
    const result = emptyImport();
    for (const file of files) {
      const log = new ImportLog(result, file);
      const { data } = parseText(readFileSync(file, 'utf8'), 'yaml', file);
      if (!isRecord(data)) continue;
      for (const key of Object.keys(data)) {
        if (topHandled.has(key)) log.ok();
        else log.unsupported(null, key);
      }
      const shell = isRecord(data.shell) ? data.shell : {};
      const shellArgv = [String(shell.shell_command ?? 'bash'), String(shell.shell_argument ?? '-c')];
      const globalEnv = Array.isArray(data.environment) ? envFromList(data.environment) : {};
      const processes = isRecord(data.processes) ? data.processes : {};
      const names = new Map(Object.keys(processes).map((n) => [n, tendName(n)]));
      for (const [given, value] of Object.entries(processes)) {
        if (!isRecord(value)) continue;
        const name = names.get(given) ?? given;
        const where = serviceWhere(name);
        const p = `processes.${given}`;
        if (name !== given) log.approx(where, p, `"${given}" is not a tend name; named "${name}"`);
        // process-compose restarts nothing unless availability says so
        const s: ServiceInput = { restart: 'never' };
        if (Array.isArray(value.entrypoint)) {
          s.args = [
            ...value.entrypoint.map(String),
            ...(Array.isArray(value.args) ? value.args.map(String) : []),
          ];
        } else if (typeof value.command === 'string') {
          s.args = [...shellArgv, value.command.replace(/\n$/, '')];
        }
        log.ok();
        if (typeof value.working_dir === 'string') {
          s.cwd = relativePath(file, value.working_dir, options.outDir);
          log.ok();
        }
        const env = {
          ...globalEnv,
          ...(Array.isArray(value.environment) ? envFromList(value.environment) : {}),
        };
        if (Object.keys(env).length) s.env = env;
        if (typeof value.env_file === 'string')
          s.env_file = relativePath(file, value.env_file, options.outDir);
        availability(value.availability, s, where, `${p}.availability`, log);
        dependsOn(value.depends_on, s, names, where, `${p}.depends_on`, log);
        const ready = probe(value.readiness_probe, `${p}.readiness_probe`, where, log);
        if (ready) {
          s.ready = { ...ready.check, ...(ready.interval ? { interval: ready.interval } : {}) };
          if (typeof value.ready_log_line === 'string')
            log.unsupported(
              where,
              `${p}.ready_log_line`,
              'a readiness_probe is given too; tend takes one readiness check',
            );
        } else if (typeof value.ready_log_line === 'string') {
          s.ready = { log: value.ready_log_line };
          log.ok();
        }
        const live = probe(value.liveness_probe, `${p}.liveness_probe`, where, log);
        if (live) {
          s.health = {
            ...live.check,
            ...(live.interval ? { interval: live.interval } : {}),
            ...(live.timeout ? { timeout: live.timeout } : {}),
            ...(live.retries ? { retries: live.retries } : {}),
            ...(live.delay ? { start_period: live.delay } : {}),
          };
        }
        shutdown(value.shutdown, s, where, `${p}.shutdown`, log);
        if (value.replicas !== undefined) {
          s.instances = Number(value.replicas);
          log.ok();
        }
        if (value.disabled === true) {
          s.autostart = false;
          log.ok();
        }
        if (typeof value.namespace === 'string' && value.namespace !== 'default') {
          const group = tendName(value.namespace);
          const g = result.config.groups[group] ?? { members: [] };
          g.members.push(name);
          result.config.groups[group] = g;
          log.ok();
        }
        if (typeof value.description === 'string') s.description = value.description;
        if (typeof value.log_location === 'string') {
          s.logs = { file: relativePath(file, value.log_location, options.outDir) };
          log.ok();
        }
        if (Array.isArray(value.success_exit_codes)) {
          s.success_exit_codes = value.success_exit_codes.map(Number);
          log.ok();
        }
        for (const key of Object.keys(value)) {
          if (!handled.has(key))
            log.unsupported(
              where,
              `${p}.${key}`,
              key === 'is_daemon'
                ? 'tend supervises processes that stay in the foreground; run it without forking'
                : undefined,
            );
        }
        result.config.services[name] = s;
      }
    }
    return result;
  },
};

function availability(a: unknown, s: ServiceInput, where: string, at: string, log: ImportLog): void {
  if (!isRecord(a)) return;
  for (const [key, v] of Object.entries(a)) {
    if (key === 'restart') {
      const r = restarts[String(v)];
      if (!r) {
        log.unsupported(where, `${at}.restart`, `${JSON.stringify(v)} is not a restart policy`);
        continue;
      }
      s.restart = r;
      if (v === 'exit_on_failure') {
        s.critical = true;
        log.approx(
          where,
          `${at}.restart`,
          'exit_on_failure: process-compose stops everything when it fails; tend marks it critical (tend up exits non-zero)',
        );
      } else log.ok();
    } else if (key === 'backoff_seconds') {
      s.restart_delay = Number(v);
      s.backoff = false;
      log.ok();
    } else if (key === 'max_restarts') {
      s.max_restarts = Number(v);
      log.ok();
    } else log.unsupported(where, `${at}.${key}`);
  }
}

function dependsOn(
  d: unknown,
  s: ServiceInput,
  names: ReadonlyMap<string, string>,
  where: string,
  at: string,
  log: ImportLog,
): void {
  if (!isRecord(d)) return;
  const requires: Record<string, 'started' | 'ready' | 'completed' | 'completed_successfully'> = {};
  for (const [dep, v] of Object.entries(d)) {
    const target = names.get(dep);
    if (!target) {
      log.unsupported(
        where,
        `${at}.${dep}`,
        `"${dep}" is not a process of this file; the dependency was left out`,
      );
      continue;
    }
    const condition = isRecord(v) ? String(v.condition ?? 'process_started') : 'process_started';
    const c = conditions[condition];
    if (!c) {
      log.unsupported(
        where,
        `${at}.${dep}.condition`,
        `${JSON.stringify(condition)} is not a condition tend knows`,
      );
      continue;
    }
    requires[target] = c;
    log.ok();
  }
  if (Object.keys(requires).length) s.requires = requires;
}

interface Probe {
  check: { exec: string } | { http: string };
  interval?: number;
  timeout?: number;
  retries?: number;
  delay?: number;
}

function probe(p: unknown, at: string, where: string, log: ImportLog): Probe | null {
  if (!isRecord(p)) return null;
  let check: Probe['check'] | null = null;
  if (isRecord(p.exec) && typeof p.exec.command === 'string') {
    check = { exec: p.exec.command };
    if (p.exec.working_dir !== undefined)
      log.unsupported(where, `${at}.exec.working_dir`, "the check runs in the service's cwd");
  } else if (isRecord(p.http_get)) {
    const h = p.http_get;
    const scheme = String(h.scheme ?? 'http');
    const host = String(h.host ?? '127.0.0.1');
    const port = h.port === undefined ? '' : `:${String(h.port)}`;
    const pathPart = String(h.path ?? '/');
    check = { http: `${scheme}://${host}${port}${pathPart.startsWith('/') ? '' : '/'}${pathPart}` };
  }
  if (!check) {
    log.unsupported(where, at, 'needs exec or http_get');
    return null;
  }
  log.ok();
  const out: Probe = { check };
  if (p.period_seconds !== undefined) out.interval = Number(p.period_seconds);
  if (p.timeout_seconds !== undefined) out.timeout = Number(p.timeout_seconds);
  if (p.failure_threshold !== undefined) out.retries = Number(p.failure_threshold);
  if (p.initial_delay_seconds !== undefined) out.delay = Number(p.initial_delay_seconds);
  const readiness = at.endsWith('readiness_probe');
  for (const key of Object.keys(p)) {
    if (key === 'exec' || key === 'http_get') continue;
    if (key === 'period_seconds') log.ok();
    else if (!readiness && ['timeout_seconds', 'failure_threshold', 'initial_delay_seconds'].includes(key))
      log.ok();
    else if (key === 'success_threshold' && Number(p[key]) === 1) log.ok();
    else
      log.approx(
        where,
        `${at}.${key}`,
        readiness ? 'a readiness check is retried every interval until it passes' : 'tend counts one success',
      );
  }
  return out;
}

function shutdown(sd: unknown, s: ServiceInput, where: string, at: string, log: ImportLog): void {
  if (!isRecord(sd)) return;
  for (const [key, v] of Object.entries(sd)) {
    if (key === 'signal') {
      const sig = signalName(v);
      if (sig) {
        s.stop_signal = sig;
        log.ok();
      } else log.unsupported(where, `${at}.signal`, `${JSON.stringify(v)} is not a signal tend knows`);
    } else if (key === 'timeout_seconds') {
      s.stop_timeout = Number(v);
      log.ok();
    } else if (key === 'command' && typeof v === 'string') {
      s.hooks = { pre_stop: [{ name: 'shutdown', command: v, failure_mode: 'ignore' }] };
      log.approx(
        where,
        `${at}.command`,
        'runs as a pre_stop hook; tend sends the stop signal after it, process-compose sends none',
      );
    } else log.unsupported(where, `${at}.${key}`);
  }
}
