/**
 * Runs a short command to its end (a probe, a hook): in its own process group, so a timeout
 * or an abort kills everything it started; its output, when wanted, line by line.
 */
import { spawn } from 'node:child_process';
import { signalGroup } from './group.ts';

export interface CommandRequest {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string | null;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Each line of output; absent: the output is discarded. */
  readonly onLine?: (stream: 'stdout' | 'stderr', line: string) => void;
}

export type CommandEnd =
  | { readonly kind: 'exit'; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'aborted' }
  | { readonly kind: 'error'; readonly why: string };

export function runCommand(req: CommandRequest): Promise<CommandEnd> {
  return new Promise((resolve) => {
    const [file = '', ...args] = req.argv;
    const child = spawn(file, args, {
      cwd: req.cwd ?? undefined,
      env: req.env as NodeJS.ProcessEnv,
      stdio: ['ignore', req.onLine ? 'pipe' : 'ignore', req.onLine ? 'pipe' : 'ignore'],
      detached: true,
    });
    const onLine = req.onLine;
    if (onLine) {
      for (const stream of ['stdout', 'stderr'] as const) {
        const source = child[stream];
        if (source) {
          // readline once a command runs (a hook, an exec probe), not in every daemon
          process
            .getBuiltinModule('node:readline')
            .createInterface({ input: source, crlfDelay: Number.POSITIVE_INFINITY })
            .on('line', (l) => onLine(stream, l));
        }
      }
    }
    let cut: CommandEnd | null = null;
    const kill = (why: CommandEnd) => {
      cut ??= why;
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    };
    const timer = setTimeout(() => kill({ kind: 'timeout' }), req.timeoutMs);
    const onAbort = () => kill({ kind: 'aborted' });
    if (req.signal.aborted) onAbort();
    else req.signal.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const done = (end: CommandEnd) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.signal.removeEventListener('abort', onAbort);
      resolve(end);
    };
    child.once('error', (e) => done({ kind: 'error', why: e.message }));
    // 'close' waits for the output to be read to its end, so no line comes after the result
    child.once(onLine ? 'close' : 'exit', (code: number | null, signal: NodeJS.Signals | null) =>
      done(cut ?? { kind: 'exit', code, signal }),
    );
  });
}
