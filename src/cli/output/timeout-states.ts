/**
 * A wait that timed out says where each instance stands (blocked waiting for db, still
 * starting…), so the timeout is not the only thing the user learns.
 */
import type { Client } from '../../client/client.ts';
import { RpcError } from '../../client/connection.ts';
import { isTendError, TendError } from '../../core/errors.ts';

export async function printStatesOnTimeout<T>(
  client: Client,
  names: readonly string[],
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (e) {
    const code = isTendError(e) ? e.code : e instanceof RpcError ? e.tendCode : null;
    if (code !== 'TEND_TIMEOUT') throw e;
    const data = isTendError(e) ? e.data : e instanceof RpcError ? e.data : {};
    const found = await Promise.all(names.map((name) => client.service.status({ name }).catch(() => [])));
    const now = found
      .flat()
      .filter((s) => s.state !== 'running' && s.state !== 'exited')
      .map((s) => `${s.name} is ${s.state}: ${s.reason}`);
    const what = String((data as { what?: unknown }).what ?? names.join(', '));
    throw new TendError(
      'TEND_TIMEOUT',
      { ...(data as object), what: now.length ? `${what}; ${now.join('; ')}` : what },
      { cause: e },
    );
  }
}
