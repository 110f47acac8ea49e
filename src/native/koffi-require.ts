/**
 * koffi from node_modules (the bundle leaves the addon out). The single executable's build
 * swaps this file for a bundled koffi whose `.node` comes from the binary's assets
 * (scripts/build-sea.ts), so it holds nothing else.
 */
import { createRequire } from 'node:module';

export function requireKoffi(): unknown {
  return createRequire(import.meta.url)('koffi');
}
