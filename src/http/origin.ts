/**
 * Which browser pages may call the API, and the headers every answer carries. A page of
 * another origin is refused unless `[server.http] allowed_origins` names it: the token alone
 * would otherwise be the only thing between a hostile page and a tend on localhost.
 */
import type http from 'node:http';
import { TendError } from '../core/errors.ts';

/** What a request's `Origin` says about who sent it. */
export type OriginVerdict =
  | { readonly kind: 'none' }
  | { readonly kind: 'same' }
  | { readonly kind: 'allowed'; readonly origin: string }
  | { readonly kind: 'refused'; readonly origin: string };

/**
 * No `Origin`: a tool such as curl or the CLI, or a same-origin GET. The API's own origin is
 * the scheme it serves and the `Host` the browser used. Anything else must be listed.
 */
function judgeOrigin(req: http.IncomingMessage, tls: boolean, allowed: readonly string[]): OriginVerdict {
  const origin = req.headers.origin;
  if (origin === undefined) return { kind: 'none' };
  const self = `${tls ? 'https' : 'http'}://${req.headers.host ?? ''}`;
  if (origin === self) return { kind: 'same' };
  return allowed.includes(origin) ? { kind: 'allowed', origin } : { kind: 'refused', origin };
}

/**
 * On a loopback listener, a request naming another host was sent by a browser tricked into
 * resolving that host to 127.0.0.1 (DNS rebinding): its page would pass for the API's own
 * origin. Such a request is refused; the reason, or null.
 */
function rebindingProblem(req: http.IncomingMessage, loopback: boolean): string | null {
  if (!loopback) return null;
  const host = req.headers.host ?? '';
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  if (name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name)) return null;
  return `a request for host ${JSON.stringify(host)} reached a loopback address: use http://127.0.0.1 or http://localhost`;
}

export interface BrowserRules {
  readonly tls: boolean;
  /** The listener is on a loopback address. */
  readonly loopback: boolean;
  readonly allowedOrigins: readonly string[];
}

/**
 * The browser rules, before the token is looked at: throws when the request is refused,
 * answers an allowed preflight (true), or lets it through with CORS headers when needed.
 */
export function applyBrowserRules(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  rules: BrowserRules,
): boolean {
  const rebinding = rebindingProblem(req, rules.loopback);
  if (rebinding) throw new TendError('TEND_UNAUTHORIZED', { why: rebinding });
  const origin = judgeOrigin(req, rules.tls, rules.allowedOrigins);
  if (origin.kind === 'refused') {
    throw new TendError('TEND_UNAUTHORIZED', {
      why: `a request from the page of ${JSON.stringify(origin.origin)} is refused: this API answers only its own page, and the origins listed in [server.http] allowed_origins`,
    });
  }
  if (origin.kind !== 'allowed') return false;
  if (req.method === 'OPTIONS') {
    answerPreflight(res, origin.origin);
    return true;
  }
  allowOrigin(res, origin.origin);
  return false;
}

/** The answer to a browser's preflight of a cross-origin call it is allowed to make. */
function answerPreflight(res: http.ServerResponse, origin: string): void {
  res.writeHead(204, {
    'access-control-allow-origin': origin,
    'access-control-allow-methods': 'GET, POST, PUT, DELETE',
    'access-control-allow-headers': 'authorization, content-type, accept',
    'access-control-max-age': '600',
    vary: 'Origin',
  });
  res.end();
}

function allowOrigin(res: http.ServerResponse, origin: string): void {
  res.setHeader('access-control-allow-origin', origin);
  res.setHeader('vary', 'Origin');
}

/**
 * The page's policy: its own scripts, styles and API only; no inline script or style
 * attribute, no frames, no plugins. API answers get the strictest policy there is.
 */
export const pagePolicy = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const apiPolicy = "default-src 'none'; frame-ancestors 'none'";

/** Set on every answer before anything else, so an error page carries them too. */
export function setSecurityHeaders(res: http.ServerResponse): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  res.setHeader('x-frame-options', 'DENY');
  res.setHeader('cross-origin-resource-policy', 'same-origin');
  res.setHeader('content-security-policy', apiPolicy);
}
