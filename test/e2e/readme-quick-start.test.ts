/**
 * The README's Quick start (docs/local-dev.md shows the same), run as written: its config
 * becomes tend.toml, and every command of its shell blocks runs in that folder, in order, each
 * expected to succeed. What it names but does not show (server.js, worker.js, api.js,
 * more-services.toml) gets a stand-in.
 * `tend up` and `tend logs -f` run as they would in a terminal, until Ctrl-C.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { shellWords } from '../../src/compat/import/shell-words.ts';
import { root, tend, tendMain, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

/** The fenced blocks of a page's "## Quick start" section. */
function quickStartOf(file: string): { lang: string; text: string }[] {
  const page = readFileSync(path.join(root, file), 'utf8');
  const start = page.indexOf('\n## Quick start\n');
  assert.ok(start >= 0, `${file} has a Quick start`);
  const section = page.slice(start, page.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1] ?? '',
    text: m[2] ?? '',
  }));
}

const blocks = quickStartOf('README.md');

test('the local-dev guide shows the Quick start the README runs, block for block', () => {
  assert.deepEqual(quickStartOf('docs/local-dev.md'), blocks);
});

/**
 * Stand-ins. The server binds its PORT as a unix socket in its folder, so two instances with
 * one PORT collide (EADDRINUSE) as they would on TCP, with no port of the machine taken.
 */
const standIns: Record<string, string> = {
  'server.js': `const net = require('node:net');
const port = process.env.PORT;
const server = net.createServer().listen(require('node:path').join('.ports', String(port)), () =>
  console.log(process.env.TEND_SERVICE + ' listening on ' + port),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`,
  'worker.js': `console.log('worker on queue ' + (process.argv[3] ?? 'none'));
setInterval(() => {}, 1000);
`,
  'api.js': `console.log('api up');
setInterval(() => {}, 1000);
`,
  'more-services.toml': `[services.api-eu]
command = "node api.js"

[services.api-us]
command = "node api.js"
`,
};

/** A line's words without its comment. */
function commandOf(line: string): string[] | null {
  const words = shellWords(line.replace(/\s+#.*$/, '').trim());
  return words?.length ? words : null;
}

test('the README’s Quick start runs as written', async (t) => {
  const e = testEnv(t);
  const project = path.join(e.dir, 'project');
  mkdirSync(path.join(project, '.ports'), { recursive: true });
  const toml = blocks.find((b) => b.lang === 'toml');
  assert.ok(toml?.text.startsWith('# tend.toml\n'), 'the Quick start opens with its tend.toml');
  writeFileSync(path.join(project, 'tend.toml'), toml?.text ?? '');
  for (const [file, text] of Object.entries(standIns)) writeFileSync(path.join(project, file), text);

  const shells = blocks.filter((b) => b.lang === 'sh');
  assert.ok(shells.length >= 3, 'the foreground, background and daemon ways');
  const running: { child: ChildProcess; what: string; output: () => string }[] = [];
  t.after(() => {
    for (const r of running) r.child.kill('SIGKILL');
  });
  for (const block of shells) {
    for (const line of block.text.split('\n')) {
      const words = commandOf(line);
      if (!words) continue;
      assert.equal(words[0], 'tend', `${line}: the Quick start shows tend commands only`);
      const args = words.slice(1);
      const what = `"${line.trim()}"`;
      const foreground =
        (args[0] === 'up' && !args.includes('-d')) || (args[0] === 'logs' && args.includes('-f'));
      if (foreground) {
        // runs in a terminal of its own until Ctrl-C; the lines after it are "another terminal"
        const child = spawn(process.execPath, [tendMain, ...args], { cwd: project, env: e.env });
        let out = '';
        child.stdout?.on('data', (d) => {
          out += d;
        });
        child.stderr?.on('data', (d) => {
          out += d;
        });
        running.push({ child, what, output: () => out });
        // tend up: both instances up, each on its own port; logs -f: their lines
        const ready =
          args[0] === 'up'
            ? [/web:0 listening on 3000/, /web:1 listening on 3001/]
            : [/listening on 300[01]/];
        await waitFor(`${what} to show its output`, () => {
          assert.equal(child.exitCode, null, `${what} ended early: ${out}`);
          return ready.every((re) => re.test(out));
        });
        continue;
      }
      const r = await tend(e, args, { cwd: project });
      assert.equal(r.code, 0, `${what} exited ${r.code}:\n${r.stdout}${r.stderr}`);
    }
    // Ctrl-C, newest first: logs -f, then tend up, which stops its services as asked
    for (const r of running.reverse()) {
      r.child.kill('SIGINT');
      const code = await new Promise((resolve) => r.child.once('exit', (c, s) => resolve(c ?? s)));
      const up = r.what.includes('tend up');
      // tend up stops its services as asked and exits 0; logs -f simply ends
      assert.ok(code === 0 || (!up && code === 'SIGINT'), `${r.what} after Ctrl-C: ${code}\n${r.output()}`);
      if (up)
        assert.match(r.output(), /web:0 stopped as requested \((SIGTERM|exit code 0), after/, r.output());
    }
    running.length = 0;
  }
});
