/**
 * What `add`, `start` and `restart` say once they have waited: each instance running (or
 * ended), or crashed, failed or held, with its reason, its last lines of output and a next
 * step; and the exit status that goes with it.
 */
import type { Client } from '../../client/client.ts';
import type { ServiceView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { stateColors } from './color.ts';

/**
 * How long an instance with no readiness check is watched after it starts. A Node program
 * that cannot load its module or bind its port exits 30-270 ms after its spawn on a quiet
 * machine (`node missing.js`), so 1 s leaves room for a loaded one; it is PM2's min_uptime.
 */
export const settleMs = 1000;

/** Lines of a crashed instance's output shown with the report: a Node stack trace fits. */
const tailLines = 25;

export interface OutcomeContext {
  /** Instances that were added by this command: `added NAME …`, saying where they run. */
  readonly added?: ReadonlySet<string>;
  /** Only output written since then is shown (ms since the epoch); null: the last lines. */
  readonly since: number | null;
}

/** Instances that did not come up as asked: crashed, failed, or held for a requirement. */
export function isBadOutcome(s: ServiceView): boolean {
  return s.state === 'backoff' || s.state === 'failed' || (s.state === 'inactive' && s.held);
}

/** Prints the outcome of each instance; returns the exit status (1 when one did not come up). */
export async function reportOutcome(
  cli: Cli,
  client: Client,
  result: readonly ServiceView[],
  ctx: OutcomeContext,
): Promise<number> {
  const bad = result.filter(isBadOutcome);
  if (cli.json) {
    cli.printJson(result);
    return bad.length ? 1 : 0;
  }
  for (const s of result) {
    const added = ctx.added?.has(s.name) === true;
    if (!isBadOutcome(s)) cli.print(`${added ? 'added ' : ''}${s.name} ${describeGood(cli, s, added)}`);
  }
  for (const s of bad) {
    const added = ctx.added?.has(s.name) ? 'was added but ' : '';
    cli.err.write(`${cli.paint('red', 'tend:')} ${s.name} ${added}${badWord(s)}: ${s.reason}\n`);
    if (s.state === 'backoff' || (s.state === 'failed' && !s.held)) {
      const { lines } = await client.logs
        .get({ names: [s.name], lines: tailLines, ...(ctx.since !== null ? { since: ctx.since } : {}) })
        .catch(() => ({ lines: [] }));
      for (const l of lines) cli.err.write(`  ${l.stream === 'stderr' ? '!' : '|'} ${l.text}\n`);
      cli.err.write(
        `${cli.paint('dim', `hint: "tend logs ${s.name}" shows its output, "tend status ${s.name}" where and how it runs`)}\n`,
      );
    } else {
      cli.err.write(`${cli.paint('dim', `hint: "tend why ${s.name}" shows what it waits for`)}\n`);
    }
  }
  return bad.length ? 1 : 0;
}

function badWord(s: ServiceView): string {
  if (s.state === 'backoff') return 'crashed';
  if (s.state === 'failed') return 'failed';
  return 'is not running';
}

function describeGood(cli: Cli, s: ServiceView, showCwd = false): string {
  const state = cli.paint(stateColors[s.state] ?? 'gray', s.state);
  const where = showCwd && s.cwd ? ` in ${s.cwd}` : '';
  if (s.state === 'running') return `${state} (pid ${s.pid ?? '-'})${where}`;
  // running says it all; any other state says why it is so
  return `${s.reason && s.reason !== s.state ? `${state}: ${s.reason}` : state}${where}`;
}
