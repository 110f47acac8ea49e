/**
 * The HTTP API beside a running tend, loaded only when it is configured: its server, TLS and
 * metrics code would otherwise cost every daemon memory it never uses. `--http` of `tend up`
 * and `tend daemon` is read here too.
 */
import { httpSettingsOf } from '../config/http-settings.ts';
import type { HttpSettings } from '../config/index.ts';
import { httpSchema } from '../config/schema.ts';
import { TendError } from '../core/errors.ts';
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

/** `--http host:port`: the HTTP API with a token and no TLS, checked as the config's `listen` is. */
export function httpOptionSettings(listen: string): HttpSettings {
  const parsed = httpSchema.safeParse({ listen });
  if (!parsed.success) {
    throw new TendError('TEND_USAGE', { message: `--http: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  }
  return httpSettingsOf(parsed.data, process.cwd());
}
