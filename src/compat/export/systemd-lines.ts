/**
 * The lines of systemd units the export writes: command lines in systemd's quoting, hooks as
 * Exec lines, a readiness check as a wait, the environment.
 */
import path from 'node:path';
import type { ServiceConfig } from '../../config/schema.ts';
import type { ExportContext } from './exporter.ts';
import { envOf, type HookConfig, probeOf } from './model.ts';

/** One word of a command line as systemd reads it: quoted when needed, `$` and `%` doubled. */
export function unitWord(word: string): string {
  const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
  if (escaped !== '' && !/[\s"'\\;]/.test(escaped)) return escaped;
  return `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

export const commandLine = (argv: readonly string[]) => argv.map(unitWord).join(' ');

/** systemd wants a program by name or absolute path; tend runs `bin/x` from the service's folder. */
export function execArgv(argv: readonly string[], cwd: string): string[] {
  const [program = '', ...rest] = argv;
  return [program.includes('/') && !path.isAbsolute(program) ? path.resolve(cwd, program) : program, ...rest];
}
export const sh = (script: string) => commandLine(['/bin/sh', '-c', script]);
export const secs = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

export function hookLines(
  key: string,
  hooks: readonly HookConfig[] | undefined,
  where: string,
  unmapped: string[],
): string[] {
  return (hooks ?? []).map((h) => {
    if (h.run_mode === 'async') unmapped.push(`${where}.${h.name}: systemd waits for every Exec line`);
    if (h.failure_mode === 'retry') unmapped.push(`${where}.${h.name}: failure_mode "retry" runs it once`);
    // "-" before the command: systemd ignores its failure
    return `${key}=${h.failure_mode === 'ignore' ? '-' : ''}${sh(h.command)}`;
  });
}

/** A wait for a readiness check, as a shell loop (bash's /dev/tcp for tcp, curl for http). */
export function readinessWait(ready: ServiceConfig['ready']): string | null {
  const p = probeOf(ready);
  if (!p) return null;
  const every = ready?.interval ? ready.interval / 1000 : 0.25;
  if (p.kind === 'exec') return sh(`until ${p.command}; do sleep ${every}; done`);
  if (p.kind === 'http') return sh(`until curl -fsS -o /dev/null '${p.url}'; do sleep ${every}; done`);
  const host = p.url.slice(0, p.url.lastIndexOf(':')).replace(/^\[|\]$/g, '');
  return commandLine([
    '/bin/bash',
    '-c',
    `until (echo > /dev/tcp/${host}/${p.port}) 2>/dev/null; do sleep ${every}; done`,
  ]);
}

export function envLines(
  p: { env?: Record<string, string>; env_file?: string | string[] },
  ctx: ExportContext,
  where: string,
  unmapped: string[],
): string[] {
  const files = p.env_file === undefined ? [] : Array.isArray(p.env_file) ? p.env_file : [p.env_file];
  const fromFiles = envOf({ env_file: p.env_file }, ctx.dir);
  for (const k of Object.keys(p.env ?? {})) {
    if (k in fromFiles)
      unmapped.push(
        `${where}.env.${k}: systemd lets EnvironmentFile= win over Environment=, tend the other way`,
      );
  }
  return [
    ...files.map((f) => `EnvironmentFile=${path.resolve(ctx.dir, f)}`),
    ...Object.entries(p.env ?? {}).map(([k, v]) => `Environment=${unitWord(`${k}=${v}`)}`),
  ];
}
