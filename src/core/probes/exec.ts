/** exec probe: ok when the command exits 0 within the timeout (its group is killed otherwise). */
import { spawn } from 'node:child_process';
import type { ProbeSpec } from '../service-spec.ts';
import type { ProbeContext, ProbeResult } from './probe.ts';

export function execProbe(
  spec: Extract<ProbeSpec, { kind: 'exec' }>,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const [file, ...args] = spec.argv;
    const child = spawn(file ?? '', args, {
      env: ctx.env,
      cwd: ctx.cwd ?? undefined,
      stdio: 'ignore',
      detached: true,
    });
    let settled = false;
    const done = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', kill);
      resolve(r);
    };
    const kill = () => {
      // the probe leads its own group: a hung probe's children go with it
      if (child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
    };
    const timer = setTimeout(() => {
      kill();
      done({ ok: false, detail: `still running after ${ctx.timeoutMs} ms` });
    }, ctx.timeoutMs);
    ctx.signal.addEventListener('abort', kill, { once: true });
    child.once('error', (e) => done({ ok: false, detail: e.message }));
    child.once('exit', (code, signal) =>
      done({ ok: code === 0, detail: signal ? `killed by ${signal}` : `exit code ${code}` }),
    );
  });
}
