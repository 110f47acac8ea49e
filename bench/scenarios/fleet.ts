/** Bringing up a fleet of idle services and counting them from /proc, for several scenarios. */
import { childrenOf, commandOf } from '../lib/measure.ts';
import { now, round, waitFor } from '../lib/timing.ts';
import type { Peer } from '../peers/peer.ts';
import { sleeperCommand, sleepers } from './scenario.ts';

/** The service processes under the supervisor: its children running `sleep 3…`. */
export function sleeperPids(peer: Peer): number[] {
  return peer
    .daemonPids()
    .flatMap(childrenOf)
    .filter((pid) => sleeperCommand.test(commandOf(pid)));
}

export interface Fleet {
  /** From the add command until N service processes are alive under the supervisor. */
  readonly bringupMs: number;
  /** Until the peer's own status says N are running. */
  readonly statusMs: number;
}

/** Adds `n` sleepers and waits until they run, by /proc and by the peer's own status. */
export async function bringUp(peer: Peer, n: number): Promise<Fleet> {
  const t0 = now();
  peer.addServices(sleepers(n));
  // counting children is cheap; command lines are read only once enough children exist
  await waitFor(
    `${n} services under ${peer.name}`,
    () => peer.daemonPids().flatMap(childrenOf).length >= n && sleeperPids(peer).length >= n,
    { timeoutMs: 300_000, everyMs: 2 },
  );
  const bringupMs = round(now() - t0);
  await waitFor(`${peer.name} to report ${n} running`, () => peer.runningCount() >= n, {
    timeoutMs: 300_000,
    everyMs: 50,
  });
  return { bringupMs, statusMs: round(now() - t0) };
}
