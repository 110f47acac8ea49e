/**
 * Output held in memory while its log file cannot be written (a full disk, a read-only
 * remount): at most `limit` bytes, the newest kept and the oldest dropped whole lines at a
 * time, every dropped line and byte counted for the marker written when the file works again.
 */

/** How much output one log file holds while it cannot be written: the size of its pipe. */
export const defaultHoldBytes = 1024 * 1024;

export interface Dropped {
  readonly lines: number;
  readonly bytes: number;
}

export class HeldOutput {
  readonly #limit: number;
  #chunks: Buffer[] = [];
  #bytes = 0;
  #droppedLines = 0;
  #droppedBytes = 0;
  /** The oldest held chunk starts inside a line whose start was dropped. */
  #cut = false;

  constructor(limit = defaultHoldBytes) {
    this.#limit = Math.max(1, limit);
  }

  get bytes(): number {
    return this.#bytes;
  }

  get dropped(): Dropped {
    return { lines: this.#droppedLines, bytes: this.#droppedBytes };
  }

  add(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#bytes += chunk.length;
    this.#trimCut();
    while (this.#bytes > this.#limit) this.#dropOldest();
  }

  /** Everything held, in order (from a line start when something before it was dropped). */
  contents(): Buffer {
    return Buffer.concat(this.#chunks);
  }

  /** Once the held output and the marker are in the file: nothing held, nothing dropped. */
  clear(): void {
    this.#chunks = [];
    this.#bytes = 0;
    this.#droppedLines = 0;
    this.#droppedBytes = 0;
    this.#cut = false;
  }

  /** The newest `maxBytes` held, from a line start (what `tend logs` shows while the file fails). */
  tail(maxBytes: number): Buffer {
    const all = Buffer.concat(this.#chunks);
    if (all.length <= maxBytes) return all;
    const start = all.length - maxBytes;
    const nl = all.indexOf(10, start - 1);
    return nl === -1 ? Buffer.alloc(0) : all.subarray(nl + 1);
  }

  /**
   * Drops the oldest chunk; the held output then starts at the next line start, so the file
   * never gets half a line after the marker.
   */
  #dropOldest(): void {
    const oldest = this.#chunks.shift();
    if (!oldest) return;
    this.#bytes -= oldest.length;
    this.#droppedBytes += oldest.length;
    this.#droppedLines += countNewlines(oldest);
    this.#cut = oldest[oldest.length - 1] !== 10;
    this.#trimCut();
  }

  /** Drops the rest of a line whose start was dropped (it may span several chunks). */
  #trimCut(): void {
    while (this.#cut && this.#chunks.length > 0) {
      const next = this.#chunks[0];
      if (!next) break;
      const nl = next.indexOf(10);
      if (nl === -1) {
        this.#chunks.shift();
        this.#bytes -= next.length;
        this.#droppedBytes += next.length;
        continue;
      }
      this.#chunks[0] = next.subarray(nl + 1);
      this.#bytes -= nl + 1;
      this.#droppedBytes += nl + 1;
      this.#droppedLines += 1;
      if (nl + 1 === next.length) this.#chunks.shift();
      this.#cut = false;
    }
  }
}

export function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}
