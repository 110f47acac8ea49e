/**
 * Loads koffi, the FFI the native calls go through. From node_modules at run time (the bundle
 * leaves the addon out); the single executable's build swaps this file for a bundled koffi
 * whose `.node` comes from the binary's assets (scripts/build-sea.ts).
 */
import { createRequire } from 'node:module';

export interface KoffiLib {
  func(signature: string): (...args: unknown[]) => number;
}

export interface Koffi {
  load(name: string): KoffiLib;
}

export function loadKoffi(): Koffi {
  return createRequire(import.meta.url)('koffi') as Koffi;
}
