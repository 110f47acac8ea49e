/** One line of a service's output, as every log consumer (terminal, file, follower) sees it. */

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  readonly service: string;
  readonly stream: LogStream;
  readonly text: string;
  /** When tend read the line (ms since the epoch). */
  readonly at: number;
  /** Numbered per instance, so followers and merges keep order. */
  readonly seq: number;
  /** Already in the log file (moved there by splice); the hub must not write it again. */
  readonly inFile?: boolean;
}

/** The same record, once stored. */
export type StoredLine = LogLine;
