/**
 * daemonproxy's signal events: every signal tend receives is counted, and each count is an
 * event (`signal NAME COUNT`) until a controller takes it off with `signal.clear`, so a
 * controller that restarts still sees a signal it had not dealt with (in the statedump).
 * Counting changes nothing of what the signal does to tend (daemon/signals.ts says that).
 */
import type { SupervisorEvent } from '../core/events.ts';

export class SignalCounts {
  readonly #counts = new Map<string, number>();
  readonly #emit: (e: SupervisorEvent) => void;

  constructor(emit: (e: SupervisorEvent) => void) {
    this.#emit = emit;
  }

  received(signal: string): void {
    this.#set(signal, (this.#counts.get(signal) ?? 0) + 1);
  }

  /** Subtracts (rather than zeroes) in case the signal came again while it was being handled. */
  clear(signal: string, count: number): Record<string, number> {
    this.#set(signal, Math.max(0, (this.#counts.get(signal) ?? 0) - count));
    return this.snapshot();
  }

  #set(signal: string, count: number): void {
    if (count === 0) this.#counts.delete(signal);
    else this.#counts.set(signal, count);
    this.#emit({ type: 'signal', service: '', signal, count, at: Date.now() });
  }

  /** The signals with a count above zero. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }

  /** The counts the previous image had (a hot restart). */
  restore(counts: Readonly<Record<string, number>>): void {
    for (const [signal, n] of Object.entries(counts)) if (n > 0) this.#counts.set(signal, n);
  }
}
