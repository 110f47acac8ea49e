/** The supervisors the benchmarks know, by the name `--peers` takes. */
import type { PeerFactory } from './peer.ts';
import { createPm2 } from './pm2.ts';
import { createRunit } from './runit.ts';
import { createS6 } from './s6.ts';
import { createSupervisord } from './supervisord.ts';
import { createTend } from './tend.ts';

export const peerFactories: Record<string, PeerFactory> = {
  tend: createTend,
  pm2: createPm2,
  supervisord: createSupervisord,
  runit: createRunit,
  s6: createS6,
};
