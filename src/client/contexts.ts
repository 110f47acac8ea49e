/**
 * The contexts file, `~/.config/tend/contexts.toml`: named remote tends, kubectl-style:
 *
 *   current = "prod"
 *   [contexts.prod]
 *   host = "https://box:8443"
 *   token_file = "~/.config/tend/prod.token"   # or token = "…"
 *   ca = "~/.config/tend/prod.crt"
 */
import { existsSync, readFileSync } from 'node:fs';
import { parse, stringify } from 'smol-toml';
import { z } from 'zod';
import { TendError } from '../core/errors.ts';
import { nameProblem } from '../core/names.ts';
import { writePrivateFile } from '../process/write-private.ts';
import { contextsPath } from './remote-choice.ts';

const contextSchema = z.strictObject({
  host: z.string().url(),
  token: z.string().min(1).optional(),
  token_file: z.string().min(1).optional(),
  ca: z.string().min(1).optional(),
  insecure: z.boolean().optional(),
});
export type Context = z.infer<typeof contextSchema>;

const fileSchema = z.strictObject({
  current: z.string().optional(),
  contexts: z.record(z.string(), contextSchema).default({}),
});
export type ContextsFile = z.infer<typeof fileSchema>;

export function readContexts(file: string = contextsPath()): ContextsFile {
  if (!existsSync(file)) return { contexts: {} };
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw invalid(file, (e as Error).message);
  }
  const parsed = fileSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw invalid(file, `${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

export function writeContexts(file: string, contents: ContextsFile): void {
  // tokens may be in it: readable by its owner only
  writePrivateFile(file, stringify(contents));
}

export function assertContextName(name: string): void {
  const why = nameProblem(name);
  if (why) throw new TendError('TEND_NAME_INVALID', { name, why });
}

function invalid(file: string, why: string): TendError {
  return new TendError('TEND_CONFIG_INVALID', {
    file,
    details: `${file}: ${why}`,
    issues: [{ file, line: null, column: null, path: '', message: why }],
  });
}
