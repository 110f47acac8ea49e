/**
 * The installed command (dist/, plain JavaScript) on a Node older than tend supports: what
 * needs type stripping refuses with the version it needs; the rest still answers. The old
 * Node is TEND_OLD_NODE, or the first `node` on PATH (or /usr/bin/node) older than 22.18;
 * .ci/run provides one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { hasTypeStripping } from '../../src/core/node-support.ts';
import { root } from '../cli.ts';
import { tempDir } from '../helpers.ts';

function olderNode(): { bin: string; version: string } {
  const onPath = (process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'node'));
  for (const bin of [process.env.TEND_OLD_NODE, ...onPath, '/usr/bin/node']) {
    if (!bin) continue;
    try {
      accessSync(bin, constants.X_OK);
    } catch {
      continue;
    }
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout.trim().replace(/^v/, '');
    if (version && !hasTypeStripping(version)) return { bin, version };
  }
  throw new Error('no Node older than 22.18 here: set TEND_OLD_NODE to one (.ci/run installs node@20)');
}

test('on an older Node, what runs TypeScript refuses naming the version needed; the rest answers', (t) => {
  const old = olderNode();
  const dir = tempDir(t);
  const out = path.join(dir, 'dist');
  const build = spawnSync(process.execPath, ['scripts/build.ts', '--outdir', out], {
    cwd: root,
    encoding: 'utf8',
  });
  assert.equal(build.status, 0, build.stderr);
  writeFileSync(path.join(dir, 'job.ts'), 'const n: number = 1;\nconsole.log(n);\n');
  writeFileSync(
    path.join(dir, 'tend.config.ts'),
    "export default { services: { a: { command: 'true' } } };\n",
  );
  writeFileSync(path.join(dir, 'tend.toml'), '[services.a]\ncommand = "true"\n');
  const tend = (...args: string[]) =>
    spawnSync(old.bin, [path.join(out, 'tend.js'), ...args], { cwd: dir, encoding: 'utf8', input: '' });

  const refusal = (what: string) =>
    `tend: ${what} needs Node.js 22.18 or newer (it runs TypeScript and resolves "tend" imports); this is Node.js v${old.version}\nhint: install Node.js 22.18 or newer (for example "nvm install 22"), and run tend with it\n`;
  for (const [args, what] of [
    [['run', 'job.ts'], 'tend run'],
    [['job.ts'], 'tend job.ts'],
    [['repl'], 'tend repl'],
    [['init', 'job.ts'], 'tend init job.ts'],
    [['config', 'check', 'tend.config.ts'], path.join(dir, 'tend.config.ts')],
  ] as const) {
    const r = tend(...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr, refusal(what), args.join(' '));
  }
  const version = tend('--version');
  assert.equal(version.status, 0, version.stderr);
  const check = tend('config', 'check', 'tend.toml');
  assert.equal(check.status, 0, check.stderr);
});
