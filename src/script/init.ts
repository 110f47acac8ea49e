/**
 * `tend/init`: the API of `tend run` scripts (luavisors' init API in TypeScript). This module
 * holds the basic process helpers; the runner that executes scripts builds on it.
 */
import { constants } from 'node:os';

/** Signal numbers by name, as luavisors' `signal` table. */
export const signal: Readonly<Record<string, number>> = { ...constants.signals };

/** The PID of the supervising process. */
export function pid(): number {
  return process.pid;
}

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

/** Calls `fn(...args)` every `seconds`; the handle's cancel() stops it. */
export function every<A extends unknown[]>(seconds: number, fn: (...args: A) => unknown, ...args: A) {
  const timer = setInterval(() => fn(...args), seconds * 1000);
  return { cancel: () => clearInterval(timer) };
}
