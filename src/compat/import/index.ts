/**
 * `tend import`'s engine: read the files with their format's importer, then settle the result
 * against tend's schema (a value the schema refuses is left out with a note, never kept
 * silently wrong), and render it in the chosen format with the notes as comments.
 */
import path from 'node:path';
import { loadParsers } from '../../config/parse.ts';
import { validateConfig } from '../../config/validate.ts';
import { TendError } from '../../core/errors.ts';
import { detectFormat } from './detect.ts';
import type { Imported, Importer, ImportFormat, ImportNote } from './importer.ts';
import { pm2 } from './pm2.ts';
import { processCompose } from './process-compose.ts';
import { procfile } from './procfile.ts';
import { provisr } from './provisr.ts';
import { supervisord } from './supervisord.ts';
import { zinit } from './zinit.ts';

export const importers: Readonly<Record<ImportFormat, Importer>> = {
  pm2,
  procfile,
  'process-compose': processCompose,
  supervisord,
  provisr,
  zinit,
};

export interface ImportRequest {
  readonly files: readonly string[];
  readonly from?: ImportFormat;
  readonly outFile: string;
  readonly env?: string;
}

export interface ImportOutcome extends Imported {
  readonly format: ImportFormat;
}

export async function importFiles(req: ImportRequest): Promise<ImportOutcome> {
  await loadParsers();
  const files = req.files.map((f) => path.resolve(f));
  const format = req.from ?? sameFormat(files);
  const importer = importers[format];
  const result = await importer.read(files, {
    outDir: path.dirname(path.resolve(req.outFile)),
    env: req.env,
  });
  settle(result, req.outFile);
  result.config.services = dependenciesFirst(result.config.services);
  return { ...result, format };
}

/** Services in an order where each comes after what it depends on: the file reads top down. */
function dependenciesFirst<S extends { requires?: unknown; wants?: unknown; after?: unknown }>(
  services: Record<string, S>,
): Record<string, S> {
  const names = (d: unknown) =>
    Array.isArray(d) ? d.map(String) : d && typeof d === 'object' ? Object.keys(d) : [];
  const out: Record<string, S> = {};
  const visiting = new Set<string>();
  const visit = (name: string) => {
    const s = services[name];
    if (!s || name in out || visiting.has(name)) return;
    visiting.add(name);
    for (const d of [...names(s.requires), ...names(s.wants), ...names(s.after)]) visit(d);
    out[name] = s;
  };
  for (const name of Object.keys(services)) visit(name);
  return out;
}

function sameFormat(files: readonly string[]): ImportFormat {
  const formats = files.map(detectFormat);
  const first = formats[0];
  if (!first) throw new TendError('TEND_USAGE', { message: 'give at least one file to import' });
  const other = formats.findIndex((f) => f !== first);
  if (other >= 0) {
    throw new TendError('TEND_USAGE', {
      message: `${files[0]} is ${first} but ${files[other]} is ${formats[other]}: import one format at a time, or name it with --from`,
    });
  }
  return first;
}

/** Parses `services.web.ready` or `services["a b"].x` (the config's issue paths) into keys. */
function pathKeys(p: string): string[] {
  return [...p.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g)].map((m) =>
    m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : (m[2] ?? m[3] ?? ''),
  );
}

/**
 * Validates the data the way `tend config check` will; each field it refuses is taken out and
 * noted, and the check runs again, until it passes.
 */
function settle(result: Imported, outFile: string): void {
  for (let round = 0; round < 50; round++) {
    try {
      validateConfig(result.config, outFile, null);
      return;
    } catch (e) {
      if (!(e instanceof TendError) || e.code !== 'TEND_CONFIG_INVALID') throw e;
      const issues = (e.data.issues ?? []) as { path: string; message: string }[];
      if (issues.length === 0) throw e;
      for (const issue of issues) {
        const keys = pathKeys(issue.path);
        if (!drop(result.config as Record<string, unknown>, keys)) throw e;
        const where = keys.length >= 2 ? `${keys[0]}.${keys[1]}` : null;
        result.notes.push({
          kind: 'unsupported',
          where,
          source: issue.path,
          message: `left out: tend refuses the value (${issue.message})`,
        } satisfies ImportNote);
      }
    }
  }
}

function drop(root: Record<string, unknown>, keys: readonly string[]): boolean {
  if (keys.length === 0) return false;
  let node: unknown = root;
  for (const k of keys.slice(0, -1)) {
    if (typeof node !== 'object' || node === null) return false;
    node = (node as Record<string, unknown>)[k];
  }
  const last = keys[keys.length - 1] ?? '';
  if (typeof node !== 'object' || node === null || !(last in node)) return false;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete (node as Record<string, unknown>)[last];
  return true;
}
