/**
 * Signals to a whole process group. Each service leads its own group (spawned detached, so in
 * its own session), which lets a stop reach `sh -c` wrappers and the workers they fork.
 */
import { constants } from 'node:os';
import { groupMembers } from './proc.ts';

/** Sends a signal to every process of the group; false when no process is left in it. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw e;
  }
}

/**
 * Whether any live process is left in the group. kill(-pgid, 0) also succeeds for zombies
 * waiting for an init that is slow to reap them, so a hit is confirmed in /proc.
 */
export function isGroupAlive(pgid: number): boolean {
  return signalGroup(pgid, 0) && groupMembers(pgid).length > 0;
}

/** Accepts "SIGTERM", "TERM", "term" or a number; returns the canonical name, or null. */
export function normalizeSignal(input: string | number): NodeJS.Signals | null {
  const signals = constants.signals as Record<string, number>;
  if (typeof input === 'number' || /^\d+$/.test(input)) {
    const n = Number(input);
    const hit = Object.entries(signals).find(([, v]) => v === n);
    return hit ? (hit[0] as NodeJS.Signals) : null;
  }
  const upper = input.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return Object.hasOwn(signals, name) ? (name as NodeJS.Signals) : null;
}
