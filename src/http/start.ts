/**
 * Starts the HTTP API beside a running tend (`[server.http]` or `--http`):
 * the token made on first start and shown once, the certificate loaded or generated, the web
 * page and its stats sampler, and the listener closed with tend. A port that cannot be bound
 * is reported; the services run on.
 */
import type { HttpSettings } from '../config/index.ts';
import type { Runtime } from '../daemon/runtime.ts';
import { apiParts } from './handler.ts';
import { PageFiles, pageDir } from './page-files.ts';
import { HttpApi } from './server.ts';
import { loadTls } from './tls.ts';
import { ensureToken, tokenFile } from './token.ts';
import { tokenChecker } from './tokens.ts';

export type Say = (level: 'info' | 'warn' | 'error', message: string) => void;

export async function serveHttp(
  runtime: Runtime,
  settings: HttpSettings,
  version: string,
  say: Say,
): Promise<string | null> {
  const stateDir = runtime.home.stateDir;
  let auth: ReturnType<typeof tokenChecker> | null = null;
  if (settings.auth === 'token') {
    const made = ensureToken(tokenFile(stateDir));
    if (made.created) {
      say('info', `HTTP API token (shown once; "tend token" shows it again): ${made.token}`);
    }
    auth = tokenChecker(stateDir);
  }
  try {
    const tls = settings.tls ? await loadTls(settings.tls, stateDir) : null;
    const api = new HttpApi({
      ...apiParts(runtime, version),
      auth,
      say,
      tls,
      provisrBasePath: settings.compat.includes('provisr') ? settings.compatBasePath : null,
      allowedOrigins: settings.allowedOrigins,
      metricsOnLoopback: settings.metrics === 'loopback',
      page: new PageFiles(pageDir()),
    });
    const url = await api.listen(settings.listen);
    runtime.onClose(() => api.close());
    const ca = tls?.generatedCert ? ` (self-signed certificate: ${tls.generatedCert})` : '';
    say('info', `HTTP API on ${url}${ca}`);
    return url;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    say('error', `HTTP API not started: ${why}`);
    return null;
  }
}
