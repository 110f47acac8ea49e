/**
 * The probe contract: one check that answers ok or not, bounded by a timeout and an
 * AbortSignal, with a short detail for events ("http 500", "connection refused"). The kinds
 * live beside this file: tcp.ts, http.ts, exec.ts.
 */
import type { ProbeSpec } from '../service-spec.ts';
import { execProbe } from './exec.ts';
import { httpProbe } from './http.ts';
import { tcpProbe } from './tcp.ts';

export interface ProbeResult {
  readonly ok: boolean;
  readonly detail: string;
}

export interface ProbeContext {
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string | null;
}

export function runProbe(spec: ProbeSpec, ctx: ProbeContext): Promise<ProbeResult> {
  switch (spec.kind) {
    case 'tcp':
      return tcpProbe(spec, ctx);
    case 'http':
      return httpProbe(spec, ctx);
    case 'exec':
      return execProbe(spec, ctx);
  }
}

export function describeProbe(spec: ProbeSpec): string {
  switch (spec.kind) {
    case 'tcp':
      return `tcp ${spec.host}:${spec.port}`;
    case 'http':
      return `http ${spec.url}`;
    case 'exec':
      return `exec ${spec.text}`;
  }
}
