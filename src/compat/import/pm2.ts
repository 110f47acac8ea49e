/**
 * PM2 ecosystem files (`ecosystem.config.js`/.cjs/.mjs, .json, .yaml): each app becomes a
 * service. PM2 restarts any exit unless told otherwise, counts restarts shorter than
 * min_uptime as unstable, and writes logs per app.
 */
import { availableParallelism } from 'node:os';
import path from 'node:path';
import type { ServiceInput } from '../../config/schema.ts';
import {
  emptyImport,
  envString,
  type Importer,
  ImportLog,
  type ImportOptions,
  isRecord,
  ms,
  relativePath,
  serviceWhere,
  tendName,
} from './importer.ts';
import { readEcosystem } from './pm2-eval.ts';
import { shellWords } from './shell-words.ts';

const keys = [
  ['name', 'the service name (default: the script file name)'],
  ['script, args, interpreter, interpreter_args, node_args', 'args'],
  ['cwd', 'cwd'],
  ['instances', 'instances ("max": the CPUs of the machine that imports)'],
  ['exec_mode', 'approximated: cluster mode becomes separate instances'],
  ['env, env_NAME (--env NAME)', 'env'],
  ['autorestart', 'restart ("always" or "never")'],
  ['max_restarts', 'max_restarts'],
  ['min_uptime', 'start_seconds (approximated)'],
  ['restart_delay', 'restart_delay'],
  ['exp_backoff_restart_delay', 'restart_delay and backoff (approximated)'],
  ['max_memory_restart', 'max_memory'],
  ['cron_restart', 'cron_restart'],
  ['watch, ignore_watch, watch_delay', 'watch { paths, ignore, debounce }'],
  ['kill_timeout', 'stop_timeout'],
  ['wait_ready, listen_timeout', 'ready = { ipc = true }, start_timeout'],
  ['out_file, error_file, log_file, merge_logs, log_date_format', 'logs (approximated)'],
  ['stop_exit_codes', 'success_exit_codes'],
  ['uid, gid', 'user, group'],
] as const;

/** PM2's own default interpreters, by extension. */
const interpreters: Record<string, string> = {
  '.js': 'node',
  '.cjs': 'node',
  '.mjs': 'node',
  '.ts': 'node',
  '.sh': 'bash',
  '.py': 'python3',
  '.rb': 'ruby',
  '.php': 'php',
  '.pl': 'perl',
  '.coffee': 'coffee',
};

const handled = new Set([
  'name',
  'script',
  'args',
  'interpreter',
  'exec_interpreter',
  'interpreter_args',
  'node_args',
  'cwd',
  'instances',
  'exec_mode',
  'env',
  'autorestart',
  'max_restarts',
  'min_uptime',
  'restart_delay',
  'exp_backoff_restart_delay',
  'max_memory_restart',
  'cron_restart',
  'watch',
  'ignore_watch',
  'watch_delay',
  'kill_timeout',
  'wait_ready',
  'listen_timeout',
  'out_file',
  'output',
  'error_file',
  'err_file',
  'error',
  'log_file',
  'log',
  'merge_logs',
  'combine_logs',
  'log_date_format',
  'stop_exit_codes',
  'uid',
  'gid',
]);

function words(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string') return shellWords(v) ?? v.split(/\s+/).filter(Boolean);
  return [];
}

function appsOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (isRecord(value) && Array.isArray(value.apps)) return value.apps;
  if (isRecord(value) && isRecord(value.apps)) return [value.apps];
  if (isRecord(value) && typeof value.script === 'string') return [value];
  return [];
}

export const pm2: Importer = {
  format: 'pm2',
  title: 'PM2 ecosystem file',
  keys,
  async read(files, options) {
    const result = emptyImport();
    for (const file of files) {
      const value = await readEcosystem(file);
      const log = new ImportLog(result, file);
      if (isRecord(value)) {
        for (const key of Object.keys(value)) {
          if (key !== 'apps')
            log.unsupported(
              null,
              key,
              key === 'deploy' ? 'deployment is outside tend (PM2 deploy runs git and ssh)' : undefined,
            );
        }
      }
      appsOf(value).forEach((app, i) => {
        if (!isRecord(app)) {
          log.unsupported(null, `apps[${i}]`, 'is not an object');
          return;
        }
        const [name, service] = appService(app, i, file, options, log);
        if (result.config.services[name]) {
          log.unsupported(serviceWhere(name), `apps[${i}]`, `a second app named "${name}" was left out`);
          return;
        }
        result.config.services[name] = service;
      });
    }
    return result;
  },
};

