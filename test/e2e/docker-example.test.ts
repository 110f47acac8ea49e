/**
 * examples/docker/Dockerfile cannot be built here (no docker daemon), so it is checked as far
 * as it can be: it parses into the two stages the docs describe, every file it copies exists
 * (the binary where `npm run sea` writes it), the package version it installs is this one,
 * both entrypoints run `tend init`, and the configs they run pass `tend config check`.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root, tend, testEnv } from '../cli.ts';

interface Instruction {
  readonly op: string;
  readonly args: string;
  readonly line: number;
}

/** Instructions with their line, continuation lines joined and comments left out. */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  let start = 0;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) return;
    if (!pending) start = i + 1;
    pending += `${line.replace(/\\$/, '')} `;
    if (line.endsWith('\\')) return;
    const m = /^([A-Z]+)\s+(.*)$/.exec(pending.trim());
    assert.ok(m, `Dockerfile:${start}: not an instruction: ${pending}`);
    out.push({ op: m[1] ?? '', args: m[2] ?? '', line: start });
    pending = '';
  });
  return out;
}

test('the Dockerfile example has a Node stage and a binary stage whose files exist and whose configs are valid', async (t) => {
  const file = path.join(root, 'examples/docker/Dockerfile');
  const steps = parseDockerfile(readFileSync(file, 'utf8'));
  const stages = new Map<string, Instruction[]>();
  let current: Instruction[] = [];
  for (const s of steps) {
    if (s.op === 'FROM') {
      const m = /^(\S+) AS (\S+)$/.exec(s.args);
      assert.ok(m, `Dockerfile:${s.line}: FROM IMAGE AS NAME`);
      current = [];
      stages.set(m[2] ?? '', current);
    } else current.push(s);
  }
  assert.deepEqual([...stages.keys()], ['node', 'binary']);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const run = stages.get('node')?.find((s) => s.op === 'RUN');
  assert.equal(run?.args, `npm install -g tend-supervisor@${pkg.version}`);
  const built = readFileSync(path.join(root, 'scripts/build-sea.ts'), 'utf8');
  assert.match(built, /`tend-linux-\$\{arch\}`/, 'npm run sea writes dist/tend-linux-ARCH');

  const e = testEnv(t);
  for (const [name, stage] of stages) {
    const copied = new Map<string, string>();
    for (const s of stage.filter((x) => x.op === 'COPY')) {
      const parts = s.args.split(/\s+/);
      const dest = parts.at(-1) ?? '';
      for (const source of parts.slice(0, -1)) {
        if (source !== 'dist/tend-linux-x64') {
          assert.ok(existsSync(path.join(root, source)), `${name}: COPY ${source} exists`);
        }
        copied.set(dest.endsWith('/') ? path.posix.join(dest, path.basename(source)) : dest, source);
        if (source.endsWith('/')) copied.set(dest, source);
      }
    }
    const entry = JSON.parse(stage.find((s) => s.op === 'ENTRYPOINT')?.args ?? '[]') as string[];
    const cmd = JSON.parse(stage.find((s) => s.op === 'CMD')?.args ?? '[]') as string[];
    assert.match(entry.slice(0, 2).join(' '), /(^|\/)tend init$/, `${name}: the entrypoint is tend init`);
    const config = cmd[0] ?? '';
    // the config the entrypoint runs is one the stage copied in, and it is valid
    const source =
      copied.get(config) ??
      [...copied.entries()]
        .find(([d]) => d.endsWith('/') && config.startsWith(d))?.[1]
        ?.concat(path.basename(config));
    assert.ok(source, `${name}: ${config} is copied into the image`);
    const check = await tend(e, ['config', 'check', path.join(root, source)]);
    assert.equal(check.code, 0, `${name}: ${check.stderr}`);
  }
});
