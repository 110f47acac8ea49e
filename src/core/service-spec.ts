/**
 * What the kernel needs to run a service, with every default applied and every duration in
 * milliseconds. The config layer produces it from a file (snake_case, "5s" durations); the
 * kernel never sees file syntax.
 */

import { defaultLogOptions, type LogOptions } from '../logs/log-hub.ts';
import type { FdAssignment } from './handles.ts';
import { type HooksSpec, noHooks } from './hooks.ts';
import type { WatchSpec } from './restart-triggers.ts';

export type RestartPolicy = 'always' | 'on-failure' | 'never';
export type ServiceClass = 'user' | 'system';

export interface BackoffSpec {
  /** Each consecutive restart waits `factor` times longer than the previous one. */
  readonly factor: number;
  /** The delay never grows past this. A run that lasts this long resets the sequence. */
  readonly maxDelayMs: number;
}

/** What a dependent waits for (docker compose's conditions, plus `ready`). */
export type DependencyCondition = 'started' | 'ready' | 'completed' | 'completed_successfully';
export const dependencyConditions = ['started', 'ready', 'completed', 'completed_successfully'] as const;

/** A check that answers yes or no: used for readiness and for liveness. */
export type ProbeSpec =
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number }
  | { readonly kind: 'http'; readonly url: string; readonly status: number | null }
  | { readonly kind: 'exec'; readonly argv: readonly string[]; readonly text: string };

/** How tend knows a started service is ready. */
export type ReadySpec =
  | { readonly kind: 'probe'; readonly probe: ProbeSpec; readonly intervalMs: number }
  | { readonly kind: 'log'; readonly pattern: string }
  | { readonly kind: 'notify' }
  | { readonly kind: 'ipc' }
  | { readonly kind: 'uptime'; readonly ms: number };

/** Liveness: failing `retries` times in a row restarts the service per its policy. */
export interface HealthSpec {
  readonly probe: ProbeSpec;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly startPeriodMs: number;
}

/**
 * zinit's xinit: tend listens, the first connection starts the service, bytes are spliced to
 * the backend, and the service is stopped after `idleTimeoutMs` without a connection.
 */
export interface OnDemandSpec {
  /** The handle tend listens on (the service's first socket when the backend takes it). */
  readonly listen: string;
  /** Where connections go; null: the service takes the listening socket itself (`sockets`). */
  readonly backend: { readonly host: string; readonly port: number } | { readonly path: string } | null;
  /** null: never stopped for being idle. */
  readonly idleTimeoutMs: number | null;
  readonly connectTimeoutMs: number;
  /** One connection at a time; the others wait in the backlog. */
  readonly singleConnection: boolean;
}

export interface ServiceSpec {
  /** The base name; instances are named `name:0`, `name:1`… when there are several. */
  readonly name: string;
  /** argv: `command` strings with shell syntax are already wrapped in `/bin/sh -c`. */
  readonly argv: readonly string[];
  /** The command as the user wrote it, for display. */
  readonly commandText: string;
  /** Absolute working directory, or null for tend's own. */
  readonly cwd: string | null;
  /** Variables from env_file, then env (env wins); added to tend's own environment. */
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | null;
  readonly group: string | null;
  readonly instances: number;
  readonly class: ServiceClass;
  readonly critical: boolean;
  readonly autostart: boolean;
  readonly restart: RestartPolicy;
  readonly restartDelayMs: number;
  /** null: no backoff, every restart waits restartDelayMs. */
  readonly backoff: BackoffSpec | null;
  /** After this many restarts within restartWindowMs the service is failed; null = no limit. */
  readonly maxRestarts: number | null;
  readonly restartWindowMs: number;
  readonly successExitCodes: readonly number[];
  readonly stopSignal: NodeJS.Signals;
  readonly stopTimeoutMs: number;
  /** Start after these reach their condition; stop before they stop; fail if they fail. */
  readonly requires: Readonly<Record<string, DependencyCondition>>;
  /** The requirements whose restart restarts this service too (`restart = true` on the entry). */
  readonly requiresRestart: readonly string[];
  /** Start these too and wait for their condition, but do not fail if they fail. */
  readonly wants: Readonly<Record<string, DependencyCondition>>;
  /** Ordering only: if these are starting, wait until they are ready. */
  readonly after: readonly string[];
  /** Never running at the same time as these. */
  readonly conflicts: readonly string[];
  readonly ready: ReadySpec | null;
  /** A service not ready this long after its spawn is stopped and handled as a failure. */
  readonly startTimeoutMs: number | null;
  readonly health: HealthSpec | null;
  /** Ring buffer, file, rotation: carried out by the log hub, not by the kernel. */
  readonly logs: LogOptions;
  /** A line longer than this is cut into pieces (never dropped). */
  readonly maxLineBytes: number;
  /**
   * A controller gets tend's event stream on stdin (TSV or JSON lines) and writes commands on
   * stdout, answered on stdin; null for an ordinary service.
   */
  readonly controller: 'tsv' | 'json' | null;
  /** Handles the child gets at these fd numbers (0 stdin, 1 stdout, 2 stderr, 3…). */
  readonly fds: readonly FdAssignment[];
  /** Handles given as systemd's LISTEN_FDS, from fd 3 in order (also in `fds`). */
  readonly sockets: readonly string[];
  readonly onDemand: OnDemandSpec | null;
  /** Commands run before and after the process starts and stops. */
  readonly hooks: HooksSpec;
  /** Restart on this schedule (while running). */
  readonly cronRestart: string | null;
  /** Restart when these files change. */
  readonly watch: WatchSpec | null;
  /** Restart an instance whose process group's RSS is over this. */
  readonly maxMemoryBytes: number | null;
  readonly memoryCheckMs: number;
}

