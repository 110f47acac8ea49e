/**
 * What every signal does to tend, in each of its long-running modes: one table, which the
 * modes install and docs/containers.md prints (a test keeps the two the same). No signal kills tend
 * by its default action: those that would are given an action or are logged and ignored.
 * Faults (SEGV, BUS, FPE, ILL, ABRT, TRAP, SYS) keep the kernel's action, and SIGPROF is
 * left to V8's profiler while one runs.
 */
import { unblockSignal } from '../native/libc.ts';

export type SignalMode = 'up' | 'daemon' | 'init' | 'run';

export type SignalAction =
  /** Stop every service gracefully (reverse dependency order) and exit; a second one kills. */
  | 'stop'
  /** Re-read the config and reconcile. */
  | 'reload'
  /** Re-execute tend in place; services keep running. */
  | 'hot-restart'
  /** Print every service's state (on stderr, or in the daemon's log). */
  | 'dump'
  /** SIGKILL every service at once and exit. */
  | 'kill-now'
  /** Passed on to every child (tend run), unless the script handles it. */
  | 'forward'
  /** Stop the children and exit, unless the script handles it (tend run). */
  | 'stop-children'
  /** Logged, and otherwise ignored. */
  | 'note'
  | 'ignore';

/** The signals tend decides about; the rest keep the kernel's default (stop, continue, fault). */
export const handledSignals = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
  'SIGPIPE',
  'SIGALRM',
  'SIGVTALRM',
  'SIGPROF',
  'SIGIO',
  'SIGPWR',
  'SIGXCPU',
  'SIGXFSZ',
  'SIGSTKFLT',
] as const satisfies readonly NodeJS.Signals[];
export type HandledSignal = (typeof handledSignals)[number];

/** The same action in the three supervising modes, and another in `tend run`. */
const supervising = (action: SignalAction, inRun: SignalAction): Record<SignalMode, SignalAction> => ({
  up: action,
  daemon: action,
  init: action,
  run: inRun,
});

export const signalActions: Readonly<Record<HandledSignal, Readonly<Record<SignalMode, SignalAction>>>> = {
  SIGTERM: { up: 'stop', daemon: 'stop', init: 'stop', run: 'stop-children' },
  SIGINT: { up: 'stop', daemon: 'stop', init: 'stop', run: 'stop-children' },
  SIGHUP: supervising('reload', 'forward'),
  SIGQUIT: supervising('kill-now', 'forward'),
  SIGUSR1: supervising('hot-restart', 'forward'),
  SIGUSR2: supervising('dump', 'forward'),
  SIGWINCH: supervising('ignore', 'forward'),
  SIGPIPE: { up: 'ignore', daemon: 'ignore', init: 'ignore', run: 'ignore' },
  SIGALRM: supervising('note', 'forward'),
  SIGVTALRM: supervising('note', 'forward'),
  SIGPROF: supervising('note', 'forward'),
  SIGIO: supervising('note', 'forward'),
  SIGPWR: supervising('note', 'forward'),
  SIGXCPU: supervising('note', 'forward'),
  SIGXFSZ: supervising('note', 'forward'),
  SIGSTKFLT: supervising('note', 'forward'),
};

/** How docs/containers.md words each action. */
export const actionWording: Readonly<Record<SignalAction, string>> = {
  stop: 'stop every service, then exit (again: kill them)',
  reload: 'reload the config',
  'hot-restart': 'hot restart (services keep running)',
  dump: "print every service's state",
  'kill-now': 'kill every service now, then exit',
  forward: "forwarded to the script's children",
  'stop-children': "the script's handler, else stop its children and exit",
  note: 'logged, ignored',
  ignore: 'ignored',
};

/** V8's sampling profiler runs on SIGPROF: while one is on, the signal is left to it. */
function profiling(): boolean {
  return [...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((a) => /--(cpu-)?prof\b/.test(a));
}

/**
 * Installs the mode's actions; `run` gets the signal for actions that need tend's parts
 * (stop, reload…). Returns the uninstaller. SIGUSR1 is unblocked once its handler is in
 * place: a long-running tend is started with it blocked, so that it never opens Node's
 * inspector (see cli/long-running.ts).
 */
export function installSignals(
  mode: SignalMode,
  run: (action: SignalAction, signal: HandledSignal) => void,
): () => void {
  const installed: [HandledSignal, () => void][] = [];
  for (const signal of handledSignals) {
    if (signal === 'SIGPROF' && profiling()) continue;
    const action = signalActions[signal][mode];
    const handler = () => run(action, signal);
    process.on(signal, handler);
    installed.push([signal, handler]);
  }
  unblockSignal('SIGUSR1');
  return () => {
    for (const [signal, handler] of installed) process.off(signal, handler);
  };
}
