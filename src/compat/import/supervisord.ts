/**
 * supervisord.conf (and the files its [include] names): each [program:x] becomes a service.
 * supervisord runs a command without a shell (split into words), restarts "unexpected" exits
 * by default, and starts programs in priority order; [group:x] becomes a group.
 */
import { readFileSync } from 'node:fs';
import { glob } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { configError } from '../../config/issues.ts';
import type { ServiceInput } from '../../config/schema.ts';
import {
  emptyImport,
  type Imported,
  type Importer,
  ImportLog,
  type ImportOptions,
  relativePath,
  serviceWhere,
  tendName,
} from './importer.ts';
import { type IniSection, parseIni } from './ini.ts';
import { shellWords, signalName } from './shell-words.ts';

const keys = [
  ['[program:x] command', 'args (supervisord splits it into words, no shell)'],
  ['numprocs, process_name', 'instances (tend names them x:0, x:1…)'],
  ['directory, user, environment', 'cwd, user, env'],
  ['autostart', 'autostart'],
  [
    'autorestart (true, false, unexpected), exitcodes',
    'restart (always, never, on-failure), success_exit_codes',
  ],
  ['startsecs', 'start_seconds'],
  ['startretries', 'max_restarts (approximated)'],
  ['stopsignal, stopwaitsecs', 'stop_signal, stop_timeout'],
  ['stopasgroup, killasgroup', 'tend always signals the process group'],
  ['priority', 'after: the programs of the next lower priority (approximated)'],
  [
    'redirect_stderr, stdout_logfile, stderr_logfile, *_logfile_maxbytes, *_logfile_backups',
    'logs (file, split, max_size, keep)',
  ],
  ['[group:x] programs', 'groups.x.members'],
  ['[supervisord] environment', 'env of every service'],
  ['[include] files', 'read as part of the config'],
] as const;

const programKeys = new Set([
  'command',
  'numprocs',
  'process_name',
  'directory',
  'user',
  'environment',
  'autostart',
  'autorestart',
  'exitcodes',
  'startsecs',
  'startretries',
  'stopsignal',
  'stopwaitsecs',
  'stopasgroup',
  'killasgroup',
  'priority',
  'redirect_stderr',
  'stdout_logfile',
  'stderr_logfile',
  'stdout_logfile_maxbytes',
  'stdout_logfile_backups',
  'stderr_logfile_maxbytes',
  'stderr_logfile_backups',
]);

interface Program {
  readonly name: string;
  readonly file: string;
  readonly section: IniSection;
  readonly priority: number;
}

export const supervisord: Importer = {
  format: 'supervisord',
  title: 'supervisord.conf',
  keys,
  async read(files, options) {
    const result = emptyImport();
    const programs: Program[] = [];
    const globalEnv: Record<string, string> = {};
    const seen = new Set<string>();
    const readFile = async (file: string): Promise<void> => {
      if (seen.has(file)) return;
      seen.add(file);
      const log = new ImportLog(result, file);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (e) {
        throw configError(file, [
          { file, line: null, column: null, path: '', message: `cannot be read (${(e as Error).message})` },
        ]);
      }
      for (const section of parseIni(text, file)) {
        const [kind, rest] = splitHeader(section.name);
        const at = `[${section.name}]`;
        if (kind === 'program') {
          const name = tendName(rest);
          if (name !== rest)
            log.approx(serviceWhere(name), at, `"${rest}" is not a tend name; named "${name}"`);
          programs.push({
            name,
            file,
            section,
            priority: Number(section.entries.get('priority')?.value ?? 999),
          });
        } else if (kind === 'group') {
          const members = (section.entries.get('programs')?.value ?? '')
            .split(',')
            .map((m) => tendName(m.trim()))
            .filter(Boolean);
          result.config.groups[tendName(rest)] = { members };
          log.ok();
          for (const key of section.entries.keys())
            if (key !== 'programs') log.unsupported(`groups.${tendName(rest)}`, `${at} ${key}`);
        } else if (kind === 'include') {
          for (const pattern of (section.entries.get('files')?.value ?? '').split(/\s+/).filter(Boolean)) {
            const abs = path.resolve(path.dirname(file), expand(pattern, { here: path.dirname(file) }));
            const found: string[] = [];
            for await (const f of glob(abs)) found.push(f);
            for (const f of found.sort()) await readFile(f);
          }
          log.ok();
        } else if (kind === 'supervisord') {
          for (const [key, entry] of section.entries) {
            if (key === 'environment') {
              Object.assign(globalEnv, keyValues(expand(entry.value, { here: path.dirname(file) })));
              log.ok();
            } else
              log.unsupported(
                null,
                `${at} ${key}`,
                `${key} = ${entry.value}: tend's own settings live in its home, not in the config`,
              );
          }
        } else {
          log.unsupported(null, at, sectionWhy(kind));
        }
      }
    };
    for (const file of files) await readFile(file);
    for (const p of programs) program(p, globalEnv, options, result);
    priorities(programs, result);
    for (const [group, g] of Object.entries(result.config.groups)) {
      const known = g.members.filter((m) => result.config.services[m]);
      if (known.length !== g.members.length) {
        new ImportLog(result, files[0] ?? '').unsupported(
          `groups.${group}`,
          `[group:${group}]`,
          `members ${g.members.filter((m) => !known.includes(m)).join(', ')} are not programs of this config; left out`,
        );
      }
      if (known.length) g.members = known;
      else delete result.config.groups[group];
    }
    return result;
  },
};

