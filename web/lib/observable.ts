/**
 * The page's one reactive primitive: a value that tells its listeners when it changes, and a
 * hook that re-renders a component with it. Views hold no data of their own beyond these.
 */
import { useEffect, useState } from 'preact/hooks';

export class Observable<T> {
  #value: T;
  readonly #listeners = new Set<(value: T) => void>();

  constructor(value: T) {
    this.#value = value;
  }

  get value(): T {
    return this.#value;
  }

  set(value: T): void {
    if (Object.is(value, this.#value)) return;
    this.#value = value;
    for (const fn of this.#listeners) fn(value);
  }

  subscribe(fn: (value: T) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }
}

/** The observable's current value; the component renders again when it changes. */
export function useObservable<T>(o: Observable<T>): T {
  const [, setTick] = useState(0);
  useEffect(() => o.subscribe(() => setTick((n) => n + 1)), [o]);
  return o.value;
}
