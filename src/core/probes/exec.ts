/** exec probe: ok when the command exits 0 within the timeout (its group is killed otherwise). */
import { runCommand } from '../../process/run-command.ts';
import type { ProbeSpec } from '../service-spec.ts';
import type { ProbeContext, ProbeResult } from './probe.ts';

export async function execProbe(
  spec: Extract<ProbeSpec, { kind: 'exec' }>,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  const end = await runCommand({
    argv: spec.argv,
    env: ctx.env,
    cwd: ctx.cwd,
    timeoutMs: ctx.timeoutMs,
    signal: ctx.signal,
  });
  switch (end.kind) {
    case 'exit':
      return { ok: end.code === 0, detail: end.signal ? `killed by ${end.signal}` : `exit code ${end.code}` };
    case 'timeout':
      return { ok: false, detail: `still running after ${ctx.timeoutMs} ms` };
    case 'aborted':
      return { ok: false, detail: 'abandoned' };
    case 'error':
      return { ok: false, detail: end.why };
  }
}
