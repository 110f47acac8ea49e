/**
 * `npm run sea`: tend as one file for machines and images without Node, Node's single
 * executable application (SEA) of the pinned Node 24 (which has the SEA config and no
 * `--build-sea` yet): one CommonJS bundle of the CLI with every dependency, koffi's glibc
 * addon as an asset that is written to a private temp folder, dlopen()ed and removed at the
 * first native call, Node's flags for a long-running tend in the blob, and the blob injected
 * into a copy of this Node with postject. Writes dist/tend-linux-x64 (the machine's arch).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build, type Plugin } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const arch = process.arch;
const output = path.resolve(values.out ?? path.join(root, 'dist', `tend-linux-${arch}`));
const work = `${output}.build`;
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const require = createRequire(import.meta.url);
const addon = path.join(
  path.dirname(require.resolve(`@koromix/koffi-linux-${arch}/package.json`)),
  `linux_${arch}`,
  'koffi.node',
);

/**
 * koffi inside the binary: src/native/koffi-require.ts becomes a plain require of koffi (bundled), and
 * koffi's per-platform package becomes the addon loaded from the asset. koffi's loader tries
 * the other platforms' packages in try/catch; they stay external and are never found.
 */
const koffiFromAsset: Plugin = {
  name: 'koffi-from-asset',
  setup(b) {
    b.onLoad({ filter: /src[\\/]native[\\/]koffi-require\.ts$/ }, () => ({
      contents: 'export function requireKoffi() { return require("koffi"); }',
      loader: 'js',
    }));
    b.onResolve({ filter: /^@koromix\/koffi-/ }, (args) =>
      args.path === `@koromix/koffi-linux-${arch}`
        ? { path: args.path, namespace: 'koffi-asset' }
        : { path: args.path, external: true },
    );
    b.onLoad({ filter: /.*/, namespace: 'koffi-asset' }, () => ({
      contents: `
        const fs = require('node:fs'), os = require('node:os'), path = require('node:path');
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tend-koffi-'));
        const file = path.join(dir, 'koffi.node');
        const m = { exports: {} };
        try {
          fs.writeFileSync(file, new Uint8Array(require('node:sea').getRawAsset('koffi.node')), { mode: 0o500 });
          process.dlopen(m, file);
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
        module.exports = m.exports;`,
      loader: 'js',
    }));
  },
};

/**
 * Ink and yoga-layout await at the top level, which a CommonJS main script cannot, and Node 24's
 * SEA has no ES module main: the binary leaves the TUI out and says so.
 */
const noTui: Plugin = {
  name: 'no-tui',
  setup(b) {
    b.onLoad({ filter: /src[\\/]cli[\\/]tui[\\/]run\.ts$/ }, () => ({
      contents: `import { TendError } from '../../core/errors.ts';
        export async function runTui(): Promise<number> {
          throw new TendError('TEND_USAGE', { message: 'the single executable has no TUI: run tend tui from the npm package (npm i -g tend-supervisor), against this tend\\'s socket or --host' });
        }`,
      loader: 'ts',
      resolveDir: path.join(root, 'src/cli/tui'),
    }));
  },
};

const bundle = path.join(work, 'tend.cjs');
await build({
  entryPoints: [path.join(root, 'src/cli/sea-main.ts')],
  outfile: bundle,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node24',
  logLevel: 'warning',
  external: ['react-devtools-core'],
  plugins: [koffiFromAsset, noTui],
  define: { 'process.env.NODE_ENV': '"production"', 'import.meta': '__tendImportMeta' },
  // in the injected main script __filename is the executable; main.ts runs as the command
  banner: {
    js: "const __tendImportMeta = { main: true, url: require('node:url').pathToFileURL(__filename).href, dirname: __dirname, filename: __filename };",
  },
});

const seaConfig = path.join(work, 'sea-config.json');
const blob = path.join(work, 'tend.blob');
writeFileSync(
  seaConfig,
  JSON.stringify({
    main: bundle,
    output: blob,
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    // what src/cli/long-running.ts would re-execute with: no flag can follow on the command line
    execArgv: ['--max-semi-space-size=2', '--disable-sigusr1'],
    assets: { 'koffi.node': addon },
  }),
);
const prep = spawnSync(process.execPath, ['--experimental-sea-config', seaConfig], { encoding: 'utf8' });
if (prep.status !== 0) throw new Error(`the SEA blob was not made:\n${prep.stderr}`);

rmSync(output, { force: true });
copyFileSync(process.execPath, output);
chmodSync(output, 0o755);
const postject = require.resolve('postject/dist/cli.js');
const inject = spawnSync(
  process.execPath,
  [
    postject,
    output,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  { encoding: 'utf8' },
);
if (inject.status !== 0) throw new Error(`postject failed:\n${inject.stderr}`);
rmSync(work, { recursive: true, force: true });
console.log(`wrote ${path.relative(process.cwd(), output)}`);
