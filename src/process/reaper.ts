/**
 * Reaps tend's children that Node did not spawn: orphans re-parented to tend (as PID 1 or a
 * child subreaper), and services that survived a hot restart (still tend's children, unknown
 * to the new image's libuv). Children Node spawned are never touched, so no exit status is
 * stolen from child_process: they are known through Node's `child_process` diagnostics
 * channel from the moment they are created.
 */
import type { ChildProcess } from 'node:child_process';
import { subscribe } from 'node:diagnostics_channel';
import { reapChild, type WaitResult } from '../native/libc.ts';
import { childrenOf } from './proc.ts';

/** Exit statuses of children nobody watched yet, kept so a late watcher still gets its own. */
const keptStatuses = 1000;

export class Reaper {
  readonly #spawnedByNode = new Set<ChildProcess>();
  readonly #watchers = new Map<number, (end: WaitResult) => void>();
  readonly #unclaimed = new Map<number, WaitResult>();
  #started = false;
  #orphansComeHere = false;

  constructor() {
    // from now on every child Node spawns is known before it can end
    subscribe('child_process', (message) => {
      const child = (message as { process: ChildProcess }).process;
      this.#spawnedByNode.add(child);
      child.once('exit', () => this.#spawnedByNode.delete(child));
    });
  }

  /** Starts reaping on every SIGCHLD (and once now, every child, for what ended before). */
  start(): void {
    if (this.#started) return;
    this.#started = true;
    process.on('SIGCHLD', () => this.sweep());
    this.sweep({ all: true });
  }

  /**
   * tend is PID 1 or a child subreaper: orphans re-parent to it, so every SIGCHLD looks at all
   * of its children. Otherwise only the watched ones are waited for, by PID: no /proc reads
   * between a service's exit and its restart.
   */
  takeOrphans(): void {
    this.#orphansComeHere = true;
  }

  /** Whether child `pid` ended and was reaped, and its status waits for a watcher. */
  holdsStatusOf(pid: number): boolean {
    return this.#unclaimed.has(pid);
  }

  /**
   * Calls `onEnd` with the exit status once child `pid` ends. For a child Node did not spawn:
   * a service adopted across a hot restart.
   */
  watch(pid: number, onEnd: (end: WaitResult) => void): void {
    const ended = this.#unclaimed.get(pid) ?? reapChild(pid);
    if (!ended) {
      this.#watchers.set(pid, onEnd);
      return;
    }
    this.#unclaimed.delete(pid);
    queueMicrotask(() => onEnd(ended));
  }

  /** Collects every ended child that is not Node's own (or, by default, only the watched ones). */
  sweep({ all = this.#orphansComeHere } = {}): void {
    if (!all) {
      for (const [pid, watcher] of this.#watchers) {
        const end = reapChild(pid);
        if (!end) continue;
        this.#watchers.delete(pid);
        watcher(end);
      }
      return;
    }
    const nodes = new Set<number>();
    for (const c of this.#spawnedByNode) if (c.pid !== undefined) nodes.add(c.pid);
    for (const pid of childrenOf(process.pid)) {
      if (nodes.has(pid)) continue;
      const end = reapChild(pid);
      if (!end) continue;
      const watcher = this.#watchers.get(pid);
      if (watcher) {
        this.#watchers.delete(pid);
        watcher(end);
        continue;
      }
      this.#unclaimed.set(pid, end);
      if (this.#unclaimed.size > keptStatuses) {
        const oldest = this.#unclaimed.keys().next().value;
        if (oldest !== undefined) this.#unclaimed.delete(oldest);
      }
    }
  }
}

/** The one reaper of this process. */
export const reaper = new Reaper();
