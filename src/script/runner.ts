/**
 * Runs a `tend run` script as the supervision logic, doing a supervisor's duties around it:
 * orphans are reaped (tend is PID 1 or a child subreaper); SIGTERM/SIGINT go to the script's
 * own handlers or, when it has none, stop its children gracefully and end tend; every other
 * catchable signal the script does not handle is forwarded to its children, as luavisors
 * does (daemon/signals.ts has the table). A script that throws while it loads is reported at
 * its own file:line, its children are stopped and tend exits 1; an exception in a signal
 * handler or an every() callback is reported with its stack and the script goes on.
 * `tend/init` and `tend` resolve to tend itself, wherever the script is on disk.
 */
import { registerHooks } from 'node:module';
import { pathToFileURL } from 'node:url';
import { installSignals } from '../daemon/signals.ts';
import { becomeSubreaper } from '../native/libc.ts';
import { importFile, resolveToBinaryModules, singleExecutable } from '../native/single-executable.ts';
import { reaper } from '../process/reaper.ts';
import { scriptState } from './state.ts';

export interface RunOptions {
  /** How long children get after SIGTERM before SIGKILL. */
  readonly graceMs?: number;
  readonly warn: (message: string) => void;
}

/** Imports the script; resolves once it has been evaluated (its children may still run). */
export async function runScript(file: string, args: readonly string[], options: RunOptions): Promise<void> {
  const graceMs = options.graceMs ?? 10_000;
  scriptState().args = [...args];
  if (process.pid === 1 || becomeSubreaper()) reaper.takeOrphans();
  reaper.start();
  resolveTendToItself();

  const stack = (e: unknown) => (e instanceof Error ? (e.stack ?? e.message) : String(e));
  // while a signal's listeners run, an exception is that handler's, not the script's end
  let handling: NodeJS.Signals | null = null;
  const fail = (e: unknown) => {
    if (handling) {
      process.stderr.write(`tend run: the script's ${handling} handler failed: ${stack(e)}\n`);
      return;
    }
    process.stderr.write(`tend run: the script failed: ${stack(e)}\n`);
    void stopChildren(graceMs).then(() => process.exit(1));
  };
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  installSignals('run', (action, sig) => {
    handling = sig;
    setImmediate(() => {
      handling = null;
    });
    // the script's own handler, if it has one, decides
    if (process.listenerCount(sig) > 1) return;
    if (action === 'stop-children') {
      options.warn(`${sig}: stopping the script's children`);
      void stopChildren(graceMs).then(() => process.exit(0));
    } else if (action === 'forward') {
      for (const c of scriptState().children) c.kill(sig);
    }
  });
  try {
    await importFile(pathToFileURL(file).href);
  } catch (e) {
    fail(e);
  }
}

/** SIGTERM to every live child's group, SIGKILL to what is left after `graceMs`. */
async function stopChildren(graceMs: number): Promise<void> {
  const children = [...scriptState().children];
  for (const c of children) c.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      for (const c of children) c.kill('SIGKILL');
      resolve();
    }, graceMs);
  });
  await Promise.race([Promise.all(children.map((c) => c.exited)), late]);
  clearTimeout(timer);
}

let resolving = false;

/** `tend`, `tend/init` (and the package's own name) resolve to this installation of tend. */
export function resolveTendToItself(): void {
  if (resolving) return;
  resolving = true;
  if (singleExecutable) return resolveToBinaryModules();
  const targets = new Map([
    ['tend', import.meta.resolve('tend-supervisor')],
    ['tend/init', import.meta.resolve('tend-supervisor/init')],
  ]);
  registerHooks({
    resolve(specifier, context, next) {
      const url = targets.get(specifier.replace(/^tend-supervisor/, 'tend'));
      return url ? { url, shortCircuit: true, format: 'module' } : next(specifier, context);
    },
  });
}
