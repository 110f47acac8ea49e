/**
 * zinit service files: the YAML of zinit 0.2 (`NAME.yaml` with exec, test, after, oneshot…;
 * the service is named after the file) and the TOML of the rewrite ([service], [dependencies],
 * [lifecycle], [health], [logging]). zinit splits exec into words and runs no shell; a
 * dependency waits for the other to run, or to complete when that one is a oneshot.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseText } from '../../config/parse.ts';
import type { ServiceInput } from '../../config/schema.ts';
import {
  emptyImport,
  type Imported,
  type Importer,
  ImportLog,
  type ImportOptions,
  isRecord,
  ms,
  relativePath,
  serviceWhere,
  tendName,
} from './importer.ts';
import { shellWords, signalName } from './shell-words.ts';

const keys = [
  ['exec (YAML) / [service] exec (TOML)', 'args (zinit splits it into words, no shell)'],
  ['test', 'ready.exec'],
  ['oneshot', 'oneshot'],
  ['after (YAML)', 'requires: "completed_successfully" for a oneshot, else "ready"'],
  ['shutdown_timeout, signal.stop', 'stop_timeout, stop_signal'],
  ['env, dir', 'env, cwd'],
  ['log (ring, stdout, null)', "tend keeps every service's output (null: approximated)"],
  [
    '[service] name, dir, env, class, critical, oneshot, status',
    'the name, cwd, env, class, critical, oneshot, autostart',
  ],
  ['[dependencies] requires, wants, after, conflicts', 'the same fields'],
  [
    '[lifecycle] restart, restart_delay_ms, start_timeout_ms, stop_timeout_ms, stop_signal, max_restarts',
    'restart, restart_delay, start_timeout, stop_timeout, stop_signal, max_restarts',
  ],
  ['[health] type, target, interval_ms, timeout_ms, retries', 'health (tcp, http or exec)'],
  ['[logging] buffer_lines, file', 'logs.buffer_lines, logs.file'],
] as const;

interface Read {
  readonly file: string;
  readonly name: string;
  readonly service: ServiceInput;
  /** Dependencies by kind, resolved once every file is read. */
  readonly deps: {
    after: string[];
    requires: string[];
    wants: string[];
    ordering: string[];
    conflicts: string[];
  };
}

function words(exec: unknown, file: string, where: string, key: string, log: ImportLog): string[] | null {
  const argv = typeof exec === 'string' ? shellWords(exec.trim()) : null;
  if (!argv || argv.length === 0) {
    log.unsupported(where, key, typeof exec === 'string' ? 'a quote is left open' : 'needs a command');
    return null;
  }
  if (file && where) log.ok();
  return argv;
}

function yamlService(
  file: string,
  data: Record<string, unknown>,
  options: ImportOptions,
  log: ImportLog,
): Read | null {
  const name = tendName(
    typeof data.name === 'string' ? data.name : path.basename(file).replace(/\.ya?ml$/i, ''),
  );
  const where = serviceWhere(name);
  const s: ServiceInput = { restart: 'always' };
  const argv = words(data.exec, file, where, 'exec', log);
  if (!argv) return null;
  s.args = argv;
  const deps = { after: [] as string[], requires: [], wants: [], ordering: [], conflicts: [] };
  for (const [key, v] of Object.entries(data)) {
    if (key === 'exec' || key === 'name') continue;
    if (key === 'test' && typeof v === 'string') {
      s.ready = { exec: v };
      log.ok();
    } else if (key === 'oneshot') {
      if (v === true) {
        s.oneshot = true;
        delete s.restart;
      }
      log.ok();
    } else if (key === 'after' && Array.isArray(v)) {
      deps.after.push(...v.map((d) => String(d)));
    } else if (key === 'shutdown_timeout') {
      s.stop_timeout = Number(v);
      log.ok();
    } else if (key === 'signal' && isRecord(v) && v.stop !== undefined) {
      s.stop_signal = signalName(v.stop) ?? String(v.stop);
      log.ok();
    } else if (key === 'env' && isRecord(v)) {
      s.env = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
      log.ok();
    } else if (key === 'dir' && typeof v === 'string') {
      if (v) s.cwd = relativePath(file, v, options.outDir);
      log.ok();
    } else if (key === 'log') {
      if (v === null || v === 'null')
        log.approx(where, 'log: null', 'tend keeps the output; nobody has to read it');
      else log.ok();
    } else log.unsupported(where, key);
  }
  return { file, name, service: s, deps };
}

