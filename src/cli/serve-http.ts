/**
 * The HTTP API beside a running tend, loaded only when it is configured: its server, TLS and
 * metrics code would otherwise cost every daemon memory it never uses.
 */
import type { HttpSettings } from '../config/index.ts';
import type { Runtime } from '../daemon/runtime.ts';
import type { Say } from '../http/start.ts';
import { version } from './version.ts';

export async function serveHttpIfConfigured(
  runtime: Runtime,
  settings: HttpSettings | null,
  say: Say,
): Promise<void> {
  if (!settings) return;
  const { serveHttp } = await import('../http/start.ts');
  await serveHttp(runtime, settings, version, say);
}
