/**
 * How `tend init` ends, as daemonproxy's guards have it. `--exec-on-exit CMD…` (the rest of the
 * command line) makes every exit, even bad options, a missing config or an uncaught exception,
 * exec into CMD with TEND_EXIT_CODE and TEND_ERROR in its environment: a container keeps a
 * process for emergency cleanup or a shell. `--exit-guard CODE` makes a fatal error a logged
 * event tend carries on after, instead of an exit.
 */
import { findProgram } from '../process/find-program.ts';

interface ExitPolicy {
  execOnExit: string[] | null;
  guarded: boolean;
  error: string;
}

const policy: ExitPolicy = { execOnExit: null, guarded: false, error: '' };

/** Takes `--exec-on-exit CMD…` off the end of the arguments; everything after it is the command. */
export function takeExecOnExit(argv: readonly string[]): { argv: string[]; command: string[] | null } {
  const at = argv.indexOf('--exec-on-exit');
  if (at === -1) return { argv: [...argv], command: null };
  return { argv: argv.slice(0, at), command: argv.slice(at + 1) };
}

let exitHandlerInstalled = false;

/** From now on every way out of this process ends in `command`. */
export function execOnExit(command: string[]): void {
  setExecOnExit(command);
}

/** The command of exec-on-exit, or null; set from the command line or at run time. */
export function setExecOnExit(command: readonly string[] | null): void {
  policy.execOnExit = command?.length ? [...command] : null;
  if (!policy.execOnExit || exitHandlerInstalled) return;
  exitHandlerInstalled = true;
  process.on('exit', (code) => execInto(code));
  installFatalHandler();
}

export function currentExecOnExit(): string[] | null {
  return policy.execOnExit ? [...policy.execOnExit] : null;
}

/** Fatal errors are logged and tend carries on (`--exit-guard`). */
export function guardAgainstFatalErrors(log: (message: string) => void): void {
  policy.guarded = true;
  installFatalHandler(log);
}

/** The exit guard set or cleared at run time (`terminate.guard`): fatal errors carry on or exit. */
export function setGuarded(on: boolean, log: (message: string) => void): void {
  policy.guarded = on;
  if (on) installFatalHandler(log);
}

/** The error that will be handed to the exit command as TEND_ERROR. */
export function noteExitError(error: unknown): void {
  policy.error = error instanceof Error ? error.message : String(error);
}

let fatalHandlerInstalled = false;
let logFatal: (message: string) => void = (m) => process.stderr.write(`${m}\n`);

function installFatalHandler(log?: (message: string) => void): void {
  if (log) logFatal = log;
  if (fatalHandlerInstalled) return;
  fatalHandlerInstalled = true;
  const onFatal = (error: unknown) => {
    const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (policy.guarded) {
      logFatal(`fatal error, carrying on (exit guard): ${text}`);
      return;
    }
    process.stderr.write(`tend: fatal: ${text}\nhint: a bug in tend: report it with this stack\n`);
    noteExitError(error);
    process.exit(70);
  };
  process.on('uncaughtException', onFatal);
  process.on('unhandledRejection', onFatal);
}

function execInto(code: number): void {
  const command = policy.execOnExit;
  if (!command || command.length === 0) return;
  const [file = '', ...rest] = command;
  const env: NodeJS.ProcessEnv = { ...process.env, TEND_EXIT_CODE: String(code), TEND_ERROR: policy.error };
  const resolved = findProgram(file, env.PATH);
  if (!resolved) {
    process.stderr.write(
      `tend: --exec-on-exit: ${file}: command not found\nhint: give the program's full path, or add its folder to PATH\n`,
    );
    return;
  }
  try {
    process.execve?.(resolved, [file, ...rest], env);
  } catch (e) {
    process.stderr.write(
      `tend: --exec-on-exit: ${file}: ${e instanceof Error ? e.message : String(e)}\nhint: check that ${file} can be run by tend's user\n`,
    );
  }
}
