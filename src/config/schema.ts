/**
 * The one schema of tend's config files (snake_case, as written in TOML, YAML, JSON and
 * tend.config.ts). It gives the TypeScript types, the validation with precise issues, and the
 * published JSON Schema: services, jobs, cron jobs, groups and the HTTP server at the top level.
 */
import { z } from 'zod';
import { envValueProblem } from '../core/env-expand.ts';
import { nameProblem } from '../core/names.ts';
import { parseSchedule } from '../core/schedule.ts';
import { durationHelp, parseDuration, parseSize, sizeHelp } from '../core/units.ts';
import { normalizeSignal } from '../process/group.ts';
import { fdSchema, onDemandSchema, serviceFdsSchema, socketsSchema } from './fds-schema.ts';

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

/** A value, with `${NAME}`, `${NAME:-default}` and `$$` expanded for each instance (core/env-expand.ts). */
const envValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(String)
  .superRefine((value, ctx) => {
    const why = envValueProblem(value);
    if (why) ctx.addIssue({ code: 'custom', message: why, input: value });
  });

export const backoffSchema = z.strictObject({
  factor: z.number().min(1).default(2).describe('each restart waits this many times longer than the last'),
  max: duration.default(30).describe('the longest delay; a run this long resets the backoff'),
});

const condition = z.enum(['started', 'ready', 'completed', 'completed_successfully']);
/** `{ condition = "ready", restart = true }`: restart = true restarts the dependent when this one restarts. */
const dependencyEntry = z.strictObject({
  condition: condition.optional().describe("what to wait for (the field's default when left out)"),
  restart: z
    .boolean()
    .optional()
    .describe(
      "requires only: restart this service when the dependency restarts (compose's depends_on.restart)",
    ),
});
/** `["db"]`, `{ db = "ready", migrate = "completed_successfully" }`, or `{ db = { condition = "ready", restart = true } }`. */
const dependencies = z.union([
  z.array(z.string()),
  z.record(z.string(), z.union([condition, dependencyEntry])),
]);

const tcpTarget = z.string().regex(/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/, {
  message: 'expected "host:port", such as "127.0.0.1:5432"',
});

const probeKeys = ['tcp', 'http', 'exec'] as const;
const readyKinds = [...probeKeys, 'log', 'notify', 'ipc'] as const;

function exactlyOne(keys: readonly string[], what: string) {
  return (o: Record<string, unknown>, ctx: z.core.$RefinementCtx) => {
    const given = keys.filter((k) => o[k] !== undefined);
    if (given.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `${what} needs exactly one of ${keys.map((k) => `"${k}"`).join(', ')}${given.length ? `, got ${given.join(' and ')}` : ''}`,
      });
    }
  };
}

