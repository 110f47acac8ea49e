/**
 * Builds dist/: the CLI (dist/tend.js), the SDK (dist/index.js) and the script API
 * (dist/init.js) as ESM bundles, split so that `tend ls` loads only the client's code, their
 * declarations (dist/types/, tsc from tsconfig.build.json), and the web page (dist/web/, see
 * build-web.ts). Node does not strip types inside node_modules, so an installed tend runs
 * this output; every dependency but koffi (a native addon) is inside it.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';
import { buildWeb } from './build-web.ts';

/**
 * zod's namespace re-exports its 60-odd locales, so no bundler can leave them out, and every
 * tend process that validates would compile them: only English, the one tend's messages use,
 * is kept (about 300 KB less for the daemon to load).
 */
const englishOnlyZod: Plugin = {
  name: 'english-only-zod',
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";',
      loader: 'js',
    }));
  },
};

const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
const outdir = values.outdir ?? 'dist';
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: { tend: 'src/cli/main.ts', index: 'src/index.ts', init: 'src/script/init.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  chunkNames: 'chunks/[name]-[hash]',
  sourcemap: 'linked',
  logLevel: 'warning',
  // a native addon: loaded from node_modules at run time, never bundled; Ink's devtools
  // (an optional peer, imported only with DEV=true) are not part of tend
  external: ['koffi', 'react-devtools-core'],
  plugins: [englishOnlyZod],
  // React's production build only (the TUI's); no other bundled code reads NODE_ENV
  define: { 'process.env.NODE_ENV': '"production"' },
  // bundled CommonJS dependencies (commander) call require() for Node's built-ins
  banner: {
    js: "import { createRequire as __tendRequire } from 'node:module'; const require = __tendRequire(import.meta.url);",
  },
});
// `tend ls` as one file of what it always runs (each ES module costs about a millisecond to
// load); what it loads only sometimes (a remote, the contexts file) stays in chunks of its own
await build({
  entryPoints: { 'tend-ls': 'src/cli/fast-path.ts' },
  outdir,
  entryNames: '[name]',
  chunkNames: 'ls-chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  sourcemap: 'linked',
  logLevel: 'warning',
  external: ['koffi'],
  banner: {
    js: "import { createRequire as __tendRequire } from 'node:module'; const require = __tendRequire(import.meta.url);",
  },
});
asciiOnly(outdir);
await buildWeb(path.join(outdir, 'web'));
// the declarations of the package's two entries, with `.ts` imports as tsc writes them
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const root = path.resolve(import.meta.dirname, '..');
const types = spawnSync(
  process.execPath,
  [tsc, '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.resolve(outdir, 'types')],
  { stdio: 'inherit' },
);
if (types.status !== 0) process.exit(types.status ?? 1);

/**
 * V8 keeps a script's source as one string, and a single character beyond ASCII (an em dash
 * in a bundled library's comment) makes it two bytes a character: 391 KB of zod took 782 KB
 * in every daemon. esbuild already escapes strings and regular expressions; what is left is in
 * comments, where `\u2014` reads the same.
 */
function asciiOnly(dir: string): void {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!entry.endsWith('.js')) continue;
    const file = path.join(dir, entry);
    const text = readFileSync(file, 'utf8');
    const ascii = text.replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    if (ascii !== text) writeFileSync(file, ascii);
  }
}
