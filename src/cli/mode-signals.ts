/**
 * The supervising modes' side of the signal table (daemon/signals.ts): what `stop`,
 * `reload`, `hot-restart`, `dump`, `kill-now` and `note` do to a running tend, with the
 * mode's own words for it. Each mode gives its own first `stop` (init arms its grace
 * period); a second one kills every service at once.
 */
import type { Runtime } from '../daemon/runtime.ts';
import { type HandledSignal, installSignals } from '../daemon/signals.ts';

export type Say = (text: string, warn?: boolean) => void;

export function handleModeSignals(
  mode: 'up' | 'daemon' | 'init',
  runtime: Runtime,
  say: Say,
  stop: (signal: HandledSignal) => void,
): () => void {
  let stops = 0;
  return installSignals(mode, (action, signal) => {
    // controllers see every signal as an event; what it does to tend is the table's
    runtime.signals.received(signal);
    switch (action) {
      case 'stop':
        stops++;
        if (stops === 1) return stop(signal);
        say(`${signal}: killing every service`, true);
        runtime.sup.killAll();
        return;
      case 'reload':
        runtime.reload().then(
          (r) =>
            say(
              `${signal}: reloaded: added ${r.added.length}, updated ${r.updated.length}, removed ${r.removed.length}`,
            ),
          (e: unknown) =>
            say(
              `${signal}: reload refused, nothing changed: ${e instanceof Error ? e.message : String(e)}`,
              true,
            ),
        );
        return;
      case 'hot-restart':
        say(`${signal}: hot restart, services keep running`);
        runtime.hotRestart();
        return;
      case 'dump':
        for (const s of runtime.sup.list()) {
          process.stderr.write(
            `${JSON.stringify({ service: s.name, state: s.state, pid: s.pid, reason: s.reason, restarts: s.restarts })}\n`,
          );
        }
        return;
      case 'kill-now':
        say(`${signal}: killing every service now`, true);
        runtime.sup.killAll();
        runtime.shutdown(0);
        return;
      case 'note':
        say(`${signal} received: ignored`);
        return;
      case 'ignore':
      case 'forward':
      case 'stop-children':
        return;
    }
  });
}
