/**
 * The contract of a benchmark scenario: given a way to get a fresh peer, it measures and
 * returns named figures (milliseconds, MB, seconds, counts). Shared fixtures live here too.
 */
import type { Peer, ServiceDef } from '../peers/peer.ts';

export interface BenchOptions {
  /** Services for the scenarios that use a fleet of idle ones. */
  readonly n: number;
  /** Fleet sizes for bring-up and memory. */
  readonly sizes: readonly number[];
  /** Lines written by the logs scenario. */
  readonly logLines: number;
  /** kill -9 trials in the restart scenario. */
  readonly trials: number;
  /** Seconds of idle measurement, and of the crash-loop storm. */
  readonly windowSeconds: number;
  readonly soakMinutes: number;
  /** How long a log file may stop growing before the logs scenario gives up. */
  readonly settleMs: number;
}

export type Figures = Record<string, number>;

export interface ScenarioContext {
  readonly options: BenchOptions;
  /** Runs `fn` with a fresh peer (its daemon started), and cleans everything up after. */
  withPeer<T>(fn: (peer: Peer) => Promise<T>): Promise<T>;
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** The peers it measures (tend's own features have no peer to compare); all when absent. */
  readonly peers?: readonly string[];
  run(context: ScenarioContext): Promise<Figures>;
}

/** N idle services, each with its own command line (`sleep 3600`, `sleep 3601`, …). */
export function sleepers(n: number): ServiceDef[] {
  return Array.from({ length: n }, (_, i) => ({
    name: `s${i}`,
    cmd: ['sleep', String(3600 + i)],
    restart: true,
  }));
}

/** A sleeper's command line, wherever its program was found (PM2 runs `/usr/bin/sleep`). */
export const sleeperCommand = /(^|\/)sleep \d{4,}$/;
