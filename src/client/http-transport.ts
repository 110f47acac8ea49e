/**
 * The SDK over HTTPS: one streamed `POST /api/rpc/stream` carries JSON-RPC lines both ways,
 * so a remote tend answers calls and pushes events and log lines exactly as the unix socket
 * does. The bearer token goes in the header; a self-signed certificate is trusted with `ca`.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { isErrorCode, TendError } from '../core/errors.ts';
import { RpcConnection } from './connection.ts';

export interface RemoteTarget {
  /** `https://host:port` (or http://), optionally with a path prefix behind a proxy. */
  readonly url: string;
  readonly token?: string | null;
  /** A PEM file of the certificate (or its CA) to trust. */
  readonly ca?: string | null;
  /** Accept any certificate: for a first look at a self-signed tend, never for automation. */
  readonly insecure?: boolean;
}

const certificateErrors = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

export function connectHttp(target: RemoteTarget, { timeoutMs = 5000 } = {}): Promise<RpcConnection> {
  const base = target.url.endsWith('/') ? target.url : `${target.url}/`;
  let url: URL;
  try {
    url = new URL('api/rpc/stream', base);
  } catch {
    throw new TendError('TEND_USAGE', { message: `--host: ${JSON.stringify(target.url)} is not a URL` });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new TendError('TEND_USAGE', { message: `--host: use https:// (or http://), not ${url.protocol}` });
  }
  const unreachable = (why: string) => new TendError('TEND_DAEMON_UNREACHABLE', { socket: target.url, why });
  const ca = target.ca ? readCa(target.ca) : undefined;
  return new Promise((resolve, reject) => {
    const mod = url.protocol === 'https:' ? https : http;
    const req = mod.request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/x-ndjson',
        accept: 'application/x-ndjson',
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
      },
      ...(url.protocol === 'https:' ? { ca, rejectUnauthorized: target.insecure !== true } : {}),
    });
    const timer = setTimeout(() => {
      req.destroy();
      reject(unreachable(`no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    req.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code && certificateErrors.has(e.code)) {
        const why = `the certificate of ${target.url} is not trusted (${e.message}): pass --ca with it (a generated one is STATE_DIR/tls/tls.crt on the server), or --insecure for a first look`;
        reject(new TendError('TEND_TLS_INVALID', { why }));
        return;
      }
      reject(unreachable(e.code === 'ECONNREFUSED' ? 'nothing listens there' : e.message));
    });
    req.on('response', (res) => {
      clearTimeout(timer);
      if (res.statusCode === 200) {
        resolve(
          new RpcConnection(
            {
              input: res,
              write: (text) => req.write(text),
              // the server ends its half when the request goes; nothing more is wanted from it
              end: () => req.destroy(),
              destroy: () => req.destroy(),
            },
            target.url,
          ),
        );
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        req.destroy();
        reject(errorOf(res.statusCode ?? 0, body));
      });
    });
    req.flushHeaders();
  });
}

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new TendError('TEND_USAGE', { message: `--ca: ${file} cannot be read (${(e as Error).message})` });
  }
}

/** The server's JSON error as a TendError with its code, or a plain one for a foreign answer. */
function errorOf(status: number, body: string): TendError {
  try {
    const { error } = JSON.parse(body) as {
      error: { code: string; message: string; data?: Record<string, unknown> };
    };
    if (isErrorCode(error.code)) return new TendError(error.code, error.data ?? {});
    return new TendError('TEND_RPC_ERROR', { message: error.message });
  } catch {
    return new TendError('TEND_RPC_ERROR', {
      message: `HTTP ${status} from the server: ${body.slice(0, 200)}`,
    });
  }
}
