/**
 * The last lines of one service, bounded both in lines and in bytes, so `tend logs` answers
 * from memory. Old lines fall off the front; every line keeps its sequence number.
 */
import type { StoredLine } from './log-line.ts';

export class RingBuffer {
  readonly #maxLines: number;
  readonly #maxBytes: number;
  #lines: StoredLine[] = [];
  #head = 0;
  #bytes = 0;

  constructor(maxLines: number, maxBytes: number) {
    this.#maxLines = Math.max(1, maxLines);
    this.#maxBytes = Math.max(1, maxBytes);
  }

  push(line: StoredLine): void {
    this.#lines.push(line);
    this.#bytes += line.text.length;
    while (this.size > this.#maxLines || (this.#bytes > this.#maxBytes && this.size > 1)) {
      const old = this.#lines[this.#head++];
      if (old) this.#bytes -= old.text.length;
    }
    // compact now and then instead of shifting on every push
    if (this.#head > 1024 && this.#head * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#head);
      this.#head = 0;
    }
  }

  get size(): number {
    return this.#lines.length - this.#head;
  }

  /** The buffered lines, oldest first. */
  lines(): StoredLine[] {
    return this.#lines.slice(this.#head);
  }
}
