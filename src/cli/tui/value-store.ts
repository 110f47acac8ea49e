/**
 * One value that views read with useSyncExternalStore and that key presses and answers from
 * tend change: every change is seen at once by the next key press, however React batches
 * its renders (a key handler that read React state could act on a state already replaced).
 */
export class ValueStore<T> {
  #value: T;
  readonly #listeners = new Set<() => void>();

  constructor(value: T) {
    this.#value = value;
  }

  get = (): T => this.#value;

  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };

  update(change: (value: T) => T): void {
    const next = change(this.#value);
    if (next === this.#value) return;
    this.#value = next;
    for (const l of this.#listeners) l();
  }
}
