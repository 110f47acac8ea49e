/**
 * The contract of an importer: it reads another supervisor's files and returns tend config
 * data (validated later by the one schema) plus a note for every setting it could not carry
 * over exactly. One file per format beside this one.
 */
import path from 'node:path';
import type { z } from 'zod';
import type { ConfigInput, cronSchema, jobSchema, ServiceInput } from '../../config/schema.ts';

export const importFormats = [
  'pm2',
  'procfile',
  'process-compose',
  'supervisord',
  'provisr',
  'zinit',
] as const;
export type ImportFormat = (typeof importFormats)[number];

export type JobInput = z.input<typeof jobSchema>;
export type CronInput = z.input<typeof cronSchema>;

/** A setting that did not convert exactly: approximated (kept, with a difference) or unsupported (left out). */
export interface ImportNote {
  readonly kind: 'approximated' | 'unsupported';
  /** The tend table it belongs to (`services.web`), or null for the file as a whole. */
  readonly where: string | null;
  /** The source setting as written there, with its file (and line when known). */
  readonly source: string;
  readonly message: string;
}

export interface ImportOptions {
  /** The folder the tend config is written to: paths are made relative to it. */
  readonly outDir: string;
  /** PM2's `--env NAME`: merge `env_NAME` over `env`. */
  readonly env?: string;
}

export interface Imported {
  readonly config: ConfigInput & {
    services: Record<string, ServiceInput>;
    jobs: Record<string, JobInput>;
    cron: Record<string, CronInput>;
    groups: Record<string, { members: string[]; description?: string }>;
  };
  readonly notes: ImportNote[];
  /** How many source settings became tend settings exactly. */
  converted: number;
}

export interface Importer {
  readonly format: ImportFormat;
  readonly title: string;
  /** The keys it reads, for the docs' tables: source key → what it becomes. */
  readonly keys: readonly (readonly [key: string, becomes: string])[];
  read(files: readonly string[], options: ImportOptions): Promise<Imported>;
}

export function emptyImport(): Imported {
  return { config: { services: {}, jobs: {}, cron: {}, groups: {} }, notes: [], converted: 0 };
}

/** Records what happened to each source setting while an importer maps it. */
export class ImportLog {
  readonly result: Imported;
  readonly #file: string;

  constructor(result: Imported, file: string) {
    this.result = result;
    this.#file = file;
  }

  /** The same log for another source file. */
  forFile(file: string): ImportLog {
    return new ImportLog(this.result, file);
  }

  ok(count = 1): void {
    this.result.converted += count;
  }

  approx(where: string | null, key: string, message: string): void {
    this.result.notes.push({ kind: 'approximated', where, source: this.#at(key), message });
  }

  unsupported(where: string | null, key: string, message = 'has no tend equivalent'): void {
    this.result.notes.push({ kind: 'unsupported', where, source: this.#at(key), message });
  }

  #at(key: string): string {
    return `${path.basename(this.#file)}${key ? ` ${key}` : ''}`;
  }
}

/** `services.NAME` as the notes name a table. */
export const serviceWhere = (name: string) => `services.${name}`;

/** A path of the source (relative to its file's folder) as the tend config must write it. */
export function relativePath(sourceFile: string, p: string, outDir: string): string {
  const abs = path.resolve(path.dirname(sourceFile), p);
  if (path.isAbsolute(p)) return p;
  const rel = path.relative(outDir, abs);
  return rel === '' ? '.' : rel;
}

/** A name tend accepts: characters outside its alphabet become "-". */
export function tendName(name: string): string {
  const cleaned = name
    .trim()
    .replace(/[^A-Za-z0-9_.@-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^A-Za-z0-9_]+/, '')
    .slice(0, 100);
  return cleaned || 'service';
}

/** A JS value as the string an env table holds. */
export function envString(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** `KEY=VALUE` items (provisr, process-compose) as an env table. */
export function envFromList(list: readonly unknown[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const item of list) {
    const text = String(item);
    const eq = text.indexOf('=');
    if (eq > 0) env[text.slice(0, eq)] = text.slice(eq + 1);
  }
  return env;
}

/** Milliseconds as a tend duration string. */
export function ms(n: number): string {
  if (n % 1000 === 0) return `${n / 1000}s`;
  return `${Math.round(n)}ms`;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
