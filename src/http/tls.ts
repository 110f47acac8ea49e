/**
 * The certificate of the HTTP API: read from the configured files, or generated once (a
 * self-signed certificate for the configured names and IPs, written 0600 in the state dir)
 * and reused on every start while it is valid and names the same hosts.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import path from 'node:path';
import selfsigned from 'selfsigned';
import type { TlsSettings } from '../config/index.ts';
import { TendError } from '../core/errors.ts';
import { writePrivateFile } from '../process/write-private.ts';

export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly minVersion: 'TLSv1.2' | 'TLSv1.3';
  /** The generated certificate's file (give it to clients as `--ca`), or null. */
  readonly generatedCert: string | null;
}

export function tlsDir(stateDir: string): string {
  return path.join(stateDir, 'tls');
}

export async function loadTls(settings: TlsSettings, stateDir: string): Promise<TlsMaterial> {
  if (settings.kind === 'files') {
    const read = (file: string, what: string) => {
      try {
        return readFileSync(file, 'utf8');
      } catch (e) {
        throw new TendError('TEND_TLS_INVALID', {
          why: `the ${what} ${file} cannot be read (${(e as Error).message})`,
        });
      }
    };
    const cert = read(settings.certFile, 'certificate');
    const key = read(settings.keyFile, 'key');
    try {
      new X509Certificate(cert);
    } catch (e) {
      throw new TendError('TEND_TLS_INVALID', {
        why: `${settings.certFile} is not a PEM certificate (${(e as Error).message})`,
      });
    }
    return { cert, key, minVersion: settings.minVersion, generatedCert: null };
  }
  const names = settings.names ?? ['localhost', '127.0.0.1', '::1', hostname()];
  const dir = tlsDir(stateDir);
  const certFile = path.join(dir, 'tls.crt');
  const keyFile = path.join(dir, 'tls.key');
  const existing = reusable(certFile, keyFile, names);
  if (existing) return { ...existing, minVersion: settings.minVersion, generatedCert: certFile };
  const made = await generate(names);
  writePrivateFile(keyFile, made.key);
  writePrivateFile(certFile, made.cert);
  return { ...made, minVersion: settings.minVersion, generatedCert: certFile };
}

/** The saved pair, if it is still valid for at least a day and names exactly these hosts. */
function reusable(certFile: string, keyFile: string, names: readonly string[]) {
  try {
    const cert = readFileSync(certFile, 'utf8');
    const key = readFileSync(keyFile, 'utf8');
    const x509 = new X509Certificate(cert);
    const dayAhead = Date.now() + 24 * 3600 * 1000;
    if (new Date(x509.validTo).getTime() < dayAhead) return null;
    const want = [...new Set(names.map(sanEntry))].sort().join(', ');
    const have = (x509.subjectAltName ?? '').split(', ').sort().join(', ');
    return want === have ? { cert, key } : null;
  } catch {
    return null;
  }
}

/** How X509Certificate prints one subjectAltName entry. */
function sanEntry(name: string): string {
  if (isIP(name) === 6) return `IP Address:${expandIpv6(name)}`;
  return isIP(name) ? `IP Address:${name}` : `DNS:${name}`;
}

/** Node prints IPv6 SANs in full, lower case, without leading zeros: ::1 → 0:0:0:0:0:0:0:1. */
function expandIpv6(ip: string): string {
  const [head = '', tail = ''] = ip.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return groups.map((g) => Number.parseInt(g, 16).toString(16)).join(':');
}

async function generate(names: readonly string[]): Promise<{ cert: string; key: string }> {
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(notBefore.getTime() + 825 * 24 * 3600 * 1000);
  const pems = await selfsigned.generate([{ name: 'commonName', value: names[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: notBefore,
    notAfterDate: notAfter,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...new Set(names)].map((n) => (isIP(n) ? { type: 7, ip: n } : { type: 2, value: n })),
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
