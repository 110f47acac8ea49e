/**
 * Where every line a service writes goes: numbered, kept in the service's ring buffer,
 * appended to its file (rotated by size), and handed to followers. Followers get lines in
 * batches, once per turn of the event loop, so a fast writer costs one message per batch.
 */
import path from 'node:path';
import type { Dropped } from './held-output.ts';
import type { LogLine, LogStream, StoredLine } from './log-line.ts';
import { RingBuffer } from './ring-buffer.ts';
import { type Moved, RotatingFile, type WriteProblem } from './rotating-file.ts';

export interface LogOptions {
  readonly bufferLines: number;
  readonly bufferBytes: number;
  /** The file for the service's output; null: `<log dir>/<name>.log`. */
  readonly file: string | null;
  /** stdout and stderr in two files (`name.log`, `name.err.log`) instead of one. */
  readonly split: boolean;
  /** Prefix each line in the file with its time (ISO 8601). */
  readonly timestamps: boolean;
  readonly maxBytes: number;
  readonly keep: number;
  readonly compress: boolean;
}

export const defaultLogOptions: LogOptions = {
  bufferLines: 1000,
  bufferBytes: 1024 * 1024,
  file: null,
  split: false,
  timestamps: false,
  maxBytes: 50 * 1024 * 1024,
  keep: 5,
  compress: false,
};

export interface LogQuery {
  /** Exact instance names; absent: every service. */
  readonly names?: readonly string[] | undefined;
  /** The last N lines (after the other filters). */
  readonly lines?: number | undefined;
  /** Only lines at or after this time (ms since the epoch). */
  readonly since?: number | undefined;
  readonly stream?: LogStream | undefined;
  readonly grep?: RegExp | undefined;
}

interface ServiceLog {
  readonly options: LogOptions;
  readonly ring: RingBuffer;
  readonly out: RotatingFile;
  readonly err: RotatingFile;
}

interface Follower {
  readonly query: LogQuery;
  readonly deliver: (lines: StoredLine[]) => void;
  pending: StoredLine[];
}

/** What the hub tells its owner about a service's log files. */
export interface LogFileEvents {
  /** A file stopped taking writes (reported once until it works again). */
  onError?(service: string, file: string, error: Error): void;
  /** It takes writes again; `dropped` is what could not be held meanwhile. */
  onResume?(service: string, file: string, error: Error, dropped: Dropped): void;
}

export class LogHub {
  readonly #dir: string;
  readonly #events: LogFileEvents;
  readonly #logs = new Map<string, ServiceLog>();
  readonly #options = new Map<string, LogOptions>();
  readonly #followers = new Set<Follower>();
  #flushScheduled = false;

  constructor(dir: string, events: LogFileEvents = {}) {
    this.#dir = dir;
    this.#events = events;
  }

  /** Options for a service (by base name); instances share them, each with its own file. */
  configure(base: string, options: LogOptions): void {
    this.#options.set(base, options);
  }

  fileOf(service: string, stream: LogStream = 'stdout'): string {
    return this.#log(service)[stream === 'stdout' ? 'out' : 'err'].file;
  }

  #log(service: string): ServiceLog {
    let log = this.#logs.get(service);
    if (log) return log;
    const options = this.#options.get(service.split(':')[0] ?? service) ?? defaultLogOptions;
    const base = options.file
      ? service.includes(':')
        ? options.file.replace(/(\.log)?$/, `-${service.split(':')[1]}$1`)
        : options.file
      : path.join(this.#dir, `${service}.log`);
    const rotation = (file: string) => {
      let last: Error | null = null;
      return {
        maxBytes: options.maxBytes,
        keep: options.keep,
        compress: options.compress,
        onError: (e: Error) => {
          last = e;
          this.#events.onError?.(service, file, e);
        },
        onResume: (dropped: Dropped) =>
          this.#events.onResume?.(service, file, last ?? new Error('unknown'), dropped),
      };
    };
    const out = new RotatingFile(base, rotation(base));
    const errFile = base.replace(/(\.log)?$/, '.err$1');
    const err = options.split ? new RotatingFile(errFile, rotation(errFile)) : out;
    log = { options, ring: new RingBuffer(options.bufferLines, options.bufferBytes), out, err };
    this.#logs.set(service, log);
    return log;
  }

