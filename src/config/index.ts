/**
 * The config layer's API: load a file (or find one), validate definitions that arrive at run
 * time, and publish the JSON Schema. It produces the kernel's ServiceSpec and nothing else.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { CronSpec } from '../core/cron.ts';
import { TendError } from '../core/errors.ts';
import type { HandleDecl } from '../core/handles.ts';
import type { JobSpec } from '../core/job-spec.ts';
import { assertTypeStripping } from '../core/node-support.ts';
import type { ServiceSpec } from '../core/service-spec.ts';
import { importFile } from '../native/single-executable.ts';
import { findConfig } from './discover.ts';
import { declsOf, fdIssues, shapesOf } from './fds-check.ts';
import { type HttpSettings, httpSettingsOf } from './http-settings.ts';
import { configError, toConfigIssues } from './issues.ts';
import type { Locator } from './locate.ts';
import { type Format, formatOf, loadParsers, parseText } from './parse.ts';
import { configSchema } from './schema.ts';
import { cronSpecsOf, jobSpecsOf, setIssues, specsOf, validateConfig } from './validate.ts';

export { findConfig } from './discover.ts';
export type { HttpSettings, TlsSettings } from './http-settings.ts';
export { defineConfig } from './schema.ts';

export interface LoadedConfig {
  readonly file: string;
  readonly dir: string;
  readonly services: ServiceSpec[];
  readonly jobs: JobSpec[];
  readonly cron: CronSpec[];
  /** `[groups.NAME]`: each group's member services. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** `[server.http]`, or null when the HTTP API is off. */
  readonly http: HttpSettings | null;
  /** `[server.socket]`: a group whose members may use the socket, and what they may do. */
  readonly socket: { readonly group: string; readonly scope: 'read' | 'control' | 'admin' } | null;
  /** `[history]`: the retention of `tend history`, each bound absent when not set. */
  readonly history: { readonly maxAgeMs?: number; readonly maxEntries?: number };
  /** `[fds.NAME]`, and the socket of each on_demand `listen` address. */
  readonly fds: ReadonlyMap<string, HandleDecl>;
  /** A problem found later (a handle that cannot be opened) as a located config error. */
  issueAt(path: readonly PropertyKey[], message: string): TendError;
}

/** Loads the config at `file`, or the nearest one upwards from `cwd`. */
export async function loadConfig(file?: string, { cwd = process.cwd() } = {}): Promise<LoadedConfig> {
  const abs = file ? path.resolve(cwd, file) : findConfig(cwd);
  const dir = path.dirname(abs);
  let data: unknown;
  let locate: Locator | null = null;
  const format = formatOf(abs);
  await loadParsers([format, ...serviceDirFormats(dir)]);
  if (format) {
    const parsed = parseText(readText(abs), format, abs);
    data = parsed.data;
    locate = parsed.locate;
  } else {
    data = await importConfig(abs);
  }
  const config = validateConfig(data, abs, locate, serviceDirNames(dir));
  const main = specsOf(config, dir, abs);
  const fromDir = serviceDir(dir, new Set(main.map((s) => s.name)), abs);
  const services = [...main, ...fromDir.map((d) => d.spec)];
  // the set as a whole, whatever order its services were written in, and in whichever file
  const inDir = new Map(fromDir.map((d) => [d.spec.name, d]));
  const where = (name: string) => inDir.get(name) ?? { file: abs, locate };
  const fds = declsOf(config, dir);
  const problems = [...setIssues(services, where), ...fdIssues(services, shapesOf(fds), where)];
  if (problems.length > 0) throw configError(abs, problems);
  return {
    file: abs,
    dir,
    services,
    fds,
    issueAt: (p, message) => configError(abs, toConfigIssues(abs, locate, [{ path: [...p], message }])),
    http: config.server?.http ? httpSettingsOf(config.server.http, dir) : null,
    socket: config.server?.socket ?? null,
    history: {
      ...(config.history?.max_age !== undefined ? { maxAgeMs: config.history.max_age } : {}),
      ...(config.history?.max_entries !== undefined ? { maxEntries: config.history.max_entries } : {}),
    },
    jobs: jobSpecsOf(config, dir),
    cron: cronSpecsOf(config, dir),
    groups: Object.fromEntries(Object.entries(config.groups).map(([name, g]) => [name, [...g.members]])),
  };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new TendError('TEND_CONFIG_NOT_FOUND', {
      detail: `${file} cannot be read (${(e as Error).message})`,
    });
  }
}

/** tend.config.ts/.js/.mjs: its default export (Node strips the types). */
async function importConfig(file: string): Promise<unknown> {
  if (!existsSync(file)) throw new TendError('TEND_CONFIG_NOT_FOUND', { detail: `${file} does not exist` });
  if (/\.[mc]?ts$/.test(file)) assertTypeStripping(file);
  try {
    const mod = (await importFile(`${pathToFileURL(file).href}?t=${Date.now()}`)) as { default?: unknown };
    return mod.default ?? {};
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new TendError('TEND_CONFIG_INVALID', {
      file,
      details: `${file}: the config module failed to load: ${message}`,
      issues: [{ file, line: null, column: null, path: '', message }],
    });
  }
}

