/**
 * tui: `tend tui` in a real terminal (tmux, 120×40) over N idle services and one writing
 * 10,000 lines a second, its log in the pane: how long until the table is drawn, how long
 * a key press takes to show on screen, and the TUI's CPU and memory while the lines stream.
 * Peers without a TUI measured here give no figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Tmux } from '../../test/tmux.ts';
import { cpuSeconds, rssMb } from '../lib/measure.ts';
import { now, percentile, round, sleep, waitFor } from '../lib/timing.ts';
import { bringUp } from './fleet.ts';
import type { Figures, Scenario } from './scenario.ts';

export const linesPerSecond = 10_000;
const keyTrials = 20;

/** 100 lines every 10 ms, numbered, about 60 bytes each. */
const writer = `let i = 0;
setInterval(() => {
  let out = '';
  for (let k = 0; k < ${linesPerSecond / 100}; k++) out += 'chatty line ' + String(i++).padStart(9, '0') + ' ' + 'x'.repeat(30) + '\\n';
  process.stdout.write(out);
}, 10);`;

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** The name on the selected row (marked ›), if any. */
function selectedName(rows: readonly string[]): string | null {
  const row = rows.find((r) => r.startsWith('› '));
  return row ? (row.slice(2).trim().split(/\s+/)[0] ?? null) : null;
}

export const tui: Scenario = {
  name: 'tui',
  description: `tend tui over N services and one writing ${linesPerSecond} lines/s: start, key latency, CPU, RSS`,
  run: ({ options, withPeer }) =>
    withPeer(async (peer): Promise<Figures> => {
      if (!peer.tuiCommand) return {};
      const n = Math.max(...options.sizes);
      await bringUp(peer, n);
      peer.addServices([{ name: 'chatty', cmd: [process.execPath, '-e', writer], restart: false }]);
      const [program, args, peerEnv] = peer.tuiCommand;
      // as a person sees it: colour on, a 256-colour terminal
      const { NO_COLOR: _, ...rest } = peerEnv;
      const env = { ...rest, TERM: 'xterm-256color' };
      const dir = mkdtempSync(path.join(os.tmpdir(), 'tend-bench-tui-'));
      const t0 = now();
      const term = new Tmux(dir, env, [program, ...args].map(quote).join(' '), { width: 120, height: 40 });
      try {
        await waitFor('the table drawn', () => term.screen()[0]?.includes(`${n + 1} services`), {
          timeoutMs: 60_000,
          everyMs: 2,
        });
        const startMs = now() - t0;
        const pid = term.panePid();
        // chatty sorts first and is selected: its lines stream through the pane
        await waitFor(
          'chatty in the log pane',
          () => term.screen().some((r) => r.startsWith('chatty line ')),
          {
            timeoutMs: 30_000,
          },
        );
        await sleep(1000);
        const cpu0 = cpuSeconds([pid]);
        const w0 = now();
        await sleep(options.windowSeconds * 1000);
        const cpuPercent = ((cpuSeconds([pid]) - cpu0) / ((now() - w0) / 1000)) * 100;
        const rss = rssMb([pid]);
        // a key press, then the screen polled until the selection moved
        const times: number[] = [];
        for (let i = 0; i < keyTrials; i++) {
          const down = i % 2 === 0;
          const before = selectedName(term.screen());
          const k0 = now();
          term.keys(down ? 'j' : 'k');
          await waitFor(
            'the selection to move',
            () => {
              const name = selectedName(term.screen());
              return name !== null && name !== before;
            },
            { timeoutMs: 10_000, everyMs: 1 },
          );
          times.push(now() - k0);
        }
        return {
          tui_start_ms: round(startMs),
          tui_key_ms_p50: round(percentile(times, 50), 1),
          tui_key_ms_p95: round(percentile(times, 95), 1),
          tui_cpu_percent: round(cpuPercent, 1),
          tui_rss_mb: round(rss, 1),
        };
      } finally {
        term.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    }),
};
