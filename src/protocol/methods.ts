/**
 * The protocol table: every JSON-RPC method with its params schema, result schema and a one
 * line summary. The server validates with it, the client derives its types from it, the CLI
 * help and `rpc.discover` (OpenRPC) are generated from it. Names are `area.verb`.
 */
import { z } from 'zod';
import { selectorProblem } from '../core/names.ts';
import { restartCauses, serviceStates } from '../core/states.ts';
import { fdMethods } from './fd-methods.ts';

const name = z
  .string()
  .min(1)
  .max(200)
  .superRefine((v, ctx) => {
    const why = selectorProblem(v);
    if (why) ctx.addIssue({ code: 'custom', message: `invalid name ${JSON.stringify(v)}: ${why}` });
  })
  .describe('a service name, base name, glob or "all"');
const names = z.array(name).min(1).max(1000);
const wait = z
  .number()
  .min(0)
  .max(3_600_000)
  .optional()
  .describe('wait up to this many ms for the change to complete (0 or absent: do not wait)');
const settle = z
  .number()
  .min(0)
  .max(60_000)
  .optional()
  .describe(
    'with wait: end the wait at the first outcome (running, ended, crashed, held), and watch an instance with no readiness check this many ms more for an exit; the CLI uses 1000',
  );

export const lastExit = z
  .object({ code: z.number().int().nullable(), signal: z.string().nullable(), at: z.number() })
  .nullable();

export const serviceView = z.object({
  name: z.string(),
  base: z.string(),
  instance: z.number().int(),
  state: z.enum(serviceStates),
  reason: z.string(),
  since: z.number().describe('when the service entered its state, ms since the epoch'),
  pid: z.number().int().nullable(),
  started_at: z.number().nullable(),
  uptime_ms: z.number(),
  restarts: z.number().int().describe('every restart tend performed, whatever its cause'),
  restarts_by_cause: z
    .record(z.enum(restartCauses), z.number().int())
    .describe('the restarts by cause: exit, health, memory, watch, cron, requested, dependency'),
  last_restart: z
    .object({ cause: z.enum(restartCauses), at: z.number() })
    .nullable()
    .describe('the last restart: its cause and when (ms since the epoch)'),
  last_exit: lastExit,
  held: z.boolean().describe('stopped (or failed) for a requirement; it starts again when that is back'),
  class: z.enum(['user', 'system']),
  critical: z.boolean(),
  command: z.string(),
  cwd: z
    .string()
    .nullable()
    .optional()
    .describe("where its processes run; null: tend's own working directory"),
  log_files: z
    .array(z.string())
    .optional()
    .describe('the files its output goes to (stdout first; stderr apart when split); in service.status'),
  health: z
    .object({
      ok: z.boolean(),
      detail: z.string(),
      at: z.number(),
      passes: z.number().int(),
      failures: z.number().int(),
    })
    .nullable()
    .describe("the last health check's result and the counts since tend started; null before the first"),
  log_error: z
    .object({
      file: z.string(),
      error: z.string(),
      since: z.number(),
      held_bytes: z.number().int().describe('output waiting in memory for the file (at most 1 MiB)'),
      dropped_lines: z.number().int(),
      dropped_bytes: z.number().int(),
    })
    .optional()
    .describe(
      'present while the log file cannot be written (a full disk): why, since when, what was dropped',
    ),
});
export type ServiceView = z.infer<typeof serviceView>;

export const dependencyView = z.object({
  dependency: z.string(),
  kind: z.enum(['requires', 'wants', 'after', 'conflicts']),
  condition: z.enum(['started', 'ready', 'completed', 'completed_successfully', 'ordering', 'absent']),
  verdict: z.enum(['met', 'waiting', 'failed']),
  detail: z.string(),
});

export const whyView = z.object({
  name: z.string(),
  state: z.enum(serviceStates),
  reason: z.string(),
  held: z.boolean(),
  dependencies: z.array(dependencyView),
});
export type WhyView = z.infer<typeof whyView>;

