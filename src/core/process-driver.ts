/**
 * What the kernel asks of the operating system for a service's run: spawn a process, signal
 * and watch its group, take over one a previous tend started, run probes and hooks. The real
 * driver is process/; a model-based test passes a driver whose processes it ends itself, so
 * that thousands of generated histories run in milliseconds on a fake clock.
 */
import { isAdoptable, watchAdopted } from '../process/adopt.ts';
import { isGroupAlive, signalGroup } from '../process/group.ts';
import { type ProcessEnd, type SpawnedProcess, type SpawnRequest, spawnProcess } from '../process/spawn.ts';
import { type HookContext, type HookOutcome, type HookPhase, type HookSpec, runHooks } from './hooks.ts';
import { type ProbeContext, type ProbeResult, runProbe } from './probes/probe.ts';
import type { ProbeSpec } from './service-spec.ts';

export interface ProcessDriver {
  /** Starts a process leading its own group; `onEnd` is called exactly once. */
  spawn(req: SpawnRequest, onEnd: (end: ProcessEnd) => void): SpawnedProcess | null;
  /** Signals every process of the group; false when none is left. */
  signalGroup(pgid: number, signal: NodeJS.Signals): boolean;
  isGroupAlive(pgid: number): boolean;
  /** Whether a recorded process is still the one a previous tend started. */
  isAdoptable(pid: number, startTicks: number): boolean;
  adopt(pid: number, startTicks: number, onEnd: (end: ProcessEnd) => void): SpawnedProcess;
  probe(spec: ProbeSpec, ctx: ProbeContext): Promise<ProbeResult>;
  hooks(phase: HookPhase, hooks: readonly HookSpec[], ctx: HookContext): Promise<HookOutcome>;
}

export const realProcesses: ProcessDriver = {
  spawn: spawnProcess,
  signalGroup,
  isGroupAlive,
  isAdoptable,
  adopt: watchAdopted,
  probe: runProbe,
  hooks: runHooks,
};
