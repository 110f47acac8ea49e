/**
 * The web page's files (built into dist/web/ by scripts/build-web.ts), served from memory with
 * their precompressed brotli or gzip copy, a strong ETag, and a year of caching for the
 * hashed assets. They are public: the page asks for the token itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { pagePolicy } from './origin.ts';

/** Written by the build beside index.html; its presence tells a built page from the sources. */
export const pageMarker = 'tend-web.json';

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

interface Representation {
  readonly body: Buffer;
  readonly etag: string;
}

interface PageFile {
  readonly type: string;
  readonly identity: Representation;
  readonly br: Representation | null;
  readonly gzip: Representation | null;
  readonly immutable: boolean;
}

/**
 * `TEND_WEB_DIR` (a page built elsewhere, for development and tests), else dist/web beside
 * this code: `dist/chunks/` when bundled, `src/http/` when run from source.
 */
export function pageDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const here = import.meta.dirname;
  const candidates = env.TEND_WEB_DIR
    ? [path.resolve(env.TEND_WEB_DIR)]
    : [path.join(here, '..', 'web'), path.join(here, '..', '..', 'dist', 'web')];
  return candidates.find((c) => existsSync(path.join(c, pageMarker))) ?? null;
}

function etagOf(body: Buffer, suffix: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}${suffix}"`;
}

/** Every file of the built page by URL path; the compressed copies ride with their original. */
function load(dir: string): Map<string, PageFile> {
  const files = new Map<string, PageFile>();
  const names = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (n) => !n.endsWith('.br') && !n.endsWith('.gz') && statSync(path.join(dir, n)).isFile(),
  );
  for (const name of names) {
    const full = path.join(dir, name);
    const body = readFileSync(full);
    const copy = (ext: string, suffix: string): Representation | null => {
      if (!existsSync(full + ext)) return null;
      const packed = readFileSync(full + ext);
      return { body: packed, etag: etagOf(body, suffix) };
    };
    const urlPath = `/${name.split(path.sep).join('/')}`;
    files.set(urlPath, {
      type: types[path.extname(name)] ?? 'application/octet-stream',
      identity: { body, etag: etagOf(body, '') },
      br: copy('.br', '-br'),
      gzip: copy('.gz', '-gz'),
      // the build names assets by their content's hash: a new build is a new URL
      immutable: urlPath.startsWith('/assets/'),
    });
  }
  return files;
}

/** Whether the client takes this coding (`br;q=0` refuses it). */
function accepts(header: string, coding: string): boolean {
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    const q = params.find((p) => p.trim().startsWith('q='));
    return name?.trim() === coding && (q === undefined || Number(q.trim().slice(2)) > 0);
  });
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}

export class PageFiles {
  readonly #dir: string | null;
  #files: Map<string, PageFile> | null = null;

  constructor(dir: string | null) {
    this.#dir = dir;
  }

  /** True when the request was for the page and has been answered. */
  serve(req: http.IncomingMessage, res: http.ServerResponse, urlPath: string): boolean {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const wanted = urlPath === '/' ? '/index.html' : urlPath;
    const isPage = wanted === '/index.html' || wanted.startsWith('/assets/') || wanted === '/favicon.svg';
    if (!isPage) return false;
    if (!this.#dir) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('the web page is not built: run "npm run build" in tend\'s folder, or set TEND_WEB_DIR\n');
      return true;
    }
    // read once, when a browser first asks: a tend whose page nobody opens pays nothing
    this.#files ??= load(this.#dir);
    const file = this.#files.get(wanted);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`no such file of the web page: ${wanted}\n`);
      return true;
    }
    const acceptEncoding = String(req.headers['accept-encoding'] ?? '');
    const [rep, coding] =
      file.br && accepts(acceptEncoding, 'br')
        ? [file.br, 'br']
        : file.gzip && accepts(acceptEncoding, 'gzip')
          ? [file.gzip, 'gzip']
          : [file.identity, null];
    res.setHeader('etag', rep.etag);
    res.setHeader('vary', 'Accept-Encoding');
    res.setHeader('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    if (file.type.startsWith('text/html')) res.setHeader('content-security-policy', pagePolicy);
    if (matches(req.headers['if-none-match'], rep.etag)) {
      res.writeHead(304).end();
      return true;
    }
    res.setHeader('content-type', file.type);
    res.setHeader('content-length', rep.body.length);
    if (coding) res.setHeader('content-encoding', coding);
    res.writeHead(200);
    res.end(req.method === 'HEAD' ? undefined : rep.body);
    return true;
  }
}