export const treeNode = z.object({
  name: z.string(),
  states: z.array(z.object({ name: z.string(), state: z.enum(serviceStates) })),
  requires: z.record(z.string(), z.string()),
  wants: z.record(z.string(), z.string()),
  after: z.array(z.string()),
  conflicts: z.array(z.string()),
});
export type TreeNode = z.infer<typeof treeNode>;

export const specView = z.object({
  name: z.string().describe('the base name'),
  command: z.string().describe('the command as written'),
  argv: z.array(z.string()).describe('what is spawned (shell syntax wrapped in /bin/sh -c)'),
  cwd: z.string().nullable(),
  env: z.record(z.string(), z.string()).describe("env_file, then env: added to tend's own environment"),
  user: z.string().nullable(),
  group: z.string().nullable(),
  instances: z.number().int(),
  class: z.enum(['user', 'system']),
  critical: z.boolean(),
  autostart: z.boolean(),
  restart: z.enum(['always', 'on-failure', 'never']),
  max_restarts: z.number().int().nullable(),
  stop_signal: z.string(),
  stop_timeout_ms: z.number(),
  requires: z.record(z.string(), z.string()),
  wants: z.record(z.string(), z.string()),
  after: z.array(z.string()),
  conflicts: z.array(z.string()),
  ready: z
    .string()
    .nullable()
    .describe('the kind of readiness check (tcp, http, exec, log, notify, ipc, uptime)'),
  health: z.string().nullable().describe('the kind of liveness probe (tcp, http, exec)'),
});
export type SpecView = z.infer<typeof specView>;

export const statsView = z.object({
  name: z.string(),
  state: z.enum(serviceStates).describe('the state when measured (so a table needs no service.list as well)'),
  pid: z.number().int().nullable(),
  pids: z.array(z.number().int()),
  cpu_percent: z.number(),
  cpu_seconds: z.number().describe('CPU time of the current process group, reset by a restart'),
  rss_bytes: z.number(),
  uptime_ms: z.number(),
  restarts: z.number().int(),
  last_exit: lastExit,
});
export type StatsView = z.infer<typeof statsView>;

export const jobView = z.object({
  name: z.string().describe("the run's name: the job's, or CRON-SECONDS for a cron job's run"),
  job: z.string(),
  cron: z.string().nullable(),
  phase: z.enum(['Pending', 'Running', 'Succeeded', 'Failed']),
  reason: z.string().nullable().describe('DeadlineExceeded, BackoffLimitExceeded, Deleted…'),
  active: z.number().int(),
  succeeded: z.number().int(),
  failed: z.number().int(),
  completed_indexes: z.array(z.number().int()),
  start_time: z.number().nullable(),
  completion_time: z.number().nullable(),
  max_active: z.number().int().describe('the most pods that ran at once'),
  completions: z.number().int(),
  parallelism: z.number().int(),
  command: z.string(),
});
export type JobView = z.infer<typeof jobView>;

export const cronView = z.object({
  name: z.string(),
  schedule: z.string(),
  time_zone: z.string().nullable(),
  concurrency_policy: z.enum(['Allow', 'Forbid', 'Replace']),
  suspended: z.boolean(),
  last_schedule_time: z.number().nullable(),
  next_schedule_time: z.number().nullable(),
  skipped: z.number().int().describe('runs not started: Forbid, or past the starting deadline'),
  active: z.array(z.string()),
  runs: z.number().int(),
  successes: z.number().int(),
  failures: z.number().int(),
  last_duration_ms: z.number().nullable(),
});
export type CronView = z.infer<typeof cronView>;

export const eventView = z
  .object({
    type: z.enum([
      'state',
      'spawn',
      'exit',
      'health',
      'log-error',
      'job',
      'added',
      'removed',
      'illegal',
      'fd',
      'signal',
      'snapshot',
      'snapshot-end',
      'statedump-end',
      'overflow',
    ]),
    service: z.string(),
    at: z.number(),
  })
  .catchall(z.unknown())
  .describe('a kernel event: state changes carry from, to, reason and pid; exits carry code and signal');
export type EventView = z.infer<typeof eventView>;

export const logLineView = z.object({
  service: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  text: z.string(),
  at: z.number(),
  seq: z.number().int(),
});
export type LogLineView = z.infer<typeof logLineView>;