const validRegex = z.string().refine(
  (v) => {
    try {
      new RegExp(v);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a valid regular expression' },
);

export const readySchema = z
  .strictObject({
    tcp: tcpTarget.optional().describe('ready when host:port accepts connections'),
    http: z.url().optional().describe('ready when the URL answers 2xx/3xx (or `status`)'),
    status: z
      .number()
      .int()
      .min(100)
      .max(599)
      .optional()
      .describe('with http: the status that counts (any 2xx/3xx)'),
    exec: z.string().min(1).optional().describe('ready when the command exits 0'),
    log: validRegex.optional().describe('ready when a line of output matches this regular expression'),
    notify: z
      .literal(true)
      .optional()
      .describe('ready when the service writes a line to the fd in TEND_NOTIFY_FD'),
    ipc: z.literal(true).optional().describe("ready when a Node child calls process.send('ready')"),
    interval: duration.optional().describe('how often a tcp/http/exec check is retried (default 250ms)'),
  })
  .superRefine(exactlyOne(readyKinds, 'ready'));

export const healthSchema = z
  .strictObject({
    tcp: tcpTarget.optional().describe('healthy while host:port accepts connections'),
    http: z.url().optional().describe('healthy while the URL answers 2xx/3xx (or `status`)'),
    status: z.number().int().min(100).max(599).optional().describe('with http: the status that counts'),
    exec: z.string().min(1).optional().describe('healthy while the command exits 0'),
    interval: duration.optional().describe('time between checks (default 10s)'),
    timeout: duration.optional().describe('a check that takes longer fails (default 2s)'),
    retries: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('consecutive failures that restart the service (default 3)'),
    start_period: duration
      .optional()
      .describe('time after readiness before the first check (default: interval)'),
  })
  .superRefine(exactlyOne(probeKeys, 'health'));

const size = z
  .union([z.number(), z.string()])
  .describe(sizeHelp)
  .transform((value, ctx) => {
    const bytes = parseSize(value);
    if (bytes === null) {
      ctx.addIssue({
        code: 'custom',
        message: `expected ${sizeHelp}, got ${JSON.stringify(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return bytes;
  });

export const logsSchema = z.strictObject({
  buffer_lines: z
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe('lines kept in memory for `tend logs` (1000)'),
  buffer_size: size.optional().describe('bytes kept in memory at most (1MiB)'),
  file: z.string().optional().describe('the log file (default: LOG_DIR/NAME.log), relative to the config'),
  max_size: size.optional().describe('rotate when the file would grow past this (50MiB; 0: never)'),
  keep: z.number().int().min(0).max(1000).optional().describe('rotated files kept (5)'),
  compress: z.boolean().optional().describe('gzip rotated files'),
  split: z.boolean().optional().describe('stderr in NAME.err.log instead of the same file'),
  timestamps: z.boolean().optional().describe('prefix each line in the file with its time'),
  max_line: size.optional().describe('longer lines are cut into pieces, never dropped (64KiB)'),
});

const scheduleText = z.string().min(1).describe('cron: 5 or 6 fields, @hourly, @daily…, or "@every 30s"');

export const hookSchema = z.strictObject({
  name: z.string().min(1).max(100).describe('shown in the log and in errors'),
  command: z.string().min(1).describe('a command line (run by /bin/sh -c when it has shell syntax)'),
  failure_mode: z
    .enum(['fail', 'ignore', 'retry'])
    .optional()
    .describe('"fail" (default): the phase fails; "ignore"; "retry": three tries, then fail'),
  run_mode: z
    .enum(['blocking', 'async'])
    .optional()
    .describe('"blocking" (default): the phase waits for it; "async": started and left to finish'),
  timeout: duration.optional().describe('killed (with its group) after this long (30s)'),
});

export const hooksSchema = z.strictObject({
  pre_start: z
    .array(hookSchema)
    .optional()
    .describe('before the process starts; a failing one prevents the start'),
  post_start: z
    .array(hookSchema)
    .optional()
    .describe('once the service is ready; a failing one stops it as failed'),
  pre_stop: z.array(hookSchema).optional().describe('before the stop signal (within stop_timeout)'),
  post_stop: z.array(hookSchema).optional().describe('after the process has ended'),
});

/** What a process is, for a service and for a job alike. */
const processFields = {
  description: z.string().optional().describe('what it is for, shown by tend status'),
  command: z
    .string()
    .min(1)
    .optional()
    .describe('a command line; run by /bin/sh -c only if it has shell syntax'),
  args: z.array(z.string()).min(1).optional().describe('the program and its arguments'),
  cwd: z
    .string()
    .optional()
    .describe(
      "working directory, relative to the config file (default: the config's folder; tend add: the folder it is typed in)",
    ),
  env: z.record(z.string(), envValue).optional().describe(
    // biome-ignore lint/suspicious/noTemplateCurlyInString: tend's ${…} syntax, described
    "environment variables, over tend's own (and env_file's); a value may use ${NAME} and ${NAME:-default} (TEND_INSTANCE, TEND_SERVICE, a key written before it, tend's environment) and $$ for a literal $",
  ),
};

/** Exactly one of `command` and `args`. */
function commandOrArgs(what: string) {
  return (s: { command?: unknown; args?: unknown }, ctx: z.core.$RefinementCtx) => {
    if (s.command === undefined && s.args === undefined) {
      ctx.addIssue({ code: 'custom', message: `${what} needs "command" (a string) or "args" (an array)` });
    }
    if (s.command !== undefined && s.args !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'give either "command" or "args", not both' });
    }
  };
}

export const serviceSchema = z
  .strictObject({
    ...processFields,
    env_file: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .describe('dotenv file(s) read before env'),
    user: z.string().min(1).optional().describe('run as this user, a name or uid (tend runs as root)'),
    group: z.string().min(1).optional().describe("run with this group, a name or gid (the user's)"),
    instances: z
      .number()
      .int()
      .min(1)
      .max(1000)
      .optional()
      .describe('replicas NAME:0 … NAME:N-1, each with TEND_INSTANCE (1)'),
    class: z
      .enum(['user', 'system'])
      .optional()
      .describe('"system": spared by bulk stops such as tend stop all ("user")'),
    critical: z.boolean().optional().describe('tend up and tend init end with status 1 when it fails'),
    autostart: z.boolean().optional().describe('start with tend (true); false: only when asked'),
    restart: z
      .enum(['always', 'on-failure', 'never'])
      .optional()
      .describe('when an exit is followed by a restart ("on-failure")'),
    restart_delay: duration.optional().describe('the wait before the first restart (100ms)'),
    backoff: z
      .union([z.literal(false), backoffSchema])
      .optional()
      .describe('longer waits after each restart: { factor, max }, or false for restart_delay each time'),
    max_restarts: z
      .number()
      .int()
      .min(0)
      .optional()
      .describe('restarts within restart_window before the service is failed (10)'),
    restart_window: duration.optional().describe('the window max_restarts counts in (1m)'),
    success_exit_codes: z
      .array(z.number().int().min(0).max(255))
      .optional()
      .describe('exit codes that count as success ([0])'),
    stop_signal: signal.optional().describe('the signal that asks it to stop (SIGTERM)'),
    stop_timeout: duration.optional().describe('from the stop signal to SIGKILL of the group (10s)'),
    oneshot: z.boolean().optional().describe('runs to completion: restart = "never"'),
    requires: dependencies
      .optional()
      .describe('start after these reach their condition (default "ready"); fail if they fail'),
    wants: dependencies
      .optional()
      .describe('start these too and wait for them (default "started"), never fail for them'),
    after: z.array(z.string()).optional().describe('ordering only: wait for these if they are starting'),
    conflicts: z.array(z.string()).optional().describe('stop these when this one starts'),
    ready: readySchema
      .optional()
      .describe('when it is ready: one of tcp, http, exec, log, notify, ipc (none: when spawned)'),
    start_seconds: duration.optional().describe('without `ready`: ready after staying up this long'),
    start_timeout: duration
      .optional()
      .describe('not ready this long after spawn: stopped and treated as a failure'),
    health: healthSchema
      .optional()
      .describe('liveness: one of tcp, http, exec; `retries` failures in a row restart it'),
    logs: logsSchema.optional().describe('its output: the buffer in memory, the file and its rotation'),
    hooks: hooksSchema.optional().describe('commands run around its start and stop'),
    cron_restart: scheduleText
      .optional()
      .refine(
        (v) => {
          try {
            if (v !== undefined) parseSchedule(v);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'expected a cron schedule: 5 or 6 fields, @hourly, @daily…, or "@every 30s"' },
      )
      .describe('restart on this schedule while running'),
    watch: z
      .union([
        z.boolean(),
        z.array(z.string().min(1)).min(1),
        z.strictObject({
          paths: z.array(z.string().min(1)).min(1).describe('folders, files or globs, relative to cwd'),
          ignore: z
            .array(z.string().min(1))
            .optional()
            .describe('globs to leave out (node_modules and .git always are)'),
          debounce: duration.optional().describe('a burst of changes ends after this quiet time (500ms)'),
        }),
      ])
      .optional()
      .describe(
        'restart when files change: true (the cwd), a list of paths/globs, or { paths, ignore, debounce }',
      ),
    max_memory: size.optional().describe("restart an instance whose process group's RSS is over this"),
    max_memory_check: duration.optional().describe('how often RSS is read for max_memory (5s)'),
    fds: serviceFdsSchema.optional(),
    sockets: socketsSchema.optional(),
    on_demand: onDemandSchema.optional(),
    controller: z
      .union([z.boolean(), z.enum(['tsv', 'json'])])
      .optional()
      .describe(
        'a controller: tend\'s events on its stdin (true or "tsv": tab-separated; "json": JSON-RPC notifications), its stdout read as commands',
      ),
  })
  .superRefine(commandOrArgs('a service'));

const positiveSeconds = z
  .number()
  .positive()
  .max(10 * 365 * 86400);

export const jobSchema = z
  .strictObject({
    ...processFields,
    parallelism: z.number().int().min(1).max(1000).optional().describe('pods running at once at most (1)'),
    completions: z.number().int().min(1).max(100_000).optional().describe('successful pods needed (1)'),
    backoff_limit: z
      .number()
      .int()
      .min(0)
      .max(10_000)
      .optional()
      .describe('failures before the job is Failed (6)'),
    backoff_delay: duration
      .optional()
      .describe('the first retry waits this long, doubling each time up to 1m (1s)'),
    completion_mode: z
      .enum(['NonIndexed', 'Indexed'])
      .optional()
      .describe('Indexed: each pod gets TEND_JOB_INDEX 0..completions-1, each index completes once'),
    restart_policy: z
      .enum(['Never', 'OnFailure'])
      .optional()
      .describe('a failed pod: "Never" (default) starts a new pod, "OnFailure" restarts the same'),
    active_deadline_seconds: positiveSeconds
      .optional()
      .describe('then every pod is stopped: Failed, DeadlineExceeded'),
    ttl_seconds_after_finished: z
      .number()
      .min(0)
      .optional()
      .describe('a finished run is deleted this long after'),
    stop_signal: signal.optional().describe('the signal that stops a pod (SIGTERM)'),
    stop_timeout: duration.optional().describe('from the stop signal to SIGKILL of the pod (10s)'),
    autostart: z.boolean().optional().describe('[jobs.NAME]: run when tend starts (true)'),
    hooks: hooksSchema.optional().describe('commands run around each pod'),
  })
  .superRefine(commandOrArgs('a job'));
export type JobConfig = z.output<typeof jobSchema>;

export const cronSchema = z
  .strictObject({
    description: z.string().optional().describe('what it is for, shown by tend cron ls'),
    schedule: scheduleText,
    time_zone: z
      .string()
      .min(1)
      .optional()
      .describe('an IANA time zone such as "Europe/Berlin" (tend\'s own)'),
    concurrency_policy: z
      .enum(['Allow', 'Forbid', 'Replace'])
      .optional()
      .describe('when the last run still runs: start another (Allow), skip (Forbid) or stop it (Replace)'),
    suspend: z.boolean().optional().describe('no runs are scheduled while true (false)'),
    successful_jobs_history_limit: z
      .number()
      .int()
      .min(0)
      .max(1000)
      .optional()
      .describe('finished runs kept (3)'),
    failed_jobs_history_limit: z.number().int().min(0).max(1000).optional().describe('failed runs kept (1)'),
    starting_deadline_seconds: positiveSeconds
      .optional()
      .describe('a run later than this after its time (tend was down) is skipped'),
    hooks: hooksSchema.optional().describe("merged with the job template's, the cron job's first"),
    job_template: jobSchema.describe('the job each run is: the keys of [jobs.NAME]'),
  })
  .superRefine((c, ctx) => {
    try {
      parseSchedule(c.schedule, c.time_zone ?? null);
    } catch (e) {
      const zone = (e as Error).message.startsWith('unknown time zone');
      ctx.addIssue({
        code: 'custom',
        path: [zone ? 'time_zone' : 'schedule'],
        message: (e as Error).message,
      });
    }
  });
export type CronConfig = z.output<typeof cronSchema>;

/** `host:port`; IPv6 hosts in brackets. */
const listenAddress = z.string().regex(/^(\[[0-9a-fA-F:.]+\]|[^:\s[\]]+):\d{1,5}$/, {
  message: 'expected "host:port", such as "127.0.0.1:8080" or "[::]:8443"',
});

/**
 * A browser origin as the `Origin` header carries it: scheme, host and port, nothing else, so
 * that a comparison with the header is exact.
 */
const webOrigin = z.string().superRefine((v, ctx) => {
  let url: URL | null = null;
  try {
    url = new URL(v);
  } catch {
    // reported below
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    ctx.addIssue({
      code: 'custom',
      message: `expected an origin such as "https://ops.example:8443", got ${JSON.stringify(v)}`,
    });
  } else if (url.origin !== v) {
    ctx.addIssue({
      code: 'custom',
      message: `an origin is scheme://host[:port] with no path or trailing slash: write ${JSON.stringify(url.origin)}, not ${JSON.stringify(v)}`,
    });
  }
});

export const tlsSchema = z
  .strictObject({
    cert_file: z.string().min(1).optional().describe('the certificate chain (PEM), relative to the config'),
    key_file: z.string().min(1).optional().describe('its private key (PEM)'),
    dir: z.string().min(1).optional().describe('a folder holding tls.crt and tls.key'),
    auto_generate: z
      .boolean()
      .optional()
      .describe('a self-signed certificate made on first start in the state dir, reused after'),
    names: z
      .array(z.string().min(1).max(253))
      .min(1)
      .optional()
      .describe(
        'DNS names and IP addresses of the generated certificate (default: localhost, 127.0.0.1, ::1 and the host name)',
      ),
    min_version: z
      .enum(['TLSv1.2', 'TLSv1.3'])
      .optional()
      .describe('the oldest TLS version accepted (TLSv1.2); 1.3 is preferred'),
  })
  .superRefine((t, ctx) => {
    const ways = [
      t.cert_file !== undefined || t.key_file !== undefined ? 'cert_file/key_file' : null,
      t.dir !== undefined ? 'dir' : null,
      t.auto_generate ? 'auto_generate' : null,
    ].filter((w) => w !== null);
    if (ways.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `tls needs exactly one of cert_file and key_file, dir, or auto_generate = true${ways.length ? `, got ${ways.join(' and ')}` : ''}`,
      });
    } else if ((t.cert_file === undefined) !== (t.key_file === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'cert_file and key_file go together' });
    }
    if (t.names && !t.auto_generate) {
      ctx.addIssue({ code: 'custom', path: ['names'], message: 'names is for auto_generate' });
    }
  });

