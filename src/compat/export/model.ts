/**
 * What every exporter reads from a tend config: the config validated by tend's own loader, and
 * per service its argv, its environment (env_file merged under env), the ports its checks
 * probe (a service that is probed on a port listens there) and its dependencies by name.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseEnvFile } from '../../config/env-file.ts';
import { findConfig } from '../../config/index.ts';
import { formatOf, loadParsers, parseText } from '../../config/parse.ts';
import type { Config, ServiceConfig } from '../../config/schema.ts';
import { validateConfig } from '../../config/validate.ts';
import { commandArgv } from '../../core/service-spec.ts';
import { importFile } from '../../native/single-executable.ts';

export type HookConfig = NonNullable<NonNullable<ServiceConfig['hooks']>['pre_start']>[number];

export async function readConfig(file?: string): Promise<{ file: string; dir: string; config: Config }> {
  const abs = file ? path.resolve(file) : findConfig(process.cwd());
  const format = formatOf(abs);
  await loadParsers([format]);
  let data: unknown;
  let locate = null;
  if (format) {
    const parsed = parseText(readFileSync(abs, 'utf8'), format, abs);
    data = parsed.data;
    locate = parsed.locate;
  } else {
    data = ((await importFile(pathToFileURL(abs).href)) as { default?: unknown }).default ?? {};
  }
  return { file: abs, dir: path.dirname(abs), config: validateConfig(data, abs, locate) };
}

export function argvOf(p: { command?: string; args?: string[] }): string[] {
  return p.args ?? commandArgv(p.command ?? '');
}

export function envOf(
  p: { env?: Record<string, string>; env_file?: string | string[] },
  dir: string,
): Record<string, string> {
  const files = p.env_file === undefined ? [] : Array.isArray(p.env_file) ? p.env_file : [p.env_file];
  const env: Record<string, string> = {};
  for (const f of files) {
    const abs = path.resolve(dir, f);
    if (existsSync(abs)) Object.assign(env, parseEnvFile(readFileSync(abs, 'utf8')));
  }
  return { ...env, ...(p.env ?? {}) };
}

export interface Probe {
  readonly kind: 'tcp' | 'http' | 'exec';
  readonly port: number | null;
  readonly path: string;
  readonly command: string;
  readonly url: string;
}

/** A tcp/http/exec check as its parts; null for the kinds only tend has (log, notify, ipc). */
export function probeOf(p: { tcp?: string; http?: string; exec?: string } | undefined): Probe | null {
  if (!p) return null;
  if (p.tcp) {
    const port = Number(p.tcp.slice(p.tcp.lastIndexOf(':') + 1));
    return { kind: 'tcp', port, path: '', command: '', url: p.tcp };
  }
  if (p.http) {
    const u = new URL(p.http);
    const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
    return { kind: 'http', port, path: `${u.pathname}${u.search}`, command: '', url: p.http };
  }
  if (p.exec) return { kind: 'exec', port: null, path: '', command: p.exec, url: '' };
  return null;
}

/** The ports a service is probed on: it listens there. */
export function portsOf(s: ServiceConfig): number[] {
  const ports = [probeOf(s.ready), probeOf(s.health)].flatMap((p) => (p?.port ? [p.port] : []));
  return [...new Set(ports)];
}

export function depNames(d: ServiceConfig['requires']): string[] {
  return d === undefined ? [] : Array.isArray(d) ? d : Object.keys(d);
}

export function conditionOf(d: ServiceConfig['requires'], name: string): string {
  if (!d || Array.isArray(d)) return 'ready';
  const entry = d[name];
  return typeof entry === 'string' ? entry : (entry?.condition ?? 'ready');
}

/** A name as DNS labels want it (Kubernetes objects, systemd units): lower case, a-z0-9 and "-". */
export function dnsName(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63) || 'service'
  );
}

export const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** The keys of a service that an exporter maps; the rest are listed as not mapped. */
export function unmappedKeys(
  where: string,
  table: Record<string, unknown>,
  mapped: ReadonlySet<string>,
  why: Readonly<Record<string, string>> = {},
): string[] {
  return Object.keys(table)
    .filter((k) => table[k] !== undefined && !mapped.has(k) && k !== 'description')
    .map((k) => `${where}.${k}${why[k] ? `: ${why[k]}` : ''}`);
}