const logFilter = {
  names: z.array(name).optional().describe('services (names, bases, globs); all when absent'),
  stream: z.enum(['stdout', 'stderr']).optional(),
  grep: z.string().max(1000).optional().describe('a regular expression lines must match'),
};

export const historyKinds = [
  'state',
  'exit',
  'action',
  'added',
  'removed',
  'log-error',
  'job',
  'illegal',
] as const;
const since = z.union([z.number().min(0), z.string().min(1).max(40)]);
export const historyEntryView = z.object({
  id: z.number().int(),
  at: z.number(),
  service: z.string().nullable(),
  kind: z.enum(historyKinds),
  what: z.string().describe('one line for people'),
  detail: z.record(z.string(), z.unknown()),
  who: z.string().nullable().describe('for actions: a socket user (`uid 1000`) or a token (`token ci`)'),
  origin: z.string().nullable().describe('for actions: `socket`, `http ADDRESS`, `controller NAME`'),
});
export type HistoryEntryView = z.infer<typeof historyEntryView>;

const empty = z.object({}).strict().optional();
const list = z.array(serviceView);
const ok = z.object({ ok: z.literal(true) });

/** A service definition as in a config file (snake_case), validated by the config schema. */
const definition = z.record(z.string(), z.unknown()).describe('the fields of one [services.NAME] table');