export const httpSchema = z
  .strictObject({
    listen: listenAddress.describe('where the HTTP API listens, "host:port"'),
    auth: z
      .enum(['token', 'none'])
      .optional()
      .describe('"token" (default): a bearer token on every request; "none" only on a loopback address'),
    tls: tlsSchema.optional().describe('HTTPS: a certificate and key, a folder of them, or one generated'),
    compat: z
      .array(z.enum(['provisr']))
      .optional()
      .describe('other supervisors\' HTTP APIs served beside tend\'s own: "provisr" (its routes and shapes)'),
    compat_base_path: z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, { message: 'expected a path such as "/api" or "/provisr/api"' })
      .optional()
      .describe('where the compat routes live, as provisr\'s [server] base_path ("/api")'),
    metrics: z
      .enum(['token', 'loopback'])
      .optional()
      .describe(
        'who reads /metrics: "token" (default), any token, a read one made for the scraper included; "loopback": also a scraper on the same machine (127.0.0.1, ::1) without one',
      ),
    allowed_origins: z
      .array(webOrigin)
      .max(100)
      .optional()
      .describe(
        'browser origins (scheme://host[:port]) whose pages may call the API; requests from any other origin are refused (default: none but the page tend serves)',
      ),
  })
  .superRefine((h, ctx) => {
    if (h.auth === 'none' && !isLoopbackListen(h.listen)) {
      ctx.addIssue({
        code: 'custom',
        path: ['auth'],
        message: `auth = "none" is allowed only on a loopback address (127.0.0.1, ::1, localhost), not on ${JSON.stringify(h.listen)}`,
      });
    }
  });