function splitHeader(name: string): [string, string] {
  const i = name.indexOf(':');
  return i < 0 ? [name.trim(), ''] : [name.slice(0, i).trim(), name.slice(i + 1).trim()];
}

function sectionWhy(kind: string): string {
  if (kind === 'unix_http_server' || kind === 'inet_http_server')
    return "supervisord's XML-RPC server; tend's control socket is always there, its HTTP API is [server.http]";
  if (kind === 'supervisorctl' || kind === 'rpcinterface')
    return 'supervisorctl settings; the tend command needs none';
  if (kind === 'eventlistener')
    return 'an event listener; a tend controller service reads events on stdin (controller = true)';
  return 'has no tend equivalent';
}

/** supervisord's `%(name)s` expansions that can be known when importing. */
function expand(value: string, vars: Record<string, string>): string {
  return value.replace(/%\((\w+)\)(0?\d*)([sd])/g, (all, name: string, pad: string, type: string) => {
    const v = name.startsWith('ENV_')
      ? process.env[name.slice(4)]
      : name === 'host_node_name'
        ? hostname()
        : vars[name];
    if (v === undefined) return all;
    return type === 'd' && pad ? v.padStart(Number(pad), '0') : v;
  });
}

/** `A="1",B=two` as supervisord reads environment. */
function keyValues(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  const re = /\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^,]*)\s*(?:,|$)/g;
  for (const m of text.matchAll(re)) {
    const raw = m[2] ?? '';
    env[m[1] ?? ''] = /^["']/.test(raw) ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw.trim();
  }
  return env;
}

function program(
  p: Program,
  globalEnv: Record<string, string>,
  options: ImportOptions,
  result: Imported,
): void {
  const log = new ImportLog(result, p.file);
  const where = serviceWhere(p.name);
  const here = path.dirname(p.file);
  const e = p.section.entries;
  const get = (k: string) => e.get(k)?.value;
  const at = (k: string) => `[${p.section.name}] ${k} (line ${e.get(k)?.line ?? p.section.line})`;
  const vars = { here, program_name: p.name, group_name: p.name, process_num: '0' };
  const s: ServiceInput = {};
  const command = get('command');
  const words = command === undefined ? null : shellWords(expand(command, vars));
  if (!words || words.length === 0) {
    throw configError(p.file, [
      {
        file: p.file,
        line: e.get('command')?.line ?? p.section.line,
        column: 1,
        path: '',
        message: `[${p.section.name}] needs a command${command === undefined ? '' : ' (a quote is left open)'}`,
      },
    ]);
  }
  s.args = words;
  log.ok();
  const numprocs = Number(get('numprocs') ?? 1);
  if (numprocs > 1) {
    s.instances = numprocs;
    log.ok();
  }
  const processName = get('process_name');
  if (processName !== undefined) {
    if (processName === '%(program_name)s' || (numprocs > 1 && processName.includes('%(process_num)')))
      log.ok();
    else log.approx(where, at('process_name'), 'tend names instances NAME:0, NAME:1…');
  }
  if (get('directory') !== undefined) {
    s.cwd = relativePath(p.file, expand(get('directory') ?? '', vars), options.outDir);
    log.ok();
  }
  if (get('user') !== undefined) {
    s.user = get('user');
    log.ok();
  }
  const env = { ...globalEnv, ...keyValues(expand(get('environment') ?? '', vars)) };
  if (Object.keys(env).length) s.env = env;
  if (get('environment') !== undefined) log.ok();
  if (get('autostart') !== undefined) {
    s.autostart = bool(get('autostart'));
    log.ok();
  }
  const autorestart = (get('autorestart') ?? 'unexpected').toLowerCase();
  s.restart = autorestart === 'unexpected' ? 'on-failure' : bool(autorestart) ? 'always' : 'never';
  if (get('autorestart') !== undefined) log.ok();
  if (get('exitcodes') !== undefined) {
    s.success_exit_codes = (get('exitcodes') ?? '0').split(',').map((c) => Number(c.trim()));
    log.ok();
  }
  if (get('startsecs') !== undefined) {
    s.start_seconds = Number(get('startsecs'));
    log.ok();
  }
  if (get('startretries') !== undefined) {
    s.max_restarts = Number(get('startretries'));
    log.approx(
      where,
      at('startretries'),
      'supervisord retries starts that fail within startsecs; tend counts every restart within restart_window',
    );
  }
  if (get('stopsignal') !== undefined) {
    s.stop_signal = signalName(get('stopsignal')) ?? get('stopsignal');
    log.ok();
  }
  if (get('stopwaitsecs') !== undefined) {
    s.stop_timeout = Number(get('stopwaitsecs'));
    log.ok();
  }
  for (const k of ['stopasgroup', 'killasgroup']) {
    if (get(k) === undefined) continue;
    if (bool(get(k))) log.ok();
    else log.approx(where, at(k), 'tend always signals the whole process group');
  }
  logs(p, s, vars, options, where, log, at);
  for (const key of e.keys()) {
    if (!programKeys.has(key)) log.unsupported(where, at(key));
  }
  result.config.services[p.name] = s;
}

