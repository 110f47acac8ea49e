/**
 * Turns the chunks read from a pipe into lines. A partial last line is held until its newline
 * or the end of the stream, so a line written in several pieces stays one line; a line longer
 * than `maxLineBytes` is cut into pieces, never dropped.
 */

export class LineSplitter {
  readonly #maxLineBytes: number;
  readonly #emit: (line: string) => void;
  #partial: Buffer[] = [];
  #partialBytes = 0;

  constructor(emit: (line: string) => void, maxLineBytes = 64 * 1024) {
    this.#emit = emit;
    this.#maxLineBytes = maxLineBytes;
  }

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) break;
      this.#complete(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) this.#hold(chunk.subarray(start));
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    if (this.#partialBytes > 0) this.#complete(Buffer.alloc(0));
  }

  #complete(tail: Buffer): void {
    let line: Buffer;
    if (this.#partialBytes === 0) {
      line = tail;
    } else {
      this.#partial.push(tail);
      line = Buffer.concat(this.#partial);
      this.#partial = [];
      this.#partialBytes = 0;
    }
    if (line.length > 0 && line[line.length - 1] === 13) line = line.subarray(0, line.length - 1);
    // a line longer than the limit arrives in pieces of the limit's size
    while (line.length > this.#maxLineBytes) {
      this.#emit(line.subarray(0, this.#maxLineBytes).toString('utf8'));
      line = line.subarray(this.#maxLineBytes);
    }
    this.#emit(line.toString('utf8'));
  }

  #hold(piece: Buffer): void {
    // copy: the chunk's memory belongs to the stream and may be reused
    this.#partial.push(Buffer.from(piece));
    this.#partialBytes += piece.length;
    while (this.#partialBytes >= this.#maxLineBytes) {
      const all = Buffer.concat(this.#partial);
      this.#emit(all.subarray(0, this.#maxLineBytes).toString('utf8'));
      const rest = all.subarray(this.#maxLineBytes);
      this.#partial = rest.length ? [rest] : [];
      this.#partialBytes = rest.length;
    }
  }
}