function tomlService(
  file: string,
  data: Record<string, unknown>,
  options: ImportOptions,
  log: ImportLog,
): Read | null {
  const svc = isRecord(data.service) ? data.service : {};
  const name = tendName(String(svc.name ?? path.basename(file).replace(/\.toml$/i, '')));
  const where = serviceWhere(name);
  const s: ServiceInput = {};
  const argv = words(svc.exec, file, where, '[service] exec', log);
  if (!argv) return null;
  s.args = argv;
  for (const [key, v] of Object.entries(svc)) {
    if (key === 'exec') continue;
    if (key === 'name') log.ok();
    else if (key === 'dir' && typeof v === 'string') {
      s.cwd = relativePath(file, v, options.outDir);
      log.ok();
    } else if (key === 'env' && isRecord(v)) {
      s.env = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)]));
      log.ok();
    } else if (key === 'class' && (v === 'user' || v === 'system')) {
      s.class = v;
      log.ok();
    } else if (key === 'critical') {
      s.critical = v === true;
      log.ok();
    } else if (key === 'oneshot') {
      if (v === true) s.oneshot = true;
      log.ok();
    } else if (key === 'status') {
      if (v === 'stop') s.autostart = false;
      log.ok();
    } else log.unsupported(where, `[service] ${key}`);
  }
  const d = isRecord(data.dependencies) ? data.dependencies : {};
  const list = (k: string) => (Array.isArray(d[k]) ? (d[k] as unknown[]).map(String) : []);
  const deps = {
    after: [],
    requires: list('requires'),
    wants: list('wants'),
    ordering: list('after'),
    conflicts: list('conflicts'),
  };
  for (const key of Object.keys(d))
    if (!['requires', 'wants', 'after', 'conflicts'].includes(key))
      log.unsupported(where, `[dependencies] ${key}`);
  const lc = isRecord(data.lifecycle) ? data.lifecycle : {};
  for (const [key, v] of Object.entries(lc)) {
    if (key === 'restart' && (v === 'always' || v === 'on-failure' || v === 'never')) s.restart = v;
    else if (key === 'restart_delay_ms') s.restart_delay = ms(Number(v));
    else if (key === 'start_timeout_ms') s.start_timeout = ms(Number(v));
    else if (key === 'stop_timeout_ms') s.stop_timeout = ms(Number(v));
    else if (key === 'stop_signal') s.stop_signal = signalName(v) ?? String(v);
    else if (key === 'max_restarts') s.max_restarts = Number(v);
    else {
      log.unsupported(where, `[lifecycle] ${key}`);
      continue;
    }
    log.ok();
  }
  if (isRecord(data.health)) health(data.health, s, where, log);
  const lg = isRecord(data.logging) ? data.logging : {};
  const logs: NonNullable<ServiceInput['logs']> = {};
  for (const [key, v] of Object.entries(lg)) {
    if (key === 'buffer_lines') logs.buffer_lines = Number(v);
    else if (key === 'file' && typeof v === 'string') logs.file = relativePath(file, v, options.outDir);
    else {
      log.unsupported(where, `[logging] ${key}`);
      continue;
    }
    log.ok();
  }
  if (Object.keys(logs).length) s.logs = logs;
  for (const key of Object.keys(data)) {
    if (!['service', 'dependencies', 'lifecycle', 'health', 'logging'].includes(key))
      log.unsupported(where, `[${key}]`);
  }
  return { file, name, service: s, deps };
}

