/** http probe: ok on a 2xx/3xx answer, or exactly the expected status when one is set. */
import type { ProbeSpec } from '../service-spec.ts';
import type { ProbeContext, ProbeResult } from './probe.ts';

export async function httpProbe(
  spec: Extract<ProbeSpec, { kind: 'http' }>,
  ctx: ProbeContext,
): Promise<ProbeResult> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(ctx.timeoutMs)]);
  try {
    const res = await fetch(spec.url, { signal, redirect: 'manual' });
    await res.body?.cancel();
    const ok = spec.status === null ? res.status >= 200 && res.status < 400 : res.status === spec.status;
    return { ok, detail: `http ${res.status}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError') return { ok: false, detail: `no answer within ${ctx.timeoutMs} ms` };
    return {
      ok: false,
      detail: err.cause?.code === 'ECONNREFUSED' ? 'connection refused' : (err.cause?.code ?? err.message),
    };
  }
}