function appService(
  app: Record<string, unknown>,
  index: number,
  file: string,
  options: ImportOptions,
  log: ImportLog,
): [string, ServiceInput] {
  const script = typeof app.script === 'string' ? app.script : '';
  const given =
    typeof app.name === 'string' && app.name
      ? app.name
      : path.basename(script).replace(/\.[^.]+$/, '') || `app${index}`;
  const name = tendName(given);
  const where = serviceWhere(name);
  const s: ServiceInput = {};
  if (name !== given) log.approx(where, 'name', `"${given}" is not a tend name; named "${name}"`);
  else log.ok();

  // the command: PM2 picks an interpreter by extension unless told
  const interpreter = String(
    app.interpreter ?? app.exec_interpreter ?? interpreters[path.extname(script)] ?? 'none',
  );
  const interpreterArgs = words(app.interpreter_args ?? app.node_args);
  const argv = [
    ...(interpreter === 'none' ? [] : [interpreter, ...interpreterArgs]),
    script,
    ...words(app.args),
  ];
  s.args = argv.filter((a) => a !== '');
  log.ok();
  if (typeof app.cwd === 'string') {
    s.cwd = relativePath(file, app.cwd, options.outDir);
    log.ok();
  } else {
    // PM2 starts an app in the ecosystem file's folder
    s.cwd = relativePath(file, '.', options.outDir);
  }

  instances(app, s, where, log);

  const env: Record<string, string> = {};
  if (isRecord(app.env)) for (const [k, v] of Object.entries(app.env)) env[k] = envString(v);
  for (const key of Object.keys(app).filter((k) => k.startsWith('env_'))) {
    const envName = key.slice(4);
    if (envName === options.env && isRecord(app[key])) {
      for (const [k, v] of Object.entries(app[key])) env[k] = envString(v);
      log.ok();
    } else {
      log.unsupported(where, key, `not applied: import with --env ${envName} to use it`);
    }
  }
  if (Object.keys(env).length) {
    s.env = env;
    log.ok();
  }

  if (app.autorestart === false) {
    s.restart = 'never';
    log.ok();
  } else if (Array.isArray(app.stop_exit_codes)) {
    s.restart = 'on-failure';
    s.success_exit_codes = app.stop_exit_codes.map(Number);
    log.ok();
  } else {
    // PM2 restarts an app whatever its exit code
    s.restart = 'always';
  }
  if (app.max_restarts !== undefined) {
    s.max_restarts = Number(app.max_restarts);
    log.ok();
  }
  if (app.min_uptime !== undefined) {
    s.start_seconds = ms(pm2Ms(app.min_uptime));
    log.approx(
      where,
      'min_uptime',
      'became start_seconds: PM2 counts shorter runs as unstable restarts, tend counts every restart within restart_window',
    );
  }
  if (app.restart_delay !== undefined) {
    s.restart_delay = ms(pm2Ms(app.restart_delay));
    log.ok();
  }
  if (app.exp_backoff_restart_delay !== undefined) {
    s.restart_delay = ms(pm2Ms(app.exp_backoff_restart_delay));
    s.backoff = { factor: 1.5, max: '15s' };
    log.approx(
      where,
      'exp_backoff_restart_delay',
      'became restart_delay with backoff { factor = 1.5, max = "15s" } (PM2\'s curve); the reset after a stable run follows tend\'s rule',
    );
  }
  if (app.max_memory_restart !== undefined) {
    const m = /^(\d+(?:\.\d+)?)\s*([KMG])?B?$/i.exec(String(app.max_memory_restart).trim());
    if (m) {
      s.max_memory = `${m[1]}${m[2] ? `${m[2].toUpperCase()}B` : ''}`;
      log.ok();
    } else
      log.unsupported(where, 'max_memory_restart', `${JSON.stringify(app.max_memory_restart)} is not a size`);
  }
  if (app.cron_restart !== undefined && app.cron_restart !== 0 && app.cron_restart !== '0') {
    s.cron_restart = String(app.cron_restart);
    log.ok();
  }
  watch(app, s, where, log);
  if (app.kill_timeout !== undefined) {
    s.stop_timeout = ms(pm2Ms(app.kill_timeout));
    log.ok();
  }
  if (app.wait_ready === true) {
    s.ready = { ipc: true };
    log.ok();
    if (app.listen_timeout !== undefined) {
      s.start_timeout = ms(pm2Ms(app.listen_timeout));
      log.ok();
    }
  } else if (app.listen_timeout !== undefined) {
    s.start_timeout = ms(pm2Ms(app.listen_timeout));
    log.approx(
      where,
      'listen_timeout',
      'became start_timeout: without wait_ready PM2 waits for the "listening" event of a cluster worker',
    );
  }
  logs(app, s, file, options, where, log);
  if (app.uid !== undefined) {
    s.user = String(app.uid);
    log.ok();
  }
  if (app.gid !== undefined) {
    s.group = String(app.gid);
    log.ok();
  }
  for (const key of Object.keys(app)) {
    if (!handled.has(key) && !key.startsWith('env_')) log.unsupported(where, key);
  }
  return [name, s];
}

