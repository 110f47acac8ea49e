/**
 * One service instance's output: its named pipes (opened once, kept across restarts and
 * across tend's own restarts), the move of their bytes into the log file, and the splitting
 * of those bytes into stamped, numbered lines for the ring buffer, followers and readiness.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Fifo } from '../logs/fifo.ts';
import { LineSplitter } from '../logs/line-splitter.ts';
import type { LogStream } from '../logs/log-line.ts';
import { SplitBacklog } from '../logs/split-backlog.ts';
import type { TimerHandle } from './clock.ts';
import type { RunnerHost } from './service-runner.ts';
import type { ServiceSpec } from './service-spec.ts';

/** What the output needs to know of its instance, read at the moment it is needed. */
export interface OutputOwner {
  readonly name: string;
  spec(): ServiceSpec;
  /** While starting, a log readiness probe reads every line. */
  isStarting(): boolean;
  /** Every line, before it is logged (the readiness probe's view). */
  onLine(text: string): void;
}

type Host = Pick<RunnerHost, 'clock' | 'pipeDir' | 'drainPipe' | 'readTail' | 'everyLineWanted' | 'log'>;

interface LineFeed {
  push(chunk: Buffer, inFile: boolean, at?: number): void;
  reset(): void;
}

export class ServiceOutput {
  readonly #owner: OutputOwner;
  readonly #host: Host;
  #fifos: { readonly out: Fifo; readonly err: Fifo } | null = null;
  #seq = 0;
  /** Cancels the pending re-drains of the pipes (they must not touch a closed fd). */
  readonly #cancels: (() => void)[] = [];

  constructor(owner: OutputOwner, host: Host) {
    this.#owner = owner;
    this.#host = host;
  }

  /** The named pipes, opened (and read) once; null without a pipe dir. */
  open(): { out: Fifo; err: Fifo } | null {
    if (this.#fifos || this.#host.pipeDir === null) return this.#fifos;
    ensureDir(this.#host.pipeDir);
    const out = Fifo.open(path.join(this.#host.pipeDir, `${this.#owner.name}.out`));
    let err: Fifo;
    try {
      err = Fifo.open(path.join(this.#host.pipeDir, `${this.#owner.name}.err`));
    } catch (e) {
      // out of descriptors: nothing half-open is left behind
      out.close({ remove: true });
      throw e;
    }
    this.#fifos = { out, err };
    try {
      this.#attach(out, 'stdout');
      this.#attach(err, 'stderr');
    } catch (e) {
      this.close();
      throw e;
    }
    return this.#fifos;
  }

  /** Reads a plain pipe (when there are no named pipes). */
  capture(stream: NodeJS.ReadableStream, name: LogStream): void {
    const feed = this.#lineFeed(name);
    stream.on('data', (chunk: Buffer) => feed.push(chunk, false));
  }

  /** Stops reading the named pipes; after a clean stop they are removed (nothing is left in them). */
  close({ remove = true } = {}): void {
    for (const cancel of this.#cancels.splice(0)) cancel();
    this.#fifos?.out.close({ remove });
    this.#fifos?.err.close({ remove });
    this.#fifos = null;
  }

  /**
   * Where the log hub can move a pipe's bytes into the file itself (splice), tend only watches
   * the pipe and reads back what was moved: a kill -9 of tend then loses nothing. Otherwise
   * tend reads the pipe.
   */
  #attach(fifo: Fifo, stream: LogStream): void {
    const { name } = this.#owner;
    const clock = this.#host.clock;
    const feed = this.#lineFeed(stream);
    const keepBytes = Math.max(1 << 20, this.#owner.spec().logs.bufferBytes);
    const backlog = new SplitBacklog(
      {
        push: (chunk, at) => feed.push(chunk, true, at),
        skipped: (count, at) => {
          feed.reset();
          const what =
            'lines' in count ? `${count.lines} lines` : `${(count.bytes / 2 ** 20).toFixed(1)} MB of output`;
          if ('lines' in count) this.#seq += count.lines;
          const text = `[tend] ${what} went to the log file only: the writer outran their splitting into lines`;
          this.#host.log({ service: name, stream, text, at, seq: ++this.#seq, inFile: true });
        },
      },
      {
        keepBytes,
        canShed: () => !this.#owner.isStarting() && !this.#host.everyLineWanted(name),
        onRoom: () => drain(),
      },
    );
    // A splitting that is behind would shed what it reads back: while it is, the pipe is only
    // moved into the file, and the newest part is read back once the writer pauses (or every
    // quarter second while it does not), so `tend logs` still ends with the newest lines.
    let unread = 0;
    let behindSince = 0;
    let catchUp: TimerHandle | null = null;
    const readTail = () => {
      catchUp = null;
      const skipped = unread;
      unread = 0;
      behindSince = 0;
      backlog.restart(this.#host.readTail(name, stream, keepBytes), skipped, clock.now());
    };
    const behind = (bytes: number) => {
      unread += bytes;
      const now = clock.now();
      if (behindSince === 0) behindSince = now;
      catchUp?.cancel();
      catchUp = clock.setTimer(Math.min(20, Math.max(0, behindSince + 250 - now)), readTail);
    };
    // the pipe is emptied into the file at once; its lines are split after, in slices
    let again: TimerHandle | null = null;
    this.#cancels.push(() => {
      again?.cancel();
      again = null;
    });
    const drain = () => {
      if (backlog.full) return true;
      const skip = backlog.canShed && (unread > 0 || backlog.bytes >= keepBytes);
      const moved = this.#host.drainPipe(name, stream, fifo.fd, !skip);
      if (moved === null) return false;
      // a drain stops at its limit; the rest of the pipe is moved in the next turn, as no
      // new write may come to say it is there
      if (moved.more && !again)
        again = clock.setTimer(0, () => {
          again = null;
          drain();
        });
      if (skip) {
        if (moved.bytes > 0) behind(moved.bytes);
      } else if (moved.chunks.length > 0) {
        if (unread > 0) readTail();
        backlog.add(moved.chunks, clock.now());
      }
      return true;
    };
    if (drain()) fifo.watch(drain);
    else fifo.read((chunk) => feed.push(chunk, false));
  }

  /** A line that is not the process's own (a hook's output), numbered with the others. */
  note(stream: LogStream, text: string): void {
    this.#host.log({ service: this.#owner.name, stream, text, at: this.#host.clock.now(), seq: ++this.#seq });
  }

  /** Splits a stream's chunks into lines; `inFile` says the bytes are already in the log file. */
  #lineFeed(stream: LogStream): LineFeed {
    // one clock reading per read: every line of a chunk arrived at the same moment
    let at = 0;
    let inFile = false;
    const service = this.#owner.name;
    const splitter = new LineSplitter((text) => {
      this.#owner.onLine(text);
      this.#host.log({ service, stream, text, at, seq: ++this.#seq, inFile });
    }, this.#owner.spec().maxLineBytes);
    const clock = this.#host.clock;
    return {
      push(chunk, moved, arrived) {
        at = arrived ?? clock.now();
        inFile = moved;
        splitter.push(chunk);
      },
      reset: () => splitter.reset(),
    };
  }
}

const madeDirs = new Set<string>();

/** Creates a folder once per process (every service's pipes share one). */
function ensureDir(dir: string): void {
  if (madeDirs.has(dir)) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  madeDirs.add(dir);
}