function health(h: Record<string, unknown>, s: ServiceInput, where: string, log: ImportLog): void {
  const target = String(h.target ?? '');
  const type = String(h.type ?? '');
  const check =
    type === 'tcp'
      ? { tcp: target.replace(/^localhost:/, '127.0.0.1:') }
      : type === 'http'
        ? { http: target }
        : type === 'exec'
          ? { exec: target }
          : null;
  if (!check) {
    log.unsupported(where, '[health]', `type ${JSON.stringify(h.type)} is not tcp, http or exec`);
    return;
  }
  s.health = {
    ...check,
    ...(h.interval_ms !== undefined ? { interval: ms(Number(h.interval_ms)) } : {}),
    ...(h.timeout_ms !== undefined ? { timeout: ms(Number(h.timeout_ms)) } : {}),
    ...(h.retries !== undefined ? { retries: Number(h.retries) } : {}),
  };
  log.ok();
  for (const key of Object.keys(h))
    if (!['type', 'target', 'interval_ms', 'timeout_ms', 'retries'].includes(key))
      log.unsupported(where, `[health] ${key}`);
}

export const zinit: Importer = {
  format: 'zinit',
  title: 'zinit service files',
  keys,
  async read(files, options) {
    const result = emptyImport();
    const read: Read[] = [];
    for (const file of files) {
      const log = new ImportLog(result, file);
      const toml = /\.toml$/i.test(file);
      const { data } = parseText(readFileSync(file, 'utf8'), toml ? 'toml' : 'yaml', file);
      if (!isRecord(data)) continue;
      const r = toml ? tomlService(file, data, options, log) : yamlService(file, data, options, log);
      if (r) read.push(r);
    }
    resolve(read, result);
    return result;
  },
};

/** Dependencies name other files' services; one that is not among them is left out, with a note. */
function resolve(read: readonly Read[], result: Imported): void {
  const byName = new Map(read.map((r) => [r.name, r]));
  for (const r of read) {
    const log = new ImportLog(result, r.file);
    const where = serviceWhere(r.name);
    const known = (deps: string[], key: string) =>
      deps.map(tendName).filter((d) => {
        if (byName.has(d)) return true;
        log.unsupported(
          where,
          `${key} ${d}`,
          `"${d}" is not among the imported services; the dependency was left out`,
        );
        return false;
      });
    const after = known(r.deps.after, 'after');
    if (after.length) {
      r.service.requires = Object.fromEntries(
        after.map((d) => [
          d,
          byName.get(d)?.service.oneshot ? ('completed_successfully' as const) : ('ready' as const),
        ]),
      );
      result.converted += after.length;
    }
    for (const [field, key] of [
      ['requires', 'requires'],
      ['wants', 'wants'],
      ['after', 'ordering'],
      ['conflicts', 'conflicts'],
    ] as const) {
      const list = known(r.deps[key], `[dependencies] ${field}`);
      if (list.length) {
        r.service[field] = list;
        result.converted += list.length;
      }
    }
    result.config.services[r.name] = r.service;
  }
  // zinit starts both of two conflicting services at boot and the second stops the first;
  // tend refuses a config that leaves which one runs to the order they start in
  const starts = (r: Read) => r.service.autostart !== false;
  for (const r of read) {
    for (const other of (r.service.conflicts as string[] | undefined) ?? []) {
      const o = byName.get(other);
      if (!o || !starts(r) || !starts(o)) continue;
      const later = read.indexOf(o) > read.indexOf(r) ? o : r;
      const kept = later === o ? r : o;
      later.service.autostart = false;
      new ImportLog(result, later.file).approx(
        serviceWhere(later.name),
        'conflicts',
        `conflicts with ${kept.name} and both would start at boot: ${kept.name} starts, this one on request (tend start ${later.name})`,
      );
    }
  }
}
