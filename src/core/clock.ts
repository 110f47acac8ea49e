/**
 * Time as the kernel sees it. Backoff, restart windows and timeouts read the clock through
 * this interface so that tests drive them with a fake clock instead of sleeping.
 */

export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimer(ms: number, fn: () => void): TimerHandle;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    // setTimeout(fn, 0) waits a whole millisecond: a restart with no delay should not
    if (ms <= 0) {
      const i = setImmediate(fn);
      return { cancel: () => clearImmediate(i) };
    }
    // Node fires a timer longer than about 24.8 days at once; a yearly cron job waits in laps
    if (ms > maxTimeoutMs) {
      let lap = setTimeout(function next() {
        const left = due - Date.now();
        lap = left > maxTimeoutMs ? setTimeout(next, maxTimeoutMs) : setTimeout(fn, Math.max(0, left));
      }, maxTimeoutMs);
      const due = Date.now() + ms;
      return { cancel: () => clearTimeout(lap) };
    }
    const t = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(t) };
  },
};

const maxTimeoutMs = 2 ** 31 - 1;

/** A clock that only moves when told to; timers fire in due order during advance(). */
export class FakeClock implements Clock {
  #now: number;
  #seq = 0;
  #timers = new Map<number, { due: number; fn: () => void }>();

  constructor(start = 1_700_000_000_000) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  setTimer(ms: number, fn: () => void): TimerHandle {
    const id = ++this.#seq;
    this.#timers.set(id, { due: this.#now + Math.max(0, ms), fn });
    return { cancel: () => this.#timers.delete(id) };
  }

  /** Pending timers' delays from now, soonest first. */
  pending(): number[] {
    return [...this.#timers.values()].map((t) => t.due - this.#now).sort((a, b) => a - b);
  }

  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      let next: [number, { due: number; fn: () => void }] | undefined;
      for (const entry of this.#timers)
        if (entry[1].due <= target && (!next || entry[1].due < next[1].due)) next = entry;
      if (!next) break;
      this.#timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].due);
      next[1].fn();
    }
    this.#now = target;
  }
}
