/**
 * A named pipe per output stream of a service, in tend's state dir, so that the pipe outlives
 * tend. tend keeps it open read-write, which means the service never gets EPIPE even when no
 * tend reads, and a new tend re-opens it by path and reads on where the old one stopped.
 * tend reads through a non-blocking fd wrapped in a net.Socket (a libuv pipe on epoll).
 */
import {
  closeSync,
  constants,
  existsSync,
  type FSWatcher,
  lstatSync,
  openSync,
  rmSync,
  watch,
} from 'node:fs';
import net from 'node:net';
import { makeFifo, setPipeSize } from '../native/libc.ts';

/** While no tend reads, this much output waits in the kernel before the service blocks. */
const pipeBytes = 1024 * 1024;

export class Fifo {
  readonly path: string;
  readonly #fd: number;
  #reader: net.Socket | null = null;
  #watcher: FSWatcher | null = null;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /** Reads the pipe into tend (the fallback when output cannot be spliced into its file). */
  read(onData: (chunk: Buffer) => void): void {
    this.#reader = new net.Socket({ fd: this.#fd, readable: true, writable: false });
    this.#reader.on('error', () => {});
    this.#reader.on('data', onData);
  }

  /**
   * Calls `onWrite` whenever something is written to the pipe, without reading it (inotify
   * reports writes to a FIFO): the caller then moves the bytes out with splice().
   */
  watch(onWrite: () => void): void {
    this.#watcher = watch(this.path, { persistent: true }, () => onWrite());
    this.#watcher.on('error', () => {});
  }

  /** Opens (creating if needed) the FIFO at `path` for reading. */
  static open(path: string): Fifo {
    if (existsSync(path) && !lstatSync(path).isFIFO()) rmSync(path, { force: true });
    if (!existsSync(path) && !makeFifo(path)) throw new Error(`could not create the named pipe ${path}`);
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    setPipeSize(fd, pipeBytes);
    return new Fifo(path, fd);
  }

  /** A blocking read-write fd on the same pipe, to hand to the child as stdout or stderr. */
  childFd(): number {
    return openSync(this.path, constants.O_RDWR);
  }

  get fd(): number {
    return this.#fd;
  }

  /** Stops reading; `remove` deletes the FIFO too (after a clean stop, nothing is left to read). */
  close({ remove = false } = {}): void {
    this.#watcher?.close();
    if (this.#reader) this.#reader.destroy();
    else closeFd(this.#fd);
    if (remove) rmSync(this.path, { force: true });
  }
}

export function closeFd(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
