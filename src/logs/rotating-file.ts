/**
 * One log file with size-based rotation: `name.log` is renamed `name.log.1` (older ones move
 * up, beyond `keep` they are deleted, optionally gzipped) before a write would take it past
 * `maxBytes`. Lines are written synchronously at the end of the turn that read them, so what
 * tend has read but not written, were it killed, is at most one read's worth. Lines are never
 * split across files. A file that cannot be written (a full disk) is reported once; while it
 * fails, the pipe is still emptied so the service never blocks, the newest output waits in
 * memory (bounded, held-output.ts), and the file is retried; once it works again a marker line
 * says how much was dropped.
 */
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  ftruncateSync,
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
import { type Dropped, defaultHoldBytes, HeldOutput } from './held-output.ts';

/** The most one splice() moves: the pipe holds at most 1 MiB anyway. */
const spliceChunk = 1024 * 1024;

export interface RotationOptions {
  /** 0: never rotate. */
  readonly maxBytes: number;
  readonly keep: number;
  readonly compress: boolean;
  /** Called once when writes start to fail; the file is retried every `retryMs`. */
  readonly onError?: (error: Error) => void;
  /** Called when the file takes writes again, with what could not be kept meanwhile. */
  readonly onResume?: (dropped: Dropped) => void;
  readonly retryMs?: number;
  /** The most output held in memory while the file fails (default 1 MiB). */
  readonly holdBytes?: number;
}

/** Why a file is not being written, since when, and what was lost so far. */
export interface WriteProblem {
  readonly error: string;
  readonly since: number;
  readonly attempts: number;
  readonly heldBytes: number;
  readonly dropped: Dropped;
}

/** The largest read from a pipe while its file fails. */
const readChunk = 64 * 1024;

/** What one drain of a pipe moved into the file. */
export interface Moved {
  /** The bytes, read back; empty when they were not asked for. */
  readonly chunks: Buffer[];
  readonly bytes: number;
  /** The pipe may hold more: the move stopped at its limit, so the caller asks again soon. */
  readonly more: boolean;
}

/**
 * The most one drain moves: a writer as fast as splice() (`yes`) would otherwise keep one
 * drain going, and what it reads back growing, for as long as it writes.
 */
export const drainLimit = 4 * 1024 * 1024;

