/**
 * One log file with size-based rotation: `name.log` is renamed `name.log.1` (older ones move
 * up, beyond `keep` they are deleted, optionally gzipped) before a write would take it past
 * `maxBytes`. Lines are written synchronously at the end of the turn that read them, so what
 * tend has read but not written, were it killed, is at most one read's worth. Lines are never
 * split across files and never dropped: a failed write is reported and retried.
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { canSplice, spliceToFile } from '../native/libc.ts';

/** The most one splice() moves: the pipe holds at most 1 MiB anyway. */
const spliceChunk = 1024 * 1024;

export interface RotationOptions {
  /** 0: never rotate. */
  readonly maxBytes: number;
  readonly keep: number;
  readonly compress: boolean;
  /** Called when a write fails; the write is retried after `retryMs`. */
  readonly onError?: (error: Error) => void;
  readonly retryMs?: number;
}

/** What one drain of a pipe moved into the file. */
export interface Moved {
  /** The bytes, read back; empty when they were not asked for. */
  readonly chunks: Buffer[];
  readonly bytes: number;
}

export class RotatingFile {
  readonly file: string;
  readonly #opts: RotationOptions;
  #queue: string[] = [];
  #fd: number | null = null;
  #size = 0;
  #scheduled = false;
  #retry: NodeJS.Timeout | null = null;
  #idle: (() => void)[] = [];

  constructor(file: string, options: RotationOptions) {
    this.file = file;
    this.#opts = options;
  }

  /** Queues one line (without its newline); it is written before the next I/O callback. */
  write(line: string): void {
    this.#queue.push(`${line}\n`);
    if (this.#scheduled || this.#retry) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  /** Resolves when everything queued so far is on disk. */
  flushed(): Promise<void> {
    if (this.#queue.length === 0 && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async close(): Promise<void> {
    this.#flush();
    await this.flushed();
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #flush(): void {
    this.#scheduled = false;
    try {
      while (this.#queue.length > 0) {
        const batch = this.#takeBatch();
        try {
          this.#ensureOpen();
          const data = Buffer.from(batch.join(''));
          if (this.#opts.maxBytes > 0 && this.#size > 0 && this.#size + data.length > this.#opts.maxBytes)
            this.#rotate();
          this.#writeAll(data);
        } catch (e) {
          this.#queue.unshift(...batch);
          throw e;
        }
      }
    } catch (e) {
      this.#opts.onError?.(e instanceof Error ? e : new Error(String(e)));
      if (this.#fd !== null) closeSync(this.#fd);
      this.#fd = null;
      this.#retry = setTimeout(() => {
        this.#retry = null;
        this.#flush();
      }, this.#opts.retryMs ?? 1000);
      return;
    }
    for (const fn of this.#idle.splice(0)) fn();
  }

  #writeAll(data: Buffer): void {
    let off = 0;
    while (off < data.length)
      off += writeSync(this.#fd ?? -1, data, off, data.length - off, this.#size + off);
    this.#size += data.length;
  }

  /**
   * Moves everything waiting in a pipe into the file inside the kernel (splice), so that no
   * byte is ever only in tend's memory, and returns what was moved: read back for the ring
   * buffer and followers, or (`readBack` false, for a reader that is behind anyway) only
   * counted. Rotation happens between moves; a line may then straddle two files (it is never
   * lost). Returns null when splice() is not available.
   */
  spliceFrom(pipeFd: number, readBack = true): Moved | null {
    if (!canSplice()) return null;
    if (this.#queue.length) this.#flush();
    const chunks: Buffer[] = [];
    let bytes = 0;
    try {
      for (;;) {
        this.#ensureOpen();
        const max = this.#opts.maxBytes;
        if (max > 0 && this.#size >= max) this.#rotate();
        const room = max > 0 ? max - this.#size : spliceChunk;
        const n = spliceToFile(pipeFd, this.#fd ?? -1, this.#size, Math.min(room, spliceChunk));
        if (n === 0) break;
        if (readBack) {
          const buf = Buffer.allocUnsafe(n);
          readSync(this.#fd ?? -1, buf, 0, n, this.#size);
          chunks.push(buf);
        }
        this.#size += n;
        bytes += n;
      }
    } catch (e) {
      // what was not moved stays in the pipe for the next try
      this.#opts.onError?.(e instanceof Error ? e : new Error(String(e)));
    }
    return { chunks, bytes };
  }

  /**
   * The end of the current file, at most `maxBytes`, from the start of a line: what a reader
   * that fell behind needs to show the newest lines.
   */
  readTail(maxBytes: number): Buffer {
    if (this.#fd === null || this.#size === 0) return Buffer.alloc(0);
    const start = Math.max(0, this.#size - maxBytes);
    const buf = Buffer.allocUnsafe(this.#size - start);
    const n = readSync(this.#fd, buf, 0, buf.length, start);
    const nl = start === 0 ? -1 : buf.indexOf(10);
    return buf.subarray(nl + 1, n);
  }

  /** As many queued lines as fit in what is left of the current file (at least one). */
  #takeBatch(): string[] {
    const max = this.#opts.maxBytes;
    if (max <= 0) return this.#queue.splice(0);
    let room = this.#size > 0 ? max - this.#size : max;
    if (room <= 0) room = max;
    let bytes = 0;
    let n = 0;
    for (const line of this.#queue) {
      const len = Buffer.byteLength(line);
      if (n > 0 && bytes + len > room) break;
      bytes += len;
      n++;
    }
    return this.#queue.splice(0, Math.max(1, n));
  }

  #ensureOpen(): void {
    if (this.#fd !== null) return;
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // not O_APPEND: splice() refuses such files; every write gives its offset instead
    this.#fd = openSync(this.file, constants.O_RDWR | constants.O_CREAT, 0o600);
    this.#size = fstatSync(this.#fd).size;
  }

  #rotate(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
    const { keep, compress } = this.#opts;
    const suffix = compress ? '.gz' : '';
    rmSync(`${this.file}.${keep}${suffix}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      const from = `${this.file}.${i}${suffix}`;
      if (existsSync(from)) renameSync(from, `${this.file}.${i + 1}${suffix}`);
    }
    if (keep >= 1) {
      renameSync(this.file, `${this.file}.1`);
      if (compress) gzipInPlace(`${this.file}.1`);
    } else {
      rmSync(this.file, { force: true });
    }
    this.#ensureOpen();
  }
}

/**
 * Compressed at once, at the fastest level: a file is at most max_size, and doing it in line
 * keeps the numbering of rotated files simple and race-free.
 */
function gzipInPlace(file: string): void {
  // zlib only once a rotation compresses: loading it costs a daemon about 2 MB of memory
  const { gzipSync } = process.getBuiltinModule('node:zlib');
  writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 1 }), { mode: 0o600 });
  rmSync(file, { force: true });
}
