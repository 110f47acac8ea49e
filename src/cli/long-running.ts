/**
 * A long-running tend (up, daemon, init, run) re-executes itself once, in place, with the
 * Node flags it needs and that can only be given at startup; the PID stays the same, so
 * whoever started tend (systemd, a container runtime, a shell) sees no difference:
 *
 * - `--disable-sigusr1`: SIGUSR1 never opens Node's inspector (a debugger port inside a
 *   container). Node then blocks the signal; tend unblocks it once its own handler is in
 *   place (signals.ts), so SIGUSR1 keeps its meaning (a hot restart, or forwarded in tend
 *   run). Only when the native layer loads, since the unblocking needs it.
 * - `--max-semi-space-size=2` for the daemon and init: V8's default lets a process that
 *   handles a steady stream of log lines grow to twice the resident memory for no gain
 *   (measured in bench/: soak RSS 208 MB → 97 MB, for about 15 % more CPU per line).
 */
import { hasNative } from '../native/libc.ts';

const smallHeap = '--max-semi-space-size=2';
const noInspectorSignal = '--disable-sigusr1';

function given(flag: string): boolean {
  const name = flag.split('=')[0] ?? flag;
  return (
    process.execArgv.some((a) => a.startsWith(name)) || (process.env.NODE_OPTIONS?.includes(name) ?? false)
  );
}

export function execForLongRun({ heap }: { heap: boolean }): void {
  // Node >= 22.15 has execve; a user's own choice of a flag wins
  if (!process.execve) return;
  const flags = [
    ...(heap && !given(smallHeap) ? [smallHeap] : []),
    ...(!given(noInspectorSignal) && hasNative() ? [noInspectorSignal] : []),
  ];
  if (flags.length === 0) return;
  process.execve(
    process.execPath,
    [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)],
    {
      ...process.env,
    },
  );
}
