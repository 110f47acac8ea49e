/** Waiting for a tend that is starting (a detached daemon, a hot restart) to answer. */
import { TendError } from '../core/errors.ts';
import type { ResultOf } from '../protocol/methods.ts';
import { connect } from './client.ts';

/**
 * Polls the socket until tend answers `system.version`; throws TEND_TIMEOUT after
 * `timeoutMs`, or `giveUp()`'s error as soon as it returns one (the process died, say).
 */
export async function waitForTend(
  socket: string,
  { timeoutMs, what, giveUp = () => null }: { timeoutMs: number; what: string; giveUp?: () => Error | null },
): Promise<ResultOf<'system.version'>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const client = await connect({ socket, timeoutMs: 1000 });
      try {
        return await client.system.version();
      } finally {
        client.close();
      }
    } catch {
      const reason = giveUp();
      if (reason) throw reason;
      if (Date.now() > deadline) throw new TendError('TEND_TIMEOUT', { ms: timeoutMs, what });
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
