/**
 * `tend/init`: the API of `tend run` scripts, luavisors' `init` module in TypeScript. A script
 * is the supervision logic: it starts children with exec(), watches them, schedules work with
 * every() and sleep(), and signals them. The runner (`tend run`) reaps, forwards signals and
 * stops the children when the script fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { scriptState } from './state.ts';

/** Signal numbers by name, as luavisors' `signal` table. */
export const signal: Readonly<Record<string, number>> = { ...constants.signals };

/** The script's arguments (what follows the script on the `tend run` command line). */
export const args: readonly string[] = scriptState().args;

/** The PID of the supervising process. */
export function pid(): number {
  return process.pid;
}

/** Sends a signal (a name, or a number from `signal`); false when there is no such process. */
export function kill(target: number, sig: NodeJS.Signals | number = 'SIGTERM'): boolean {
  try {
    process.kill(target, sig);
    return true;
  } catch {
    return false;
  }
}

export function sleep(seconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, seconds * 1000));
}

/**
 * Calls `fn(...args)` every `seconds`; the handle's cancel() stops it. A call that throws (or
 * whose promise rejects) is reported with its stack, and the next call comes as planned.
 */
export function every<A extends unknown[]>(seconds: number, fn: (...args: A) => unknown, ...args: A) {
  const report = (e: unknown) =>
    process.stderr.write(
      `tend run: an every() callback failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`,
    );
  const timer = setInterval(() => {
    try {
      const r = fn(...args);
      if (r instanceof Promise) r.catch(report);
    } catch (e) {
      report(e);
    }
  }, seconds * 1000);
  return { cancel: () => clearInterval(timer) };
}

export type ChildStatus =
  | { readonly running: true }
  | { readonly running: false; readonly code: number | null; readonly signal: NodeJS.Signals | null };

/** Output kept per stream; beyond it the oldest text goes (the count of bytes dropped is kept). */
const keptOutput = 1024 * 1024;

/** A process started by exec(). */
export class Child {
  readonly #proc: ChildProcess;
  #out = '';
  #err = '';
  #status: ChildStatus = { running: true };
  /** Resolves with the final status once the process has ended. */
  readonly exited: Promise<ChildStatus>;

  constructor(command: string, argv: readonly string[]) {
    // its own process group, so a stop reaches whatever it forks
    this.#proc = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.#proc.stdout?.setEncoding('utf8').on('data', (t: string) => {
      this.#out = keep(this.#out + t);
    });
    this.#proc.stderr?.setEncoding('utf8').on('data', (t: string) => {
      this.#err = keep(this.#err + t);
    });
    this.exited = new Promise((resolve) => {
      const done = (code: number | null, sig: NodeJS.Signals | null) => {
        this.#status = { running: false, code, signal: sig };
        scriptState().children.delete(this);
        resolve(this.#status);
      };
      this.#proc.on('error', (e) => {
        this.#err = keep(`${this.#err}${e.message}\n`);
        done(127, null);
      });
      this.#proc.on('close', done);
    });
    scriptState().children.add(this);
  }

  pid(): number {
    return this.#proc.pid ?? 0;
  }
  /** What it wrote on stdout so far. */
  stdout(): string {
    return this.#out;
  }
  stderr(): string {
    return this.#err;
  }
  status(): ChildStatus {
    return this.#status;
  }
  /** Signals the child's whole process group; false when it has ended. */
  kill(sig: NodeJS.Signals | number = 'SIGTERM'): boolean {
    if (!this.#status.running || !this.#proc.pid) return false;
    return kill(-this.#proc.pid, sig);
  }
  /** tend run will not wait for this child when the script is done. */
  unref(): this {
    this.#proc.unref();
    // the pipes of its output are sockets, which hold the event loop open too
    for (const stream of [this.#proc.stdout, this.#proc.stderr]) (stream as Socket | null)?.unref();
    return this;
  }
}

function keep(text: string): string {
  return text.length > keptOutput ? text.slice(text.length - keptOutput) : text;
}

/** Starts `command` with `args` (no shell); see Child. */
export function exec(command: string, ...argv: string[]): Child {
  return new Child(command, argv);
}
