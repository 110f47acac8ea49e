/**
 * Turns the chunks read from a pipe into lines. A partial last line is held until its newline
 * or the end of the stream, so a line written in several pieces stays one line; a line longer
 * than `maxLine` characters is cut into pieces, never dropped. Each chunk is decoded once
 * (a UTF-8 sequence split between chunks is kept whole) and split as a string, which costs far
 * less per line than decoding every line from bytes.
 */
import { StringDecoder } from 'node:string_decoder';

/** Bytes decoded at a time. */
const decodeSlice = 32 * 1024;

export class LineSplitter {
  readonly #maxLine: number;
  readonly #emit: (line: string) => void;
  readonly #decoder = new StringDecoder('utf8');
  #partial = '';

  constructor(emit: (line: string) => void, maxLine = 64 * 1024) {
    this.#emit = emit;
    this.#maxLine = maxLine;
  }

  push(chunk: Buffer): void {
    // in slices: a string past V8's regular object size (128 KiB) lives in the large-object
    // space, which only a full collection frees, and the lines sliced from it keep it alive
    for (let off = 0; off < chunk.length; off += decodeSlice)
      this.#pushSlice(
        off === 0 && chunk.length <= decodeSlice ? chunk : chunk.subarray(off, off + decodeSlice),
      );
  }

  #pushSlice(chunk: Buffer): void {
    const text = this.#partial + this.#decoder.write(chunk);
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      this.#line(
        text.charCodeAt(nl - 1) === 13 && nl > start ? text.slice(start, nl - 1) : text.slice(start, nl),
      );
      start = nl + 1;
    }
    this.#partial = start === 0 ? text : text.slice(start);
    // a held partial line is cut only while more than a piece waits, and a CR at its end
    // does not count (it may be half of a CR LF): the pieces are then the same whatever the
    // chunking, and the last one is emitted with its newline, as for a line read whole
    while (this.#partial.length - (this.#partial.endsWith('\r') ? 1 : 0) > this.#maxLine) {
      this.#emit(this.#partial.slice(0, this.#maxLine));
      this.#partial = this.#partial.slice(this.#maxLine);
    }
  }

  /** Forgets a held partial line: what follows starts a new line. */
  reset(): void {
    this.#partial = '';
    this.#decoder.end();
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    const rest = this.#partial + this.#decoder.end();
    this.#partial = '';
    if (rest.length > 0) this.#line(rest);
  }

  #line(line: string): void {
    let rest = line;
    while (rest.length > this.#maxLine) {
      this.#emit(rest.slice(0, this.#maxLine));
      rest = rest.slice(this.#maxLine);
    }
    this.#emit(rest);
  }
}
