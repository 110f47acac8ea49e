/**
 * One log file with size-based rotation: `name.log` is renamed `name.log.1` (older ones move
 * up, beyond `keep` they are deleted, optionally gzipped) before a write would take it past
 * `maxBytes`. Lines are never split across files and never dropped: a write that fails (disk
 * full, permissions) is reported and retried, the lines stay queued.
 */
import { createReadStream, createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { type FileHandle, mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

export interface RotationOptions {
  /** 0: never rotate. */
  readonly maxBytes: number;
  readonly keep: number;
  readonly compress: boolean;
  /** Called when a write fails; the write is retried after `retryMs`. */
  readonly onError?: (error: Error) => void;
  readonly retryMs?: number;
}

export class RotatingFile {
  readonly file: string;
  readonly #opts: RotationOptions;
  #queue: string[] = [];
  #handle: FileHandle | null = null;
  #size = 0;
  #busy = false;
  #idle: (() => void)[] = [];
  #closed = false;

  constructor(file: string, options: RotationOptions) {
    this.file = file;
    this.#opts = options;
  }

  /** Queues one line (without its newline). */
  write(line: string): void {
    this.#queue.push(`${line}\n`);
    if (!this.#busy) void this.#drain();
  }

  /** Resolves when everything queued so far is on disk (or the file is closed). */
  flushed(): Promise<void> {
    if (!this.#busy && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async close(): Promise<void> {
    await this.flushed();
    this.#closed = true;
    await this.#handle?.close();
    this.#handle = null;
  }

  async #drain(): Promise<void> {
    this.#busy = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const batch = this.#takeBatch();
        try {
          await this.#ensureOpen();
          const data = Buffer.from(batch.join(''));
          if (this.#opts.maxBytes > 0 && this.#size > 0 && this.#size + data.length > this.#opts.maxBytes) {
            await this.#rotate();
          }
          await this.#handle?.write(data);
          this.#size += data.length;
        } catch (e) {
          this.#queue.unshift(...batch);
          this.#opts.onError?.(e instanceof Error ? e : new Error(String(e)));
          await this.#handle?.close().catch(() => {});
          this.#handle = null;
          await new Promise((r) => setTimeout(r, this.#opts.retryMs ?? 1000));
        }
      }
    } finally {
      this.#busy = false;
      for (const fn of this.#idle.splice(0)) fn();
    }
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
      if (bytes >= room) break;
    }
    return this.#queue.splice(0, Math.max(1, n));
  }

  async #ensureOpen(): Promise<void> {
    if (this.#handle) return;
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.#handle = await open(this.file, 'a', 0o600);
    this.#size = (await this.#handle.stat()).size;
  }

  async #rotate(): Promise<void> {
    await this.#handle?.close();
    this.#handle = null;
    const { keep, compress } = this.#opts;
    const suffix = compress ? '.gz' : '';
    rmSync(`${this.file}.${keep}${suffix}`, { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      const from = `${this.file}.${i}${suffix}`;
      if (existsSync(from)) renameSync(from, `${this.file}.${i + 1}${suffix}`);
    }
    if (keep >= 1) {
      renameSync(this.file, `${this.file}.1`);
      if (compress) await gzipInPlace(`${this.file}.1`);
    } else {
      rmSync(this.file, { force: true });
    }
    await this.#ensureOpen();
  }
}

async function gzipInPlace(file: string): Promise<void> {
  await pipeline(createReadStream(file), createGzip(), createWriteStream(`${file}.gz`, { mode: 0o600 }));
  rmSync(file, { force: true });
}
