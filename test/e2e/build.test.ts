import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root } from '../cli.ts';
import { tempDir } from '../helpers.ts';

test('the built bundle runs as plain JavaScript: the installed `tend` works without type stripping', (t) => {
  const out = path.join(tempDir(t), 'dist');
  const build = spawnSync(process.execPath, ['scripts/build.ts', '--outdir', out], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  const bin = path.join(out, 'tend.js');
  assert.ok(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.bin.tend, 'dist/tend.js');
  // --no-experimental-strip-types: the bundle must not depend on Node stripping .ts files
  const run = (...args: string[]) =>
    spawnSync(process.execPath, ['--no-experimental-strip-types', bin, ...args], {
      encoding: 'utf8',
      cwd: root,
    });
  assert.equal(run('--version').stdout.trim(), pkg.version);
  const check = run('config', 'check', 'examples/demo/tend.toml');
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /valid, 4 services/);
  const sdk = spawnSync(
    process.execPath,
    [
      '--no-experimental-strip-types',
      '--input-type=module',
      '-e',
      `import(${JSON.stringify(path.join(out, 'index.js'))}).then((m) => console.log(typeof m.connect, typeof m.defineConfig))`,
    ],
    { encoding: 'utf8' },
  );
  assert.equal(sdk.stdout.trim(), 'function function', sdk.stderr);
});
