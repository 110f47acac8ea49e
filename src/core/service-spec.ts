/**
 * What the kernel needs to run a service, with every default applied and every duration in
 * milliseconds. The config layer produces it from a file (snake_case, "5s" durations); the
 * kernel never sees file syntax.
 */

export type RestartPolicy = 'always' | 'on-failure' | 'never';
export type ServiceClass = 'user' | 'system';

export interface BackoffSpec {
  /** Each consecutive restart waits `factor` times longer than the previous one. */
  readonly factor: number;
  /** The delay never grows past this. A run that lasts this long resets the sequence. */
  readonly maxDelayMs: number;
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
} as const satisfies Partial<ServiceSpec>;

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

export type ServiceSpecInput = Partial<Omit<ServiceSpec, 'name' | 'argv' | 'commandText'>> & {
  readonly name: string;
} & ({ readonly command: string } | { readonly argv: readonly string[] });

/** Builds a spec from code (tests, the SDK's builder), filling in every default. */
export function makeServiceSpec(input: ServiceSpecInput): ServiceSpec {
  const argv = 'command' in input ? commandArgv(input.command) : [...input.argv];
  const commandText = 'command' in input ? input.command : input.argv.join(' ');
  const {
    command: _c,
    argv: _a,
    ...rest
  } = input as ServiceSpecInput & { command?: string; argv?: string[] };
  return {
    cwd: null,
    env: {},
    user: null,
    group: null,
    ...serviceDefaults,
    ...rest,
    argv,
    commandText,
  };
}