function bool(v: string | undefined): boolean {
  return /^(true|yes|on|1)$/i.test((v ?? '').trim());
}

function logs(
  p: Program,
  s: ServiceInput,
  vars: Record<string, string>,
  options: ImportOptions,
  where: string,
  log: ImportLog,
  at: (k: string) => string,
): void {
  const e = p.section.entries;
  const get = (k: string) => e.get(k)?.value;
  const out = get('stdout_logfile');
  const err = get('stderr_logfile');
  const logs: NonNullable<ServiceInput['logs']> = {};
  const console = (f: string | undefined) => f !== undefined && /^\/dev\/(stdout|stderr|fd\/[12])$/.test(f);
  if (out !== undefined) {
    if (out.toUpperCase() === 'AUTO' || console(out)) log.ok();
    else if (out.toUpperCase() === 'NONE')
      log.unsupported(where, at('stdout_logfile'), "NONE: tend always keeps a service's output");
    else {
      logs.file = relativePath(p.file, expand(out, vars), options.outDir);
      log.ok();
    }
  }
  if (get('redirect_stderr') !== undefined) log.ok();
  if (err !== undefined && bool(get('redirect_stderr'))) log.ok();
  if (err !== undefined && !bool(get('redirect_stderr'))) {
    if (err === out || console(err) || err.toUpperCase() === 'AUTO') log.ok();
    else {
      logs.split = true;
      log.approx(
        where,
        at('stderr_logfile'),
        `stderr goes to NAME.err.log beside the log file, not to ${err}`,
      );
    }
  }
  const maxBytes = get('stdout_logfile_maxbytes');
  if (maxBytes !== undefined) {
    logs.max_size = maxBytes.replace(
      /^(\d+(?:\.\d+)?)\s*([KMG])B?$/i,
      (_, n: string, u: string) => `${n}${u.toUpperCase()}B`,
    );
    log.ok();
  }
  if (get('stdout_logfile_backups') !== undefined) {
    logs.keep = Number(get('stdout_logfile_backups'));
    log.ok();
  }
  for (const k of ['stderr_logfile_maxbytes', 'stderr_logfile_backups']) {
    if (get(k) === undefined) continue;
    if (get(k) === get(k.replace('stderr', 'stdout'))) log.ok();
    else log.approx(where, at(k), 'tend rotates both streams alike, by the stdout settings');
  }
  if (Object.keys(logs).length && !(Object.keys(logs).length === 0)) s.logs = logs;
}

/** supervisord starts lower priorities first; each program comes after the level below its own. */
function priorities(programs: readonly Program[], result: Imported): void {
  const levels = [...new Set(programs.map((p) => p.priority))].sort((a, b) => a - b);
  if (levels.length < 2) return;
  for (const p of programs) {
    const below = levels.filter((l) => l < p.priority).pop();
    if (below === undefined) continue;
    const s = result.config.services[p.name];
    if (s) s.after = programs.filter((q) => q.priority === below).map((q) => q.name);
  }
  for (const p of programs) {
    const line = p.section.entries.get('priority')?.line;
    if (line === undefined) continue;
    new ImportLog(result, p.file).approx(
      serviceWhere(p.name),
      `[${p.section.name}] priority (line ${line})`,
      'became "after" the programs of the next lower priority; tend waits for them to be ready, supervisord only starts them first',
    );
  }
}
