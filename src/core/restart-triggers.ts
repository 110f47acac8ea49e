/**
 * What restarts a running service besides its own exit, as PM2 users rely on: a schedule
 * (`cron_restart`), file changes (`watch`, once per burst of changes), and memory
 * (`max_memory`: the process group's RSS, read from /proc at `max_memory_check` for the
 * services that set it, and for no other). Each restart names its trigger in its reason.
 * Only active instances are restarted: a service someone stopped stays stopped.
 */
import { type FSWatcher, watch } from 'node:fs';
import path from 'node:path';
import { groupStats } from '../process/proc.ts';
import type { Clock, TimerHandle } from './clock.ts';
import { parseSchedule } from './schedule.ts';

export interface WatchSpec {
  /** Absolute paths: folders (everything under them), files, or globs. */
  readonly paths: readonly string[];
  /** Globs; one without "/" matches a file's name, one with "/" its path under the cwd. */
  readonly ignore: readonly string[];
  readonly debounceMs: number;
}

export interface TriggerSpec {
  readonly name: string;
  readonly cwd: string | null;
  readonly cronRestart: string | null;
  readonly watch: WatchSpec | null;
  readonly maxMemoryBytes: number | null;
  readonly memoryCheckMs: number;
}

export interface TriggerHost {
  readonly clock: Clock;
  /** The service's instances that run now, with their process group. */
  active(base: string): { name: string; pgid: number }[];
  restart(names: readonly string[], why: string, cause: 'cron' | 'watch' | 'memory'): void;
}

/** Folders nobody wants a restart for. */
const alwaysIgnored = ['node_modules', '.git', '.tend'];

export function startTriggers(spec: TriggerSpec, host: TriggerHost): () => void {
  const stops: (() => void)[] = [];
  const restartActive = (cause: 'cron' | 'watch') => (why: string) => {
    const names = host.active(spec.name).map((i) => i.name);
    if (names.length) host.restart(names, why, cause);
  };
  if (spec.cronRestart) stops.push(cronTrigger(spec.cronRestart, host.clock, restartActive('cron')));
  if (spec.watch)
    stops.push(watchTrigger(spec.watch, spec.cwd ?? process.cwd(), host.clock, restartActive('watch')));
  if (spec.maxMemoryBytes !== null) stops.push(memoryTrigger(spec, spec.maxMemoryBytes, host));
  return () => {
    for (const stop of stops) stop();
  };
}

function cronTrigger(text: string, clock: Clock, restart: (why: string) => void): () => void {
  const schedule = parseSchedule(text);
  let timer: TimerHandle | null = null;
  const arm = (after: number) => {
    const at = schedule.next(after);
    if (at === null) return;
    timer = clock.setTimer(at - clock.now(), () => {
      restart(`cron_restart (${text})`);
      arm(at);
    });
  };
  arm(clock.now());
  return () => timer?.cancel();
}

function watchTrigger(
  spec: WatchSpec,
  cwd: string,
  clock: Clock,
  restart: (why: string) => void,
): () => void {
  const watchers: FSWatcher[] = [];
  let pending: TimerHandle | null = null;
  let first: string | null = null;
  // one write can come as several events: a burst is counted in files
  const others = new Set<string>();
  const ignored = (file: string) => {
    const rel = path.relative(cwd, file);
    if (rel.split(path.sep).some((part) => alwaysIgnored.includes(part))) return true;
    return spec.ignore.some((g) =>
      g.includes('/') ? path.matchesGlob(rel, g) : path.matchesGlob(path.basename(file), g),
    );
  };
  const changed = (file: string) => {
    if (ignored(file)) return;
    const shown = path.relative(cwd, file) || file;
    first ??= shown;
    if (shown !== first) others.add(shown);
    // one restart per burst: the timer moves with every change and fires once they stop
    pending?.cancel();
    pending = clock.setTimer(spec.debounceMs, () => {
      const more = others.size;
      const why = `watch: ${first}${more ? ` and ${more} more file${more > 1 ? 's' : ''}` : ''} changed`;
      pending = null;
      first = null;
      others.clear();
      restart(why);
    });
  };
  for (const entry of spec.paths) {
    const { base, pattern } = splitGlob(entry);
    try {
      const w = watch(base, { recursive: true }, (_event, filename) => {
        if (filename === null) return;
        const file = path.join(base, filename.toString());
        if (pattern === null || path.matchesGlob(file, pattern)) changed(file);
      });
      w.on('error', () => {});
      watchers.push(w);
    } catch {
      // a path that does not exist yet is not watched; the config check warns of nothing more
    }
  }
  return () => {
    pending?.cancel();
    for (const w of watchers) w.close();
  };
}

/** `/app/src/**\/*.ts` → watch `/app/src`, keep what matches the glob; a plain path: all of it. */
function splitGlob(entry: string): { base: string; pattern: string | null } {
  const parts = entry.split(path.sep);
  const firstGlob = parts.findIndex((p) => /[*?[{]/.test(p));
  if (firstGlob === -1) return { base: entry, pattern: null };
  return { base: parts.slice(0, firstGlob).join(path.sep) || path.sep, pattern: entry };
}

function memoryTrigger(spec: TriggerSpec, limit: number, host: TriggerHost): () => void {
  let timer: TimerHandle | null = null;
  const check = () => {
    const instances = host.active(spec.name);
    const groups = groupStats(instances.map((i) => i.pgid));
    for (const i of instances) {
      const rss = groups.get(i.pgid)?.rssBytes ?? 0;
      if (rss > limit) host.restart([i.name], `max_memory (RSS ${mb(rss)} over ${mb(limit)})`, 'memory');
    }
    timer = host.clock.setTimer(spec.memoryCheckMs, check);
  };
  timer = host.clock.setTimer(spec.memoryCheckMs, check);
  return () => timer?.cancel();
}

/** Decimal megabytes, the unit `max_memory = "50MB"` is written in. */
function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
