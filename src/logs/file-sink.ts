/**
 * Appends each service's lines to `<log dir>/<name>.log`. Files are opened on the first line
 * and written through streams, so a slow disk never blocks the kernel; writes are queued,
 * never dropped.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { LogLine } from './log-line.ts';

export class FileSink {
  readonly #dir: string;
  readonly #files = new Map<string, WriteStream>();
  #created = false;

  constructor(dir: string) {
    this.#dir = dir;
  }

  pathOf(service: string): string {
    return path.join(this.#dir, `${service}.log`);
  }

  write(line: LogLine): void {
    let file = this.#files.get(line.service);
    if (!file) {
      if (!this.#created) {
        mkdirSync(this.#dir, { recursive: true, mode: 0o700 });
        this.#created = true;
      }
      file = createWriteStream(this.pathOf(line.service), { flags: 'a' });
      // a failing file (disk full, permissions) must not take tend down
      file.on('error', () => {});
      this.#files.set(line.service, file);
    }
    file.write(`${line.text}\n`);
  }

  async close(): Promise<void> {
    const files = [...this.#files.values()];
    this.#files.clear();
    await Promise.all(files.map((f) => new Promise<void>((resolve) => f.end(resolve))));
  }
}