export const serviceDefaults = {
  instances: 1,
  class: 'user',
  critical: false,
  autostart: true,
  restart: 'on-failure',
  restartDelayMs: 100,
  backoff: { factor: 2, maxDelayMs: 30_000 },
  maxRestarts: 10,
  restartWindowMs: 60_000,
  successExitCodes: [0],
  stopSignal: 'SIGTERM',
  stopTimeoutMs: 10_000,
  requires: {},
  requiresRestart: [],
  wants: {},
  after: [],
  conflicts: [],
  ready: null,
  startTimeoutMs: null,
  health: null,
  logs: defaultLogOptions,
  maxLineBytes: 64 * 1024,
  controller: null,
  fds: [],
  sockets: [],
  onDemand: null,
  hooks: noHooks,
  cronRestart: null,
  watch: null,
  maxMemoryBytes: null,
  memoryCheckMs: 5000,
} as const satisfies Partial<ServiceSpec>;

/** The services a spec waits for, whatever the kind of dependency. */
export function dependencyNames(spec: Pick<ServiceSpec, 'requires' | 'wants' | 'after'>): string[] {
  return [...new Set([...Object.keys(spec.requires), ...Object.keys(spec.wants), ...spec.after])];
}

/** The characters that make a command need a shell; anything else is split on blanks. */
const shellSyntax = /[|&;<>()$`\\"'*?[\]#~{}\n]|^\s*[A-Za-z_][A-Za-z0-9_]*=/;

/** Words only a shell understands, so a command starting with one needs a shell too. */
const shellWords = new Set([
  '.',
  ':',
  'alias',
  'break',
  'case',
  'cd',
  'command',
  'continue',
  'eval',
  'exec',
  'exit',
  'export',
  'for',
  'if',
  'read',
  'readonly',
  'return',
  'set',
  'shift',
  'source',
  'times',
  'trap',
  'ulimit',
  'umask',
  'unset',
  'until',
  'wait',
  'while',
]);

export function commandArgv(command: string): string[] {
  const first = command.trim().split(/\s+/)[0] ?? '';
  if (shellSyntax.test(command) || shellWords.has(first)) return ['/bin/sh', '-c', command];
  return command.trim().split(/\s+/).filter(Boolean);
}

/** A dependency entry: a condition, or a condition with `restart` (requires only). */
export type DependencyEntry =
  | DependencyCondition
  | { readonly condition?: DependencyCondition; readonly restart?: boolean };
type Dependencies = readonly string[] | Readonly<Record<string, DependencyEntry>>;

export type ServiceSpecInput = Partial<
  Omit<ServiceSpec, 'name' | 'argv' | 'commandText' | 'requires' | 'wants' | 'requiresRestart'>
> & {
  readonly name: string;
  /** A list means the default condition: "ready" for requires, "started" for wants. */
  readonly requires?: Dependencies;
  readonly wants?: Dependencies;
} & ({ readonly command: string } | { readonly argv: readonly string[] });

export function conditionsOf(
  deps: Dependencies | undefined,
  fallback: DependencyCondition,
): Record<string, DependencyCondition> {
  if (!deps) return {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((d: string) => [d, fallback]));
  return Object.fromEntries(
    Object.entries(deps as Readonly<Record<string, DependencyEntry>>).map(([d, e]) => [
      d,
      typeof e === 'string' ? e : (e.condition ?? fallback),
    ]),
  );
}

/** The entries that ask for `restart = true`. */
export function restartingWith(deps: Dependencies | undefined): string[] {
  if (!deps || Array.isArray(deps)) return [];
  return Object.entries(deps as Readonly<Record<string, DependencyEntry>>)
    .filter(([, e]) => typeof e !== 'string' && e.restart === true)
    .map(([d]) => d);
}

/** Builds a spec from code (tests, the SDK's builder), filling in every default. */
export function makeServiceSpec(input: ServiceSpecInput): ServiceSpec {
  const argv = 'command' in input ? commandArgv(input.command) : [...input.argv];
  const commandText = 'command' in input ? input.command : input.argv.join(' ');
  const {
    command: _c,
    argv: _a,
    requires,
    wants,
    ...rest
  } = input as ServiceSpecInput & { command?: string; argv?: string[] };
  return {
    cwd: null,
    env: {},
    user: null,
    group: null,
    ...serviceDefaults,
    ...rest,
    requires: conditionsOf(requires, 'ready'),
    requiresRestart: restartingWith(requires),
    wants: conditionsOf(wants, 'started'),
    argv,
    commandText,
  };
}