/** The formats of the files in the `services/` folder beside the config. */
function serviceDirFormats(dir: string): (Format | null)[] {
  const sdir = path.join(dir, 'services');
  return existsSync(sdir) ? readdirSync(sdir).map((entry) => formatOf(path.join(sdir, entry))) : [];
}

/** The services the `services/` folder beside the config defines, by file name. */
function serviceDirNames(dir: string): string[] {
  const sdir = path.join(dir, 'services');
  if (!existsSync(sdir)) return [];
  return readdirSync(sdir)
    .filter((entry) => formatOf(path.join(sdir, entry)))
    .map((entry) => entry.replace(/\.(toml|ya?ml|json)$/i, ''));
}

/** zinit style: `services/NAME.toml` (or .yaml/.json) beside the config holds service NAME. */
function serviceDir(
  dir: string,
  taken: Set<string>,
  configFile: string,
): { spec: ServiceSpec; file: string; locate: Locator }[] {
  const sdir = path.join(dir, 'services');
  if (!existsSync(sdir)) return [];
  const specs: { spec: ServiceSpec; file: string; locate: Locator }[] = [];
  for (const entry of readdirSync(sdir).sort()) {
    const file = path.join(sdir, entry);
    const format = formatOf(file);
    if (!format) continue;
    const name = entry.replace(/\.(toml|ya?ml|json)$/i, '');
    if (taken.has(name)) {
      throw new TendError('TEND_CONFIG_INVALID', {
        file,
        details: `${file}: service "${name}" is also defined in ${configFile}`,
        issues: [
          {
            file,
            line: null,
            column: null,
            path: `services.${name}`,
            message: `also defined in ${configFile}`,
          },
        ],
      });
    }
    const parsed = parseText(readText(file), format, file);
    const locate: Locator = (p) => parsed.locate(p.slice(2));
    const config = validateConfig({ services: { [name]: parsed.data } }, file, locate);
    for (const spec of specsOf(config, dir, file)) specs.push({ spec, file, locate });
    taken.add(name);
  }
  return specs;
}

/**
 * Validates a text holding `[services.NAME]` tables (`tend add -f`), with locations. Only
 * the fields: how the services fit with the ones already running is for the tend they go to,
 * and `relocate` puts its answer back at file:line:col.
 */
export async function parseServicesFragment(
  text: string,
  file: string,
  baseDir: string,
): Promise<{ specs: ServiceSpec[]; relocate: (error: unknown) => unknown }> {
  const format: Format = formatOf(file) ?? 'toml';
  await loadParsers([format]);
  const parsed = parseText(text, format, file);
  const specs = specsOf(validateConfig(parsed.data, file, parsed.locate), baseDir, file);
  return { specs, relocate: (error) => relocateIssues(error, file, parsed.locate) };
}

/** A TEND_CONFIG_INVALID answer about `services.NAME.field` paths, told at the file's places. */
export function relocateIssues(error: unknown, file: string, locate: Locator): unknown {
  // a TendError in-process, or the RpcError the client makes of one
  const e = error as {
    code?: unknown;
    tendCode?: unknown;
    data?: { issues?: { path?: string; message?: string }[] };
  };
  if ((e?.tendCode ?? e?.code) !== 'TEND_CONFIG_INVALID') return error;
  const issues = e.data?.issues ?? [];
  if (issues.length === 0) return error;
  const located = issues.map((i) => {
    const pathParts = String(i.path ?? '').split('.');
    return toConfigIssues(file, locate, [{ path: pathParts, message: String(i.message ?? '') }])[0];
  });
  return configError(
    file,
    located.filter((i) => i !== undefined),
  );
}

/** The raw `services` tables of such a text, to send over the protocol as they are. */
export function readDefinitions(text: string, file: string): Record<string, Record<string, unknown>> {
  const { data } = parseText(text, formatOf(file) ?? 'toml', file);
  const services = (data as { services?: Record<string, Record<string, unknown>> }).services ?? {};
  return structuredClone(services);
}

/** Validates one service given as an object (an RPC call); paths read `services.NAME.field`. */
export function serviceSpecFromObject(name: string, definition: unknown, baseDir: string): ServiceSpec {
  const config = validateConfig({ services: { [name]: definition } }, `service "${name}"`, null);
  const [spec] = specsOf(config, baseDir, `service "${name}"`);
  if (!spec) throw new TendError('TEND_USAGE', { message: `no definition for ${name}` });
  return spec;
}

/** Validates one handle given as an object (an RPC call); paths read `fds.NAME.field`. */
export function handleDeclFromObject(name: string, definition: unknown, baseDir: string): HandleDecl {
  const config = validateConfig({ fds: { [name]: definition } }, `handle "${name}"`, null);
  const decl = declsOf(config, baseDir).get(name);
  if (!decl) throw new TendError('TEND_USAGE', { message: `no definition for ${name}` });
  return decl;
}

/** Validates one cron job given as an object (an RPC call); paths read `cron.NAME.field`. */
export function cronSpecFromObject(name: string, definition: unknown, baseDir: string): CronSpec {
  const config = validateConfig({ cron: { [name]: definition } }, `cron job "${name}"`, null);
  const [spec] = cronSpecsOf(config, baseDir);
  if (!spec) throw new TendError('TEND_USAGE', { message: `no definition for ${name}` });
  return spec;
}

export function configJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}
