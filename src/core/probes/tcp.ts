/** tcp probe: ok when host:port accepts a connection. */
import net from 'node:net';
import type { ProbeSpec } from '../service-spec.ts';
import type { ProbeContext, ProbeResult } from './probe.ts';

export function tcpProbe(spec: Extract<ProbeSpec, { kind: 'tcp' }>, ctx: ProbeContext): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: spec.host, port: spec.port });
    const done = (r: ProbeResult) => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => done({ ok: false, detail: 'cancelled' });
    const timer = setTimeout(
      () => done({ ok: false, detail: `no connection within ${ctx.timeoutMs} ms` }),
      ctx.timeoutMs,
    );
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => done({ ok: true, detail: `${spec.host}:${spec.port} accepts connections` }));
    socket.once('error', (e: NodeJS.ErrnoException) =>
      done({ ok: false, detail: e.code === 'ECONNREFUSED' ? 'connection refused' : (e.code ?? e.message) }),
    );
  });
}
