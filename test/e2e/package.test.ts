/**
 * The npm package as a user meets it: `npm pack` of a copy of the project (its `prepare`
 * builds dist/), the tarball holding the build and nothing of the sources, tests or bench,
 * installed into a fresh folder with production dependencies only, and the installed `tend`
 * run with no project around it: --version, config check, up, daemon + ls + shutdown, run of a
 * .ts script importing tend/init. The package's entry imports from ESM, and its declarations
 * type a TypeScript consumer under moduleResolution node16 and bundler.
 */
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

const nodeDir = path.dirname(process.execPath);

function ok(r: SpawnSyncReturns<string>, what: string): string {
  assert.equal(r.status, 0, `${what} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('the packed tarball installs with production dependencies and its tend works', async (t) => {
  const e = testEnv(t);
  // Node 24 first on PATH (the installed bin is `#!/usr/bin/env node`), and nothing of the checkout's
  const env = {
    ...e.env,
    PATH: `${nodeDir}:/usr/local/bin:/usr/bin:/bin`,
    npm_config_update_notifier: 'false',
  };
  const stage = path.join(e.dir, 'stage');
  for (const entry of [
    'package.json',
    'README.md',
    'src',
    'scripts',
    'web',
    'schema',
    'tsconfig.json',
    'tsconfig.build.json',
  ]) {
    cpSync(path.join(root, entry), path.join(stage, entry), { recursive: true });
  }
  symlinkSync(path.join(root, 'node_modules'), path.join(stage, 'node_modules'));
  const packed = JSON.parse(
    ok(
      spawnSync('npm', ['pack', '--json', '--pack-destination', e.dir], {
        cwd: stage,
        env,
        encoding: 'utf8',
      }),
      'npm pack',
    ),
  ) as { filename: string; size: number; unpackedSize: number; files: { path: string }[] }[];
  const pack = packed[0];
  assert.ok(pack);
  const files = pack.files.map((f) => f.path);
  t.diagnostic(`tarball ${pack.size} bytes, ${pack.unpackedSize} unpacked, ${files.length} files`);
  for (const needed of [
    'dist/tend.js',
    'dist/index.js',
    'dist/init.js',
    'dist/types/index.d.ts',
    'dist/web/index.html',
  ]) {
    assert.ok(files.includes(needed), `the package has ${needed}`);
  }
  const extra = files.filter((f) => /^(src|test|bench|examples|scripts|web)\/|\.map$|\.test\./.test(f));
  assert.deepEqual(extra, [], 'no sources, tests, bench, examples or source maps');
  const manifest = JSON.parse(readFileSync(path.join(stage, 'package.json'), 'utf8'));
  assert.deepEqual(Object.keys(manifest.dependencies).sort(), ['koffi', 'zod']);

  const app = path.join(e.dir, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "private": true, "type": "module" }\n');
  ok(
    spawnSync(
      'npm',
      [
        'install',
        '--omit=dev',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        path.join(e.dir, pack.filename),
      ],
      { cwd: app, env, encoding: 'utf8' },
    ),
    'npm install',
  );
  const bin = path.join(app, 'node_modules/.bin/tend');
  const run = (args: string[]) => spawnSync(bin, args, { cwd: app, env, encoding: 'utf8' });

  assert.equal(ok(run(['--version']), 'tend --version').trim(), manifest.version);
  writeFileSync(
    path.join(app, 'tend.toml'),
    '[services.hello]\nargs = ["node", "-e", "console.log(\'hello from the package\'); setInterval(() => {}, 1000)"]\n',
  );
  assert.match(ok(run(['config', 'check']), 'tend config check'), /valid, 1 services/);

  // tend up: the service's line, then Ctrl-C stops it and tend exits 0
  const up = spawn(bin, ['up'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let upOut = '';
  up.stdout.on('data', (d) => {
    upOut += d;
  });
  up.stderr.on('data', (d) => {
    upOut += d;
  });
  const upExit = new Promise((resolve) => up.on('exit', resolve));
  await waitFor('the service line from tend up', () => upOut.includes('hello from the package'));
  up.kill('SIGINT');
  assert.equal(await upExit, 0, upOut);

  // tend daemon in its own home, driven by the installed CLI
  const daemon = spawn(bin, ['daemon', 'tend.toml'], { cwd: app, env, stdio: 'ignore' });
  const daemonExit = new Promise((resolve) => daemon.on('exit', resolve));
  t.after(() => daemon.kill('SIGKILL'));
  await waitFor('the daemon to answer', () => run(['ping']).status === 0, { timeoutMs: 30_000, everyMs: 50 });
  const listed = await waitFor('hello to run', () => {
    const ls = JSON.parse(ok(run(['ls', '--json']), 'tend ls')) as { name: string; state: string }[];
    return ls.some((s) => s.name === 'hello' && s.state === 'running') ? ls : null;
  });
  assert.equal(listed.length, 1);
  ok(run(['shutdown']), 'tend shutdown');
  assert.equal(await daemonExit, 0);

  // tend run: a .ts script importing tend/init resolves it to the installed tend
  writeFileSync(
    path.join(app, 'script.ts'),
    "import { exec } from 'tend/init';\nconst child = exec('echo', 'ran through tend/init');\nconst status = await child.exited;\nconsole.log(child.stdout().trim(), status.running ? 'running' : 'exit ' + status.code);\n",
  );
  const script = ok(run(['run', 'script.ts']), 'tend run');
  assert.match(script, /ran through tend\/init/);
  assert.match(script, /exit 0/);

  // the package's entry from ESM
  const esm = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      "const m = await import('tend-supervisor'); console.log([m.connect, m.startTend, m.httpHandler, m.service, m.Supervisor, m.Jobs, m.CronJobs, m.loadConfig].map((f) => typeof f).join(' '))",
    ],
    { cwd: app, env, encoding: 'utf8' },
  );
  assert.equal(ok(esm, 'import tend-supervisor').trim(), Array(8).fill('function').join(' '));

  // and from TypeScript, with the declarations the package ships, resolved both ways
  writeFileSync(
    path.join(app, 'consumer.ts'),
    [
      "import { connect, httpHandler, service, startTend, type ServiceSpec } from 'tend-supervisor';",
      "import { exec } from 'tend-supervisor/init';",
      'export async function main(): Promise<number> {',
      '  const client = await connect();',
      '  const services = await client.service.list();',
      "  const runtime = await startTend({ home: '.tend' });",
      '  const handler = httpHandler(runtime, { token: null });',
      "  const response: Response = await handler.fetch(new Request('http://x/api/services'));",
      '  // @ts-expect-error: the types are real, so a method that does not exist is an error',
      '  await client.service.no_such_method();',
      '  const spec: ServiceSpec | undefined = undefined;',
      "  service('web').exec('node server.js');",
      "  exec('true');",
      '  return services.length + response.status + (spec ? 1 : 0);',
      '}',
      '',
    ].join('\n'),
  );
  const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
  for (const [module, moduleResolution] of [
    ['node16', 'node16'],
    ['esnext', 'bundler'],
  ] as const) {
    const r = spawnSync(
      process.execPath,
      [
        tsc,
        '--noEmit',
        '--strict',
        // the declarations were checked when tsc wrote them; checking zod's and Node's again costs 10 s
        '--skipLibCheck',
        '--module',
        module,
        '--moduleResolution',
        moduleResolution,
        '--target',
        'es2022',
        '--lib',
        'es2023,dom',
        '--types',
        'node',
        '--typeRoots',
        path.join(root, 'node_modules/@types'),
        'consumer.ts',
      ],
      { cwd: app, env, encoding: 'utf8' },
    );
    ok(r, `tsc with moduleResolution ${moduleResolution}`);
  }
});
