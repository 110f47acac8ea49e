/**
 * Builds the web page (web/) into DIR (dist/web by default): one hashed ES module entry and
 * its lazily loaded chunks, one stylesheet, index.html naming them, and a brotli and a gzip
 * copy of each file, so tend serves them compressed without compressing at run time.
 */

import { copyFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const source = path.join(root, 'web');

export interface BuiltFile {
  readonly path: string;
  readonly bytes: number;
  readonly br: number;
  readonly gzip: number;
}

export async function buildWeb(outdir: string): Promise<BuiltFile[]> {
  rmSync(outdir, { recursive: true, force: true });
  const assets = path.join(outdir, 'assets');
  const result = await build({
    entryPoints: { main: path.join(source, 'main.ts') },
    outdir: assets,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    // browsers of the last three years: native ES modules, top-level await, CSS nesting not needed
    target: ['chrome111', 'firefox115', 'safari16'],
    minify: true,
    entryNames: '[name]-[hash]',
    chunkNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
    absWorkingDir: root,
  });
  const outputs = Object.entries(result.metafile.outputs);
  const entry = outputs.find(([, o]) => o.entryPoint?.endsWith('web/main.ts'));
  if (!entry) throw new Error('the web build made no entry script');
  const css = entry[1].cssBundle;
  if (!css) throw new Error('the web build made no stylesheet');
  const url = (file: string) =>
    `/${path.relative(outdir, path.resolve(root, file)).split(path.sep).join('/')}`;
  // the entry's static imports are fetched with it, not after it has been parsed
  const preload = entry[1].imports
    .filter((i) => i.kind === 'import-statement')
    .map((i) => `<link rel="modulepreload" href="${url(i.path)}" />`)
    .join('\n    ');
  const html = readFileSync(path.join(source, 'index.html'), 'utf8')
    .replace('%SCRIPT%', url(entry[0]))
    .replace('%STYLE%', url(css))
    .replace('<!--%PRELOAD%-->', preload);
  writeFileSync(path.join(outdir, 'index.html'), html);
  copyFileSync(path.join(source, 'favicon.svg'), path.join(outdir, 'favicon.svg'));
  const files = readdirSync(outdir, { recursive: true, encoding: 'utf8' })
    .filter((f) => statSync(path.join(outdir, f)).isFile())
    .sort();
  const built: BuiltFile[] = files.map((f) => {
    const full = path.join(outdir, f);
    const body = readFileSync(full);
    const br = brotliCompressSync(body, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    });
    const gz = gzipSync(body, { level: 9 });
    writeFileSync(`${full}.br`, br);
    writeFileSync(`${full}.gz`, gz);
    return { path: `/${f.split(path.sep).join('/')}`, bytes: body.length, br: br.length, gzip: gz.length };
  });
  // the marker tend looks for: a folder with it is a built page, not the sources
  writeFileSync(path.join(outdir, 'tend-web.json'), `${JSON.stringify({ files: built }, null, 2)}\n`);
  return built;
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist/web' } } });
  const built = await buildWeb(path.resolve(values.outdir ?? 'dist/web'));
  const total = built.reduce((n, f) => n + f.br, 0);
  console.log(`web page: ${built.length} files, ${(total / 1024).toFixed(1)} KB with brotli`);
}
