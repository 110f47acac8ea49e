/**
 * The one way native/ reaches libc through koffi: loaded on first use (the CLI never pays for
 * it), null where koffi or glibc is missing, so each caller can say what it cannot do.
 */
import { requireKoffi } from './koffi-require.ts';

export type NativeFn = (...args: unknown[]) => number;

/** The parts of koffi native/ uses, typed narrowly so no `any` leaks out. */
export interface Koffi {
  load(name: string): { func(signature: string): NativeFn };
  struct(name: string, fields: Record<string, string>): unknown;
  alloc(type: unknown, count: number): unknown;
  free(ref: unknown): void;
  encode(ref: unknown, type: unknown, value: unknown): void;
  view(ref: unknown, length: number): ArrayBuffer;
  errno(): number;
  node: {
    poll(
      fd: number,
      opts: { readable?: boolean; writable?: boolean; disconnect?: boolean },
      callback: (status: number, events: { readable: boolean; disconnect: boolean }) => void,
    ): { stop(): void; close(): void; unref(): void };
  };
}

let koffi: Koffi | null | undefined;
let libc: { func(signature: string): NativeFn } | null | undefined;

export function loadKoffi(): Koffi | null {
  if (koffi !== undefined) return koffi;
  try {
    koffi = requireKoffi() as Koffi;
  } catch {
    koffi = null;
  }
  return koffi;
}

/** libc's functions by C signature; null without koffi. */
export function libcFunctions(): { func(signature: string): NativeFn } | null {
  if (libc !== undefined) return libc;
  try {
    libc = loadKoffi()?.load('libc.so.6') ?? null;
  } catch {
    libc = null;
  }
  return libc;
}

/** The errno of the last native call, negated, as Node's getSystemErrorName expects. */
export function lastErrno(): number {
  return -(loadKoffi()?.errno() ?? 0);
}
