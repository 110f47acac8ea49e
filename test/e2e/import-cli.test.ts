/**
 * The `tend import` command: bad input (a file of no format tend knows, a PM2 ecosystem file
 * that throws, a supervisord.conf with a syntax error) gets a message naming the file and the
 * place, exit 1, and no output file; an existing output is kept; each output format passes
 * `tend config check` with its notes kept; an .mjs ecosystem file is read.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tend, testEnv } from '../cli.ts';

test('a file of an unknown format is refused by name, and nothing is written', async (t) => {
  const e = testEnv(t);
  const file = path.join(e.dir, 'notes.txt');
  writeFileSync(file, 'hello: this is not a supervisor config\n');
  const r = await tend(e, ['import', file, '-o', 'tend.toml']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /notes\.txt.*not a file tend imports.*--from/);
  assert.equal(existsSync(path.join(e.dir, 'tend.toml')), false);
});

test('a PM2 ecosystem file that throws names the file, line and column, and nothing is written', async (t) => {
  const e = testEnv(t);
  const file = path.join(e.dir, 'ecosystem.config.js');
  writeFileSync(
    file,
    "const apps = [];\nif (!process.env.NOPE) throw new Error('DATABASE_URL is not set');\nmodule.exports = { apps };\n",
  );
  const r = await tend(e, ['import', file, '-o', 'tend.toml']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /ecosystem\.config\.js:2:\d+ the PM2 ecosystem file failed to load: Error: DATABASE_URL is not set/,
  );
  assert.equal(existsSync(path.join(e.dir, 'tend.toml')), false);
});

test('a PM2 ecosystem file with a syntax error names its line', async (t) => {
  const e = testEnv(t);
  const file = path.join(e.dir, 'ecosystem.config.cjs');
  writeFileSync(file, "module.exports = {\n  apps: [{ name: 'web', script: 'a.js' ]\n};\n");
  const r = await tend(e, ['import', file, '-o', 'tend.toml']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(r.stderr, /ecosystem\.config\.cjs:2\b.*SyntaxError/);
  assert.equal(existsSync(path.join(e.dir, 'tend.toml')), false);
});

test('a supervisord.conf with a syntax error names the line, also in an included file', async (t) => {
  const e = testEnv(t);
  const file = path.join(e.dir, 'supervisord.conf');
  writeFileSync(file, '[program:web]\ncommand=/bin/sleep 100\nthis line has no equals sign\n');
  const r = await tend(e, ['import', file, '-o', 'tend.toml']);
  assert.equal(r.code, 1, r.stderr);
  assert.match(
    r.stderr,
    /supervisord\.conf:3:1 syntax error: "this line has no equals sign" is not "key = value"/,
  );
  assert.equal(existsSync(path.join(e.dir, 'tend.toml')), false);

  mkdirSync(path.join(e.dir, 'conf.d'));
  writeFileSync(file, '[include]\nfiles = conf.d/*.conf\n');
  writeFileSync(path.join(e.dir, 'conf.d', 'worker.conf'), '[program:worker\ncommand=/bin/true\n');
  const r2 = await tend(e, ['import', file, '-o', 'tend.toml']);
  assert.equal(r2.code, 1, r2.stderr);
  assert.match(r2.stderr, /conf\.d\/worker\.conf:1:1 syntax error: .*not closed with "\]"/);
  assert.equal(existsSync(path.join(e.dir, 'tend.toml')), false);
});

test('an existing output file is kept unless --force, and --json tells what was converted', async (t) => {
  const e = testEnv(t);
  writeFileSync(path.join(e.dir, 'Procfile'), 'web: sleep 100\nworker: sleep 200\n');
  writeFileSync(path.join(e.dir, 'tend.toml'), '# mine\n');
  const r = await tend(e, ['import', 'Procfile']);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /tend\.toml exists; pass --force/);
  const ok = await tend(e, ['import', 'Procfile', '--force', '--json']);
  assert.equal(ok.code, 0, ok.stderr);
  const summary = JSON.parse(ok.stdout);
  assert.deepEqual(summary.services, ['web', 'worker']);
  assert.equal(summary.format, 'procfile');
  assert.ok(summary.converted >= 2);
});

test('--format yaml, json and ts write configs that tend config check accepts, with the notes kept', async (t) => {
  const e = testEnv(t);
  const src = path.join(e.dir, 'supervisord.conf');
  writeFileSync(
    src,
    '[program:web]\ncommand=/bin/sleep 100\numask=022\n\n[program:db]\ncommand=/bin/sleep 200\n',
  );
  for (const [format, name] of [
    ['yaml', 'tend.yaml'],
    ['json', 'tend.json'],
    ['ts', 'tend.config.ts'],
  ] as const) {
    const r = await tend(e, ['import', src, '--format', format]);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(path.join(e.dir, name), 'utf8');
    assert.match(text, /not converted: supervisord\.conf \[program:web\] umask/, `${format} keeps the note`);
    const check = await tend(e, ['config', 'check', name]);
    assert.equal(check.code, 0, `${format}: ${check.stderr}`);
    assert.match(check.stdout, /valid, 2 services/);
  }
});

test('a PM2 ecosystem.config.mjs (export default) is read in a child Node too', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'ecosystem.config.mjs'),
    "export default { apps: [{ name: 'api', script: 'server.js', env: { PORT: 3000 }, instances: 2 }] };\n",
  );
  const r = await tend(e, ['import', 'ecosystem.config.mjs', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).services, ['api']);
  assert.match(readFileSync(path.join(e.dir, 'tend.toml'), 'utf8'), /env = \{ PORT = "3000" \}/);
});
