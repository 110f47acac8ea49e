/**
 * Which Node.js can run what. tend itself runs as plain JavaScript (dist/), but what runs
 * TypeScript (tend run x.ts, client scripts, the REPL, tend.config.ts) needs Node's type
 * stripping and module hooks: on by default from 22.18 (and 23.6). An older Node gets a
 * refusal naming the version, not a stack trace from deep in the loader.
 */
import { TendError } from './errors.ts';

export const typeStrippingNode = '22.18';

export function hasTypeStripping(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

/** Throws TEND_NODE_TOO_OLD naming `what` on a Node that cannot strip types. */
export function assertTypeStripping(what: string, version: string = process.versions.node): void {
  if (!hasTypeStripping(version))
    throw new TendError('TEND_NODE_TOO_OLD', { what, need: typeStrippingNode, have: `v${version}` });
}