  /**
   * Moves a service's pipe content straight into its file (no byte only in tend's memory);
   * null when the file transforms lines (timestamps) or splice() is missing: then read it.
   */
  drainPipe(service: string, stream: LogStream, pipeFd: number, readBack = true): Moved | null {
    const log = this.#log(service);
    if (log.options.timestamps) return null;
    return (stream === 'stdout' ? log.out : log.err).spliceFrom(pipeFd, readBack);
  }

  /** Why a service's log file is not being written (the first of its files that fails), or null. */
  problem(service: string): (WriteProblem & { readonly file: string }) | null {
    const log = this.#logs.get(service);
    if (!log) return null;
    for (const f of log.out === log.err ? [log.out] : [log.out, log.err]) {
      const p = f.problem();
      if (p) return { ...p, file: f.file };
    }
    return null;
  }

  /** The newest part of a service's log file, from a line start (see RotatingFile.readTail). */
  readTail(service: string, stream: LogStream, maxBytes: number): Buffer {
    const log = this.#log(service);
    return (stream === 'stdout' ? log.out : log.err).readTail(maxBytes);
  }

  push(line: LogLine): void {
    const log = this.#log(line.service);
    const stored: StoredLine = line;
    log.ring.push(stored);
    if (!line.inFile) {
      const file = line.stream === 'stdout' ? log.out : log.err;
      file.write(log.options.timestamps ? `${new Date(line.at).toISOString()} ${line.text}` : line.text);
    }
    if (this.#followers.size === 0) return;
    for (const f of this.#followers) if (matches(f.query, stored)) f.pending.push(stored);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => this.#flushFollowers());
    }
  }

  #flushFollowers(): void {
    this.#flushScheduled = false;
    for (const f of this.#followers) {
      if (f.pending.length === 0) continue;
      const batch = f.pending;
      f.pending = [];
      f.deliver(batch);
    }
  }

  /** Lines from the ring buffers, merged by time across services. */
  get(query: LogQuery): StoredLine[] {
    const services = [...this.#logs.keys()].filter((s) => selects(query.names, s));
    const all = services
      .flatMap((s) => this.#logs.get(s)?.ring.lines() ?? [])
      .filter((l) => matches(query, l));
    all.sort((a, b) => a.at - b.at || (a.service === b.service ? a.seq - b.seq : 0));
    return query.lines === undefined ? all : all.slice(Math.max(0, all.length - query.lines));
  }

  /** Whether a follower reads this service's lines. */
  isFollowed(service: string): boolean {
    for (const f of this.#followers) if (selects(f.query.names, service)) return true;
    return false;
  }

  /** New lines as they come; the returned function stops following. */
  follow(query: LogQuery, deliver: (lines: StoredLine[]) => void): () => void {
    const f: Follower = { query, deliver, pending: [] };
    this.#followers.add(f);
    return () => this.#followers.delete(f);
  }

  /** Everything written so far is on disk. */
  async flushed(): Promise<void> {
    await Promise.all([...this.#logs.values()].flatMap((l) => [l.out.flushed(), l.err.flushed()]));
  }

  async close(): Promise<void> {
    this.#followers.clear();
    await Promise.all([...this.#logs.values()].flatMap((l) => [l.out.close(), l.err.close()]));
  }
}

/** Names are exact instance names, resolved by the caller (globs and bases included). */
function selects(names: readonly string[] | undefined, service: string): boolean {
  return !names || names.includes(service);
}

function matches(q: LogQuery, l: StoredLine): boolean {
  return (
    selects(q.names, l.service) &&
    (q.stream === undefined || l.stream === q.stream) &&
    (q.since === undefined || l.at >= q.since) &&
    (q.grep === undefined || q.grep.test(l.text))
  );
}