export class RotatingFile {
  readonly file: string;
  readonly #opts: RotationOptions;
  #queue: string[] = [];
  #fd: number | null = null;
  #size = 0;
  #scheduled = false;
  #retry: NodeJS.Timeout | null = null;
  #idle: (() => void)[] = [];
  #failing: {
    readonly error: Error;
    readonly since: number;
    attempts: number;
    readonly held: HeldOutput;
    /** The file ended inside a line when writes began to fail. */
    readonly cutLine: boolean;
  } | null = null;
  #closed = false;

  constructor(file: string, options: RotationOptions) {
    this.file = file;
    this.#opts = options;
  }

  /** Queues one line (without its newline); it is written before the next I/O callback. */
  write(line: string): void {
    if (this.#failing) {
      this.#failing.held.add(Buffer.from(`${line}\n`));
      return;
    }
    this.#queue.push(`${line}\n`);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#flush());
  }

  /** Resolves when everything queued so far is on disk. */
  flushed(): Promise<void> {
    if (this.#queue.length === 0 && !this.#scheduled) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /**
   * Why the file is not being written, or null while it is. While it fails, what is held (at
   * most `holdBytes`) is lost if tend stops before the file works again.
   */
  problem(): WriteProblem | null {
    const f = this.#failing;
    if (!f) return null;
    return {
      error: f.error.message,
      since: f.since,
      attempts: f.attempts,
      heldBytes: f.held.bytes,
      dropped: f.held.dropped,
    };
  }

  async close(): Promise<void> {
    this.#flush();
    await this.flushed();
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #flush(): void {
    this.#scheduled = false;
    try {
      while (this.#queue.length > 0 && !this.#failing) {
        const batch = this.#takeBatch();
        try {
          this.#ensureOpen();
          this.#writeWhole(Buffer.from(batch.join('')));
        } catch (e) {
          const held = this.#fail(e);
          for (const line of batch) held.add(Buffer.from(line));
        }
      }
    } finally {
      // while the file fails, what is queued is held in memory instead
      for (const line of this.#queue.splice(0)) this.#failing?.held.add(Buffer.from(line));
    }
    for (const fn of this.#idle.splice(0)) fn();
  }

  /** Writes a batch into the current file (rotating first when it would not fit), or nothing. */
  #writeWhole(data: Buffer): void {
    if (this.#opts.maxBytes > 0 && this.#size > 0 && this.#size + data.length > this.#opts.maxBytes)
      this.#rotate();
    const before = this.#size;
    try {
      let off = 0;
      while (off < data.length) off += writeSync(this.#fd ?? -1, data, off, data.length - off, before + off);
      this.#size = before + data.length;
    } catch (e) {
      // a write cut short by a full disk is taken back: the file never ends in half a batch
      try {
        if (this.#fd !== null) ftruncateSync(this.#fd, before);
      } catch {
        // the next try writes at `before` anyway
      }
      throw e;
    }
  }

  /** Writes start to fail: reported once, retried on a timer until the file works again. */
  #fail(e: unknown): HeldOutput {
    if (this.#failing) return this.#failing.held;
    const error = e instanceof Error ? e : new Error(String(e));
    this.#failing = {
      error,
      since: Date.now(),
      attempts: 1,
      held: new HeldOutput(this.#opts.holdBytes ?? defaultHoldBytes),
      cutLine: this.#endsInsideLine(),
    };
    this.#opts.onError?.(error);
    this.#armRetry();
    return this.#failing.held;
  }

  #armRetry(): void {
    if (this.#retry || this.#closed) return;
    this.#retry = setTimeout(() => {
      this.#retry = null;
      this.#tryResume();
    }, this.#opts.retryMs ?? 1000);
  }

  /**
   * The marker and what was held, in one write; when that works, writing goes on as before.
   * Nothing dropped: the held output continues the file as if nothing happened.
   */
  #tryResume(): void {
    const f = this.#failing;
    if (!f) return;
    f.attempts++;
    const { lines, bytes } = f.held.dropped;
    const parts: Buffer[] = [];
    if (lines > 0 || bytes > 0) {
      const until = new Date().toISOString();
      const marker = `[tend] ${lines} lines (${bytes} bytes) of output were dropped while this file could not be written (${f.error.message}) from ${new Date(f.since).toISOString()} to ${until}\n`;
      parts.push(Buffer.from(f.cutLine ? `\n${marker}` : marker));
    }
    parts.push(f.held.contents());
    try {
      this.#ensureOpen();
      this.#writeWhole(Buffer.concat(parts));
    } catch {
      if (this.#fd !== null) closeSync(this.#fd);
      this.#fd = null;
      this.#armRetry();
      return;
    }
    const dropped = f.held.dropped;
    f.held.clear();
    this.#failing = null;
    this.#opts.onResume?.(dropped);
  }

  /** Whether the file's last byte is not a newline (a splice stopped inside a line). */
  #endsInsideLine(): boolean {
    if (this.#fd === null || this.#size === 0) return false;
    try {
      const b = Buffer.alloc(1);
      readSync(this.#fd, b, 0, 1, this.#size - 1);
      return b[0] !== 10;
    } catch {
      return false;
    }
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
    if (this.#failing) return this.#readWhileFailing(pipeFd, readBack, chunks, bytes);
    try {
      for (;;) {
        this.#ensureOpen();
        const max = this.#opts.maxBytes;
        if (max > 0 && this.#size >= max) this.#rotate();
        const room = max > 0 ? max - this.#size : spliceChunk;
        if (bytes >= drainLimit) return { chunks, bytes, more: true };
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
      // what was not moved is still in the pipe: read from there while the file fails
      this.#fail(e);
      return this.#readWhileFailing(pipeFd, readBack, chunks, bytes);
    }
    return { chunks, bytes, more: false };
  }

  /**
   * Empties the pipe into memory while the file cannot take it, so the service never blocks
   * on a full pipe; the newest `holdBytes` wait for the file, lines still reach the ring
   * buffer and followers.
   */
  #readWhileFailing(pipeFd: number, readBack: boolean, chunks: Buffer[], moved: number): Moved {
    const held = this.#failing?.held;
    let bytes = moved;
    for (;;) {
      if (bytes >= drainLimit) return { chunks, bytes, more: true };
      const buf = Buffer.allocUnsafe(readChunk);
      let n = 0;
      try {
        n = readSync(pipeFd, buf, 0, readChunk, null);
      } catch {
        break; // EAGAIN: the pipe is empty
      }
      if (n <= 0) break;
      const chunk = buf.subarray(0, n);
      held?.add(chunk);
      if (readBack) chunks.push(chunk);
      bytes += n;
    }
    return { chunks, bytes, more: false };
  }

  /**
   * The end of the current file, at most `maxBytes`, from the start of a line: what a reader
   * that fell behind needs to show the newest lines.
   */
  readTail(maxBytes: number): Buffer {
    if (this.#failing) return this.#failing.held.tail(maxBytes);
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
