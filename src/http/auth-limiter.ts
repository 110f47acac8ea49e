/**
 * Failed authentications counted per address: after `limit` failures within `windowMs`, the
 * address is refused for `windowMs` without its token being looked at, so a token cannot be
 * guessed at the speed of the network. Old entries are forgotten as new failures come.
 */
export class AuthLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, number[]>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(options: { limit?: number; windowMs?: number; now?: () => number } = {}) {
    this.#limit = options.limit ?? 10;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Seconds until the address may try again; 0 when it may now. */
  blockedFor(address: string): number {
    const until = this.#blockedUntil.get(address);
    if (until === undefined) return 0;
    const left = until - this.#now();
    if (left <= 0) {
      this.#blockedUntil.delete(address);
      return 0;
    }
    return Math.ceil(left / 1000);
  }

  /** Counts a failure; the number of failures of this address within the window. */
  failed(address: string): number {
    const now = this.#now();
    const recent = (this.#failures.get(address) ?? []).filter((t) => now - t < this.#windowMs);
    recent.push(now);
    this.#failures.set(address, recent);
    if (recent.length >= this.#limit) {
      this.#blockedUntil.set(address, now + this.#windowMs);
      this.#failures.delete(address);
    }
    // a flood from many addresses must not grow the maps without end
    if (this.#failures.size > 10_000) {
      for (const [a, times] of this.#failures) {
        if (now - (times.at(-1) ?? 0) >= this.#windowMs) this.#failures.delete(a);
      }
    }
    return recent.length;
  }
}
