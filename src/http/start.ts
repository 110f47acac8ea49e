/**
 * Starts the HTTP API beside a running tend (`[server.http]` or `--http`):
 * the token made on first start and shown once, the certificate loaded or generated, the web
 * page and its stats sampler, and the listener closed with tend. A port that cannot be bound
 * is reported; the services run on.
 */
import type { HttpSettings } from '../config/index.ts';
import { TendError } from '../core/errors.ts';
import type { Runtime } from '../daemon/runtime.ts';
import type { ResultOf } from '../protocol/methods.ts';
import { Metrics } from './metrics.ts';
import { PageFiles, pageDir } from './page-files.ts';
import { PageRoutes } from './page-routes.ts';
import { HttpApi } from './server.ts';
import { StatsSampler } from './stats-sampler.ts';
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
    const metrics = new Metrics({
      version,
      list: () => call(runtime, 'service.list'),
      stats: () => call(runtime, 'service.stats'),
      jobs: () => call(runtime, 'job.list'),
      cron: () => call(runtime, 'cron.list'),
    });
    const sampler = new StatsSampler({ read: () => call(runtime, 'service.stats') });
    const pageRoutes = new PageRoutes({
      dispatcher: runtime.dispatcher,
      sampler,
      definition: (base) => runtime.sup.spec(base),
    });
    const api = new HttpApi({
      dispatcher: runtime.dispatcher,
      metrics,
      auth,
      say,
      tls,
      provisrBasePath: settings.compat.includes('provisr') ? settings.compatBasePath : null,
      allowedOrigins: settings.allowedOrigins,
      page: new PageFiles(pageDir()),
      pageRoutes,
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

/** A protocol call through the dispatcher, as any client makes it. */
async function call<M extends 'service.list' | 'service.stats' | 'job.list' | 'cron.list'>(
  runtime: Runtime,
  method: M,
): Promise<ResultOf<M>> {
  const answer = await runtime.dispatcher.callOnce(method);
  if ('error' in answer) throw new TendError('TEND_RPC_ERROR', { message: answer.error.message });
  return answer.result as ResultOf<M>;
}
