/**
 * The one schema of tend's config files (snake_case, as written in TOML, YAML, JSON and
 * tend.config.ts). It gives the TypeScript types, the validation with precise issues, and the
 * published JSON Schema. Jobs, cron jobs and groups will join `services` at the top level.
 */
import { z } from 'zod';
import { nameProblem } from '../core/names.ts';
import { normalizeSignal } from '../process/group.ts';
import { parseDuration } from './duration.ts';

const durationHelp = 'a duration like "500ms", "5s", "1m30s" or a number of seconds';

/** A duration in the file; milliseconds after parsing. */
export const duration = z
  .union([z.number(), z.string()])
  .describe(durationHelp)
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({
        code: 'custom',
        message: `expected ${durationHelp}, got ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return ms;
  });

const signal = z
  .string()
  .describe('a signal name such as "SIGTERM", "TERM" or "INT"')
  .transform((value, ctx) => {
    const sig = normalizeSignal(value);
    if (!sig) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a signal name such as "SIGTERM", "SIGINT" or "SIGHUP", got ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return sig;
  });

const envValue = z.union([z.string(), z.number(), z.boolean()]).transform(String);

export const backoffSchema = z.strictObject({
  factor: z.number().min(1).default(2).describe('each restart waits this many times longer than the last'),
  max: duration.default(30).describe('the longest delay; a run this long resets the backoff'),
});

export const serviceSchema = z
  .strictObject({
    description: z.string().optional(),
    command: z
      .string()
      .min(1)
      .optional()
      .describe('a command line; run by /bin/sh -c only if it has shell syntax'),
    args: z.array(z.string()).min(1).optional().describe('the program and its arguments'),
    cwd: z.string().optional().describe('working directory, relative to the config file'),
    env: z.record(z.string(), envValue).optional(),
    env_file: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('dotenv file(s) read before env'),
    user: z.string().min(1).optional(),
    group: z.string().min(1).optional(),
    instances: z.number().int().min(1).max(1000).optional(),
    class: z.enum(['user', 'system']).optional(),
    critical: z.boolean().optional(),
    autostart: z.boolean().optional(),
    restart: z.enum(['always', 'on-failure', 'never']).optional(),
    restart_delay: duration.optional(),
    backoff: z.union([z.literal(false), backoffSchema]).optional(),
    max_restarts: z.number().int().min(0).optional(),
    restart_window: duration.optional(),
    success_exit_codes: z.array(z.number().int().min(0).max(255)).optional(),
    stop_signal: signal.optional(),
    stop_timeout: duration.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.command === undefined && s.args === undefined) {
      ctx.addIssue({ code: 'custom', message: 'a service needs "command" (a string) or "args" (an array)' });
    }
    if (s.command !== undefined && s.args !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either "command" or "args", not both' });
    }
  });

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    services: z.record(z.string(), serviceSchema).default({}),
  })
  .superRefine((c, ctx) => {
    for (const name of Object.keys(c.services)) {
      const why = nameProblem(name);
      if (why)
        ctx.addIssue({ code: 'custom', path: ['services', name], message: `invalid service name: ${why}` });
    }
  });

export type ServiceInput = z.input<typeof serviceSchema>;
export type ServiceConfig = z.output<typeof serviceSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type Config = z.output<typeof configSchema>;

/** The keys an object at a config path may have, for "did you mean" on unknown keys. */
export function allowedKeys(path: readonly PropertyKey[]): string[] {
  if (path.length === 0) return Object.keys(configSchema.shape);
  if (path.length === 2 && path[0] === 'services') return Object.keys(serviceSchema.shape);
  if (path.length === 3 && path[0] === 'services' && path[2] === 'backoff')
    return Object.keys(backoffSchema.shape);
  return [];
}

/** For tend.config.ts: `export default defineConfig({ services: { … } })`, fully typed. */
export function defineConfig(config: ConfigInput): ConfigInput {
  return config;
}
