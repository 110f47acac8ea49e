/**
 * Output that is already in the log file (moved there by splice) and waits to be split into
 * lines for the ring buffer and followers. Splitting goes in slices between turns of the event
 * loop, so the pipe is always emptied first and a fast writer never waits for it. When a writer
 * outruns the splitting by more than `maxBacklogBytes`, the oldest part goes to the file only:
 * its lines are counted and reported in one notice line, never silently skipped.
 */

/** Bytes split per turn of the event loop (about a millisecond of work). */
const sliceBytes = 128 * 1024;

export interface SplitSink {
  /** Splits a chunk into lines stamped `at`. */
  push(chunk: Buffer, at: number): void;
  /**
   * Output went to the file only (`lines` of it, or `bytes` when it was never read back); the
   * next chunk starts on a line boundary.
   */
  skipped(count: { readonly lines: number } | { readonly bytes: number }, at: number): void;
}

export interface SplitBacklogOptions {
  /** How much of the newest output to split when the backlog is shed. */
  readonly keepBytes?: number;
  /** Backlog beyond which the oldest part may be shed. */
  readonly maxBacklogBytes?: number;
  /** Whether shedding is allowed now (not while somebody needs every line). */
  readonly canShed?: () => boolean;
  /** Called when a full backlog (that could not be shed) has room again. */
  readonly onRoom?: () => void;
}

export class SplitBacklog {
  readonly #sink: SplitSink;
  readonly #maxBacklogBytes: number;
  readonly #keepBytes: number;
  readonly #canShed: () => boolean;
  readonly #onRoom: () => void;
  #wasFull = false;
  readonly #chunks: { chunk: Buffer; at: number }[] = [];
  #bytes = 0;
  #scheduled = false;

  constructor(
    sink: SplitSink,
    {
      keepBytes = 1 << 20,
      maxBacklogBytes = 4 << 20,
      canShed = () => true,
      onRoom = () => {},
    }: SplitBacklogOptions = {},
  ) {
    this.#sink = sink;
    this.#canShed = canShed;
    this.#onRoom = onRoom;
    this.#keepBytes = keepBytes;
    this.#maxBacklogBytes = Math.max(maxBacklogBytes, keepBytes * 2);
  }

  /**
   * True when the backlog is over its bound and may not be shed: the caller then leaves the
   * output in the pipe (the writer waits, nothing is lost) until `onRoom`.
   */
  get full(): boolean {
    return this.#wasFull;
  }

  /** Bytes waiting to be split. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether the oldest output may be dropped now (nobody needs every line). */
  get canShed(): boolean {
    return this.#canShed();
  }

  /**
   * Starts over from `tail`, the newest output read back from the file: what was waiting, and
   * the `unread` bytes that were never read back, went to the file only, and say so.
   */
  restart(tail: Buffer, unread: number, at: number): void {
    const skipped = Math.max(0, this.#bytes + unread - tail.length);
    this.#chunks.length = 0;
    this.#bytes = 0;
    if (skipped > 0) this.#sink.skipped({ bytes: skipped }, at);
    if (tail.length > 0) this.add([tail], at);
  }

  add(chunks: readonly Buffer[], at: number): void {
    for (const chunk of chunks) {
      this.#chunks.push({ chunk, at });
      this.#bytes += chunk.length;
    }
    if (this.#bytes > this.#maxBacklogBytes) {
      if (this.#canShed()) this.#shed();
      else this.#wasFull = true;
    }
    if (!this.#scheduled) this.#split();
  }

  #split = (): void => {
    this.#scheduled = false;
    for (let budget = sliceBytes; budget > 0; ) {
      const next = this.#chunks.shift();
      if (!next) break;
      budget -= next.chunk.length;
      this.#bytes -= next.chunk.length;
      this.#sink.push(next.chunk, next.at);
    }
    if (this.#chunks.length > 0) {
      this.#scheduled = true;
      setImmediate(this.#split);
    }
    if (this.#wasFull && this.#bytes <= this.#maxBacklogBytes) {
      this.#wasFull = false;
      this.#onRoom();
    }
  };

  /** Leaves about `keepBytes` of the newest output, cut at a line boundary. */
  #shed(): void {
    let lines = 0;
    let at = 0;
    let tail: Buffer | null = null;
    while (this.#chunks.length > 0 && this.#bytes - (this.#chunks[0]?.chunk.length ?? 0) >= this.#keepBytes) {
      const dropped = this.#chunks.shift();
      if (!dropped) break;
      this.#bytes -= dropped.chunk.length;
      at = dropped.at;
      const last = dropped.chunk.lastIndexOf(10);
      // a chunk inside one very long line: that line's start is gone with it
      tail = last === -1 ? null : dropped.chunk.subarray(last + 1);
      lines += countNewlines(dropped.chunk);
    }
    if (lines === 0) return;
    this.#sink.skipped({ lines }, at);
    // the start of the line that continues in the next chunk
    if (tail && tail.length > 0) {
      this.#chunks.unshift({ chunk: tail, at });
      this.#bytes += tail.length;
    }
  }
}

function countNewlines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}