/** PM2 durations are milliseconds, as numbers or strings ("10" or "10s"). */
function pm2Ms(v: unknown): number {
  if (typeof v === 'number') return v;
  const text = String(v).trim();
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!m) return 0;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1;
  return Number(m[1]) * factor;
}

function instances(app: Record<string, unknown>, s: ServiceInput, where: string, log: ImportLog): void {
  const cluster = typeof app.exec_mode === 'string' && app.exec_mode.startsWith('cluster');
  const raw = app.instances;
  if (raw !== undefined) {
    const cpus = availableParallelism();
    const n = raw === 'max' ? 0 : Number(raw);
    const count = !Number.isFinite(n) ? 1 : n <= 0 ? Math.max(1, cpus + n) : n;
    s.instances = count;
    if (raw === 'max' || n <= 0)
      log.approx(
        where,
        'instances',
        `${JSON.stringify(raw)} means the CPUs of the machine: ${count} here, fixed in the file`,
      );
    else log.ok();
  }
  if (cluster) {
    log.approx(
      where,
      'exec_mode',
      'cluster mode: tend runs separate processes that do not share a port; give each its own (TEND_INSTANCE tells them apart)',
    );
  } else if (app.exec_mode !== undefined) log.ok();
}

function watch(app: Record<string, unknown>, s: ServiceInput, where: string, log: ImportLog): void {
  const w = app.watch;
  if (w === undefined || w === false) {
    if (app.ignore_watch !== undefined) log.unsupported(where, 'ignore_watch', 'has no effect without watch');
    return;
  }
  const paths =
    w === true ? ['.'] : words(w).length ? (Array.isArray(w) ? w.map(String) : [String(w)]) : ['.'];
  const ignore =
    app.ignore_watch === undefined
      ? []
      : Array.isArray(app.ignore_watch)
        ? app.ignore_watch.map(String)
        : [String(app.ignore_watch)];
  const debounce = app.watch_delay === undefined ? undefined : ms(pm2Ms(app.watch_delay));
  s.watch = { paths, ...(ignore.length ? { ignore } : {}), ...(debounce ? { debounce } : {}) };
  log.ok();
  if (ignore.length)
    log.approx(where, 'ignore_watch', 'PM2 reads these as regular expressions or globs; tend reads globs');
  if (debounce) log.ok();
}

function logs(
  app: Record<string, unknown>,
  s: ServiceInput,
  file: string,
  options: ImportOptions,
  where: string,
  log: ImportLog,
): void {
  const out = app.out_file ?? app.output;
  const err = app.error_file ?? app.err_file ?? app.error;
  const combined = app.log_file ?? app.log;
  const logs: NonNullable<ServiceInput['logs']> = {};
  const target = typeof combined === 'string' ? combined : typeof out === 'string' ? out : null;
  if (target && target !== '/dev/null') {
    logs.file = relativePath(file, target, options.outDir);
    log.ok();
  }
  if (typeof err === 'string') {
    logs.split = true;
    log.approx(
      where,
      app.error_file !== undefined ? 'error_file' : 'err_file',
      `stderr goes to the log file's NAME.err.log beside it, not to ${JSON.stringify(err)}`,
    );
  }
  if (typeof out === 'string' && typeof combined === 'string')
    log.approx(where, 'out_file', 'log_file holds both streams in tend');
  if (app.merge_logs !== undefined || app.combine_logs !== undefined) log.ok();
  if (app.log_date_format !== undefined) {
    logs.timestamps = true;
    log.approx(where, 'log_date_format', "lines are stamped in the file, in tend's format");
  }
  if (Object.keys(logs).length) s.logs = logs;
}