export type HttpConfig = z.output<typeof httpSchema>;

/** The host of a `host:port` address, without IPv6 brackets. */
export function listenHost(listen: string): string {
  const host = listen.slice(0, listen.lastIndexOf(':'));
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

export function isLoopbackListen(listen: string): boolean {
  return isLoopbackHost(listenHost(listen));
}

/** localhost, ::1, 127.0.0.0/8, or such an address mapped into IPv6 (a peer's remoteAddress). */
export function isLoopbackHost(host: string): boolean {
  const v4 = host.startsWith('::ffff:') ? host.slice('::ffff:'.length) : host;
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(v4);
}

export const socketSchema = z.strictObject({
  group: z
    .string()
    .min(1)
    .describe('members of this group may connect too (the socket becomes mode 0660, its folder 0710)'),
  scope: z
    .enum(['read', 'control', 'admin'])
    .default('read')
    .describe("what the group's members may do: read (default), control or admin"),
});

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    services: z
      .record(z.string(), serviceSchema)
      .default({})
      .describe('long-running programs, restarted by their policy'),
    fds: z
      .record(z.string(), fdSchema)
      .default({})
      .describe('named handles tend holds open and gives to services (docs/fds.md)'),
    jobs: z.record(z.string(), jobSchema).default({}).describe('Kubernetes-style jobs: run to completion'),
    cron: z
      .record(z.string(), cronSchema)
      .default({})
      .describe('cron jobs: a job template run on a schedule'),
    groups: z
      .record(
        z.string(),
        z.strictObject({
          members: z.array(z.string().min(1)).min(1).describe('the services of the group (base names)'),
          description: z.string().optional().describe('what the group is for'),
        }),
      )
      .default({})
      .describe('named sets of services, started, stopped and restarted together'),
    server: z
      .strictObject({
        http: httpSchema.optional().describe('the HTTP API (off when absent)'),
        socket: socketSchema.optional().describe("the control socket's access (its owner only when absent)"),
      })
      .optional()
      .describe("tend's own servers and the control socket's access"),
    history: z
      .strictObject({
        max_age: duration.optional().describe('entries older than this are deleted (default "30d")'),
        max_entries: z
          .number()
          .int()
          .min(100)
          .max(100_000_000)
          .optional()
          .describe('at most this many entries are kept, the oldest deleted first (default 200000)'),
      })
      .optional()
      .describe('the history of state changes, exits and actions (`tend history`) in state/history.db'),
  })
  .superRefine((c, ctx) => {
    for (const name of Object.keys(c.services)) {
      const why = nameProblem(name);
      if (why)
        ctx.addIssue({ code: 'custom', path: ['services', name], message: `invalid service name: ${why}` });
    }
    for (const name of Object.keys(c.fds)) {
      const why =
        nameProblem(name) ??
        (name === 'control' ? '"control" is the name of a controller\'s own socket' : null) ??
        (name.startsWith('on_demand.') ? 'names starting "on_demand." are the proxies\' own' : null);
      if (why) ctx.addIssue({ code: 'custom', path: ['fds', name], message: `invalid handle name: ${why}` });
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