export const methods = {
  'system.ping': {
    summary: 'Check that tend answers.',
    params: empty,
    result: z.object({ pong: z.literal(true) }),
  },
  'system.version': {
    summary: 'The version of tend and of the Node.js it runs on.',
    params: empty,
    result: z.object({
      version: z.string(),
      node: z.string(),
      pid: z.number().int(),
      start_ticks: z
        .number()
        .int()
        .optional()
        .describe(
          "tend's start time in clock ticks since boot, so a caller never mistakes a reused PID for it",
        ),
    }),
  },
  'system.shutdown': {
    summary: 'Stop every service and exit.',
    params: z
      .object({
        code: z.number().int().optional().describe("tend's exit status"),
        guard: z.number().int().optional().describe('the code of `--exit-guard`, when tend runs with one'),
      })
      .strict()
      .optional(),
    result: ok,
  },
  'system.restart': {
    summary:
      'Hot restart: tend saves its state and re-executes itself in place (same PID); services keep running and are adopted, with their uptimes, restart counts and log pipes.',
    params: empty,
    result: ok,
  },
  'system.reload': {
    summary: 'Re-read the config file and apply what changed; an invalid config changes nothing.',
    params: empty,
    result: z.object({
      added: z.array(z.string()),
      updated: z.array(z.string()),
      removed: z.array(z.string()),
    }),
  },
  'service.list': { summary: 'Every service instance with its state.', params: empty, result: list },
  'service.status': {
    summary: 'The status of the instances a name selects.',
    params: z.object({ name }).strict(),
    result: list,
  },
  'service.start': {
    summary: 'Start services (names, bases, globs or "all").',
    params: z.object({ names, wait, settle }).strict(),
    result: list,
  },
  'service.stop': { summary: 'Stop services.', params: z.object({ names, wait }).strict(), result: list },
  'service.restart': {
    summary: 'Restart services.',
    params: z.object({ names, wait, settle }).strict(),
    result: list,
  },
  'service.kill': {
    summary: 'Send a signal to the process groups of services.',
    params: z.object({ names, signal: z.union([z.string(), z.number().int()]).default('SIGTERM') }).strict(),
    result: z.object({ signalled: z.array(z.string()) }),
  },
  'service.add': {
    summary: 'Add services from definitions (as in a config file) and start them; saved across restarts.',
    params: z
      .object({
        services: z
          .record(z.string(), definition)
          .describe(
            "name → definition; one without cwd runs in the folder of tend's config, else in tend's home (a relative cwd resolves there); each answer's cwd says where",
          ),
        start: z.boolean().default(true),
        wait,
        settle,
      })
      .strict(),
    result: list,
  },
  'service.update': {
    summary: 'Replace the definition of a service; active instances restart with it.',
    params: z.object({ name: z.string(), service: definition, wait }).strict(),
    result: list,
  },
  'service.scale': {
    summary:
      "Change a service's number of instances; only the difference starts or stops (1 ↔ N renames, so that instance restarts).",
    params: z
      .object({
        name,
        instances: z.number().int().min(1).max(1000).describe('the new number of instances'),
        wait,
      })
      .strict(),
    result: list,
  },
  'service.remove': {
    summary: 'Stop services and forget them.',
    params: z.object({ names, wait }).strict(),
    result: z.object({ removed: z.array(z.string()) }),
  },
  'service.stats': {
    summary: 'PIDs, CPU %, RSS of the process group, uptime, restarts and last exit, read from /proc now.',
    params: z.object({ names: names.optional() }).strict().optional(),
    result: z.array(statsView),
  },
  'service.describe': {
    summary:
      'The definition tend runs each selected service with: command, argv, cwd, env, user, restart policy, instances and dependencies.',
    params: z.object({ name }).strict(),
    result: z.array(specView),
  },
  'service.why': {
    summary: 'Why each selected instance is in its state: one record per dependency.',
    params: z.object({ name }).strict(),
    result: z.array(whyView),
  },
  'service.tree': {
    summary: 'The dependency graph: every service (or those a name reaches) with its edges and states.',
    params: z.object({ name: name.optional() }).strict().optional(),
    result: z.array(treeNode),
  },
  'service.start_all': {
    summary: 'Start every user-class service.',
    params: z.object({ wait, settle }).strict().optional(),
    result: list,
  },
  'service.stop_all': {
    summary: 'Stop every user-class service; system-class services are protected.',
    params: z.object({ wait }).strict().optional(),
    result: list,
  },
  'group.list': {
    summary: "The config's groups with their members and each instance's state.",
    params: empty,
    result: z.array(
      z.object({
        name: z.string(),
        members: z.array(z.string()),
        instances: z.array(z.object({ name: z.string(), state: z.enum(serviceStates) })),
      }),
    ),
  },
  'group.start': {
    summary: "Start a group's services.",
    params: z.object({ name, wait, settle }).strict(),
    result: list,
  },
  'group.stop': {
    summary: "Stop a group's services.",
    params: z.object({ name, wait }).strict(),
    result: list,
  },
  'group.restart': {
    summary: "Restart a group's services.",
    params: z.object({ name, wait, settle }).strict(),
    result: list,
  },
  'job.list': {
    summary: 'Every job run with its phase and counts.',
    params: empty,
    result: z.array(jobView),
  },
  'job.status': {
    summary: "The runs of a job (or a run's name, or a cron job's runs).",
    params: z.object({ name }).strict(),
    result: z.array(jobView),
  },
  'job.run': {
    summary: 'Run a job of the config now (its last run must have finished; it is replaced).',
    params: z
      .object({
        name,
        wait: wait.describe('wait up to this many ms for the run to finish'),
      })
      .strict(),
    result: jobView,
  },
  'job.logs': {
    summary: "Buffered output of a job's runs.",
    params: z.object({ name, lines: z.number().int().min(0).max(1_000_000).optional() }).strict(),
    result: z.object({ lines: z.array(logLineView) }),
  },
  'job.remove': {
    summary: "Delete a job's runs, stopping their pods.",
    params: z.object({ name }).strict(),
    result: z.object({ removed: z.array(z.string()) }),
  },
  'cron.list': {
    summary: 'Every cron job with its schedule, last and next run.',
    params: empty,
    result: z.array(cronView),
  },
  'cron.add': {
    summary: 'Add (or replace) a cron job from a definition as in a config file.',
    params: z.object({ name, cron: definition.describe('the fields of one [cron.NAME] table') }).strict(),
    result: cronView,
  },
  'cron.remove': {
    summary: 'Forget a cron job; its runs stay until deleted with job.remove.',
    params: z.object({ name }).strict(),
    result: ok,
  },
  'cron.suspend': { summary: 'Stop scheduling runs.', params: z.object({ name }).strict(), result: cronView },
  'cron.resume': {
    summary: 'Schedule runs again (times passed while suspended are not made up).',
    params: z.object({ name }).strict(),
    result: cronView,
  },
  'cron.trigger': {
    summary: 'Run the job template now; the concurrency policy applies (null: Forbid skipped it).',
    params: z.object({ name }).strict(),
    result: jobView.nullable(),
  },
  'events.subscribe': {
    summary:
      'Stream every event as `events.event` notifications. With `snapshot`, the stream opens with one `snapshot` event per instance and a `snapshot-end`; a reader that fell behind gets `overflow` (with the count missed) and a fresh snapshot.',
    params: z
      .object({ services: z.array(name).optional(), snapshot: z.boolean().optional() })
      .strict()
      .optional(),
    result: z.object({ subscription: z.string() }),
  },
  'events.unsubscribe': {
    summary: 'End a subscription.',
    params: z.object({ subscription: z.string() }).strict(),
    result: ok,
  },
  'logs.get': {
    summary: 'Buffered lines of services, merged by time.',
    params: z
      .object({
        ...logFilter,
        lines: z.number().int().min(0).max(1_000_000).optional().describe('the last N lines'),
        since: z.number().optional().describe('only lines at or after this time (ms since the epoch)'),
      })
      .strict()
      .optional(),
    result: z.object({ lines: z.array(logLineView) }),
  },
  'logs.follow': {
    summary: 'Stream new lines as `logs.lines` notifications (with `missed` when the reader fell behind).',
    params: z.object(logFilter).strict().optional(),
    result: z.object({ subscription: z.string() }),
  },
  'logs.unfollow': {
    summary: 'End a logs.follow subscription.',
    params: z.object({ subscription: z.string() }).strict(),
    result: ok,
  },
  'history.query': {
    summary:
      'The history: state changes with their reasons, exits with code, signal and run time, and control actions with who asked and from where; the newest first unless `after` or `since` is given.',
    params: z
      .object({
        names: z.array(name).max(100).optional().describe('services (names or bases); all when absent'),
        kinds: z.array(z.enum(historyKinds)).max(historyKinds.length).optional(),
        since: since
          .optional()
          .describe('entries from then on: ms since the epoch, or a duration ago ("1d", "90m")'),
        until: since.optional().describe('entries up to then, as `since`'),
        after: z
          .number()
          .int()
          .min(0)
          .optional()
          .describe('entries after this id, oldest first (the next page)'),
        before: z.number().int().min(0).optional().describe('entries before this id (the previous page)'),
        limit: z.number().int().min(1).max(10_000).default(100),
      })
      .strict()
      .optional(),
    result: z.object({
      entries: z.array(historyEntryView),
      more: z.boolean().describe('there are more entries past this page, in its direction'),
    }),
  },
  'rpc.discover': {
    summary: 'The OpenRPC document describing every method.',
    params: empty,
    result: z.record(z.string(), z.unknown()),
  },
  ...fdMethods,
} as const satisfies Record<string, MethodSpec>;

export interface MethodSpec {
  readonly summary: string;
  readonly params: z.ZodType;
  readonly result: z.ZodType;
}

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type ParamsOf<M extends MethodName> = z.input<Methods[M]['params']>;
export type ParsedParamsOf<M extends MethodName> = z.output<Methods[M]['params']>;
export type ResultOf<M extends MethodName> = z.output<Methods[M]['result']>;

/** Notifications the server sends on subscriptions. */
export const notifications = {
  'events.event': z.object({ subscription: z.string(), event: eventView }),
  'logs.lines': z.object({
    subscription: z.string(),
    /** Compact, as a fast service makes many: [service, 0 stdout | 1 stderr, at, seq, text]. */
    lines: z.array(
      z.tuple([z.string(), z.union([z.literal(0), z.literal(1)]), z.number(), z.number().int(), z.string()]),
    ),
    /** Lines this follower missed because it did not keep up, since the last batch it got. */
    missed: z.number().int().optional(),
  }),
} as const;

export function isMethodName(m: string): m is MethodName {
  return Object.hasOwn(methods, m);
}
