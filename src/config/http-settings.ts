/**
 * The `[server.http]` table as the HTTP adapter takes it: paths resolved against the config's
 * folder, the three ways of giving a certificate reduced to two (files, or generated).
 */
import path from 'node:path';
import type { HttpConfig } from './schema.ts';

export type TlsSettings =
  | {
      readonly kind: 'files';
      readonly certFile: string;
      readonly keyFile: string;
      readonly minVersion: TlsVersion;
    }
  | { readonly kind: 'generated'; readonly names: readonly string[] | null; readonly minVersion: TlsVersion };

export type TlsVersion = 'TLSv1.2' | 'TLSv1.3';

export interface HttpSettings {
  readonly listen: string;
  readonly auth: 'token' | 'none';
  readonly tls: TlsSettings | null;
  /** Other supervisors' HTTP APIs served too, and where. */
  readonly compat: readonly 'provisr'[];
  readonly compatBasePath: string;
  /** Browser origins, besides the API's own, whose requests are answered (CORS). */
  readonly allowedOrigins: readonly string[];
  /** "loopback": /metrics answers a local scraper without a token. */
  readonly metrics: 'token' | 'loopback';
}

export function httpSettingsOf(http: HttpConfig, baseDir: string): HttpSettings {
  const tls = http.tls;
  const minVersion = tls?.min_version ?? 'TLSv1.2';
  const at = (f: string) => path.resolve(baseDir, f);
  return {
    listen: http.listen,
    auth: http.auth ?? 'token',
    compat: http.compat ?? [],
    compatBasePath: http.compat_base_path ?? '/api',
    allowedOrigins: http.allowed_origins ?? [],
    metrics: http.metrics ?? 'token',
    tls: !tls
      ? null
      : tls.auto_generate
        ? { kind: 'generated', names: tls.names ?? null, minVersion }
        : tls.dir !== undefined
          ? {
              kind: 'files',
              certFile: at(path.join(tls.dir, 'tls.crt')),
              keyFile: at(path.join(tls.dir, 'tls.key')),
              minVersion,
            }
          : { kind: 'files', certFile: at(tls.cert_file ?? ''), keyFile: at(tls.key_file ?? ''), minVersion },
  };
}
