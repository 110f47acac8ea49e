/**
 * Lifecycle hooks: commands run around a service's (or a job's) process, with its env and
 * cwd, their output written to its log marked as the hook's. Each hook has a failure mode
 * (`fail`: the phase fails; `ignore`; `retry`: up to three tries, then fail) and a run mode
 * (`blocking`: the phase waits for it; `async`: started and left to finish). A hook that
 * outlives its timeout, or whose phase is abandoned (a stop during pre_start), is killed with
 * its whole process group.
 */
import { setTimeout } from 'node:timers/promises';
import { runCommand } from '../process/run-command.ts';

export type HookPhase = 'pre_start' | 'post_start' | 'pre_stop' | 'post_stop';

export interface HookSpec {
  readonly name: string;
  readonly argv: readonly string[];
  readonly failureMode: 'fail' | 'ignore' | 'retry';
  readonly runMode: 'blocking' | 'async';
  readonly timeoutMs: number;
}

export type HooksSpec = Readonly<Record<HookPhase, readonly HookSpec[]>>;

export const noHooks: HooksSpec = { pre_start: [], post_start: [], pre_stop: [], post_stop: [] };

export interface HookContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string | null;
  /** Abandons the phase: running hooks are killed, the result is a failure. */
  readonly signal: AbortSignal;
  /** A line of a hook's output (already marked), or tend's note about a hook. */
  log(stream: 'stdout' | 'stderr', text: string): void;
}

export type HookOutcome = { readonly ok: true } | { readonly ok: false; readonly why: string };

const retryAttempts = 3;
const retryDelayMs = 500;

/** Runs a phase's hooks in order; the first blocking `fail`/`retry` hook that fails ends it. */
export async function runHooks(
  phase: HookPhase,
  hooks: readonly HookSpec[],
  ctx: HookContext,
): Promise<HookOutcome> {
  for (const hook of hooks) {
    if (ctx.signal.aborted) return { ok: false, why: `${phase} abandoned` };
    if (hook.runMode === 'async') {
      void runWithPolicy(phase, hook, ctx).then((r) => {
        if (!r.ok) ctx.log('stderr', `[${phase} ${hook.name}] async hook failed: ${r.why}`);
      });
      continue;
    }
    const r = await runWithPolicy(phase, hook, ctx);
    if (!r.ok && hook.failureMode !== 'ignore')
      return { ok: false, why: `${phase} hook "${hook.name}" failed: ${r.why}` };
    if (!r.ok) ctx.log('stderr', `[${phase} ${hook.name}] failed, ignored: ${r.why}`);
  }
  return { ok: true };
}

async function runWithPolicy(phase: HookPhase, hook: HookSpec, ctx: HookContext): Promise<HookOutcome> {
  const attempts = hook.failureMode === 'retry' ? retryAttempts : 1;
  let last: HookOutcome = { ok: true };
  for (let i = 1; i <= attempts; i++) {
    last = await runOnce(phase, hook, ctx);
    if (last.ok || ctx.signal.aborted) return last;
    if (i < attempts) {
      ctx.log('stderr', `[${phase} ${hook.name}] ${last.why}; try ${i + 1} of ${attempts}`);
      // an abandoned phase ends its wait at once, and runs no further try
      await setTimeout(retryDelayMs * 2 ** (i - 1), undefined, { signal: ctx.signal }).catch(() => {});
      if (ctx.signal.aborted) return { ok: false, why: 'abandoned' };
    }
  }
  return attempts > 1 && !last.ok ? { ok: false, why: `${last.why} (after ${attempts} tries)` } : last;
}

async function runOnce(phase: HookPhase, hook: HookSpec, ctx: HookContext): Promise<HookOutcome> {
  const mark = `[${phase} ${hook.name}]`;
  const end = await runCommand({
    argv: hook.argv,
    env: ctx.env,
    cwd: ctx.cwd,
    timeoutMs: hook.timeoutMs,
    signal: ctx.signal,
    onLine: (stream, line) => ctx.log(stream, `${mark} ${line}`),
  });
  switch (end.kind) {
    case 'exit':
      if (end.code === 0) return { ok: true };
      return { ok: false, why: end.code !== null ? `exit ${end.code}` : `killed by ${end.signal}` };
    case 'timeout':
      return { ok: false, why: `timed out after ${hook.timeoutMs / 1000}s` };
    case 'aborted':
      return { ok: false, why: 'abandoned' };
    case 'error':
      return { ok: false, why: `could not run: ${end.why}` };
  }
}
