/**
 * `tend tui` in a real terminal (tmux): the table of services, x, r, the live log pane, search,
 * resizing, leaving the terminal as it was; against a remote tend over HTTPS; reconnecting
 * after tend restarts, hot or not. And `tend ls` never loads the TUI's code.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { daemonWithConfig, type Env, root, startDaemon, tend, tendMain, testEnv } from '../cli.ts';
import { gate, waitFor } from '../helpers.ts';
import { Tmux } from '../tmux.ts';

const node = process.execPath;
const prompt = 'tui-test$ ';

const threeServices = (extra = '') => `
[services.beta]
args = ["sleep", "1000"]
[services.gamma]
args = ["sleep", "1000"]
${extra}`;

/** A terminal in the test's folder, killed after the test; `shell` runs an interactive bash. */
function terminal(t: TestContext, e: Env, command: string, size = { width: 120, height: 40 }): Tmux {
  const env = { ...e.env, TERM: 'xterm-256color', HOME: e.dir };
  const term = new Tmux(e.dir, env, command, size);
  t.after(() => term.kill());
  return term;
}

// tmux does not pass PS1 on to the pane: it is set on the command line
const shell = `PS1='${prompt}' bash --norc --noprofile -i`;

/** Waits for the screen to show something; on a timeout, fails showing the screen. */
async function seen(term: Tmux, what: string, probe: (rows: string[]) => boolean, timeoutMs = 15_000) {
  let last: string[] = [];
  try {
    await waitFor(
      what,
      () => {
        last = term.screen();
        return probe(last);
      },
      { timeoutMs, everyMs: 20 },
    );
  } catch {
    assert.fail(
      `timed out after ${timeoutMs} ms waiting for ${what}; the screen showed:\n${last.join('\n')}`,
    );
  }
  return last;
}

const rowOf = (rows: string[], name: string) => rows.find((r) => new RegExp(`^[› ] ${name} `).test(r));
const stateOf = (rows: string[], name: string) => rowOf(rows, name)?.slice(2).trim().split(/\s+/)[1];
const pidOf = (rows: string[], name: string) => rowOf(rows, name)?.slice(2).trim().split(/\s+/)[2];
const has = (rows: string[], text: string) => rows.some((r) => r.includes(text));
const showsThree = (rows: string[]) =>
  ['alpha', 'beta', 'gamma'].every((n) => stateOf(rows, n) === 'running');

test('tend tui: the table, x stops within a second, r gives a new PID, live logs, / search, 80x24, q leaves the terminal as it was', async (t) => {
  const e = testEnv(t);
  const g = gate(t);
  await daemonWithConfig(
    t,
    e,
    `[services.alpha]
command = '''printf 'line-%04d\\n' $(seq 1 300); ${g.wait}; echo printed-after-open; exec sleep 1000'''
${threeServices()}`,
  );
  const before = path.join(e.dir, 'stty-before');
  const after = path.join(e.dir, 'stty-after');
  const term = terminal(t, e, shell);
  await seen(term, 'the shell prompt', (rows) => rows.some((r) => r.startsWith(prompt.trim())));
  term.type(`stty -g > ${before}; ${node} ${tendMain} tui`);
  term.keys('Enter');

  let rows = await seen(term, 'three services running', showsThree);
  assert.match(rows[1] ?? '', /NAME\s+STATE\s+PID\s+UPTIME/);
  assert.ok(rowOf(rows, 'alpha')?.startsWith('›'), 'the first row is selected');
  // the scroll-back: the newest of what alpha printed before the TUI opened
  await seen(term, "alpha's scroll-back", (r) => has(r, 'line-0300'));

  g.open();
  await seen(term, 'a line printed after the TUI opened', (r) => has(r, 'printed-after-open'));

  assert.ok(!has(term.screen(), 'line-0042'), 'line-0042 is out of view before the search');
  term.keys('/');
  term.type('line-0042');
  term.keys('Enter');
  // the typed query shows line-0042 in the prompt already: wait for the search itself
  rows = await seen(term, 'the search to bring line-0042 into view', (r) => has(r, 'search: line-0042'));
  assert.ok(rows.filter((l) => l.includes('line-0042')).length >= 2, 'the found line, beside the status');

  term.keys('j');
  await seen(term, 'beta selected', (r) => rowOf(r, 'beta')?.startsWith('›') === true);
  term.keys('x');
  await seen(term, 'beta inactive', (r) => stateOf(r, 'beta') === 'inactive', 1000);

  term.keys('j');
  await seen(term, 'gamma selected', (r) => rowOf(r, 'gamma')?.startsWith('›') === true);
  const pid = pidOf(term.screen(), 'gamma');
  assert.match(pid ?? '', /^\d+$/);
  term.keys('r');
  rows = await seen(term, 'gamma running with a new PID', (r) => {
    const now = pidOf(r, 'gamma');
    return stateOf(r, 'gamma') === 'running' && now !== pid && /^\d+$/.test(now ?? '');
  });

  term.resize(80, 24);
  rows = await seen(
    term,
    'the table at 80x24',
    (r) => r.length === 24 && ['alpha', 'beta', 'gamma'].every((n) => rowOf(r, n)),
  );
  assert.match(rows[1] ?? '', /NAME\s+STATE\s+PID/);
  assert.ok(
    rows.every((r) => Array.from(r).length <= 80),
    rows.join('\n'),
  );
  assert.match(rows[23] ?? '', /q quit/, 'the help bar on the last row');

  term.keys('q');
  rows = await seen(
    term,
    'the shell prompt again',
    (r) => r.filter((l) => l.trim()).at(-1) === prompt.trim(),
  );
  assert.ok(!rows.some((r) => /NAME\s+STATE/.test(r)), 'the TUI is gone from the screen');
  term.type(`stty -g > ${after}`);
  term.keys('Enter');
  await waitFor('the terminal settings written', () => {
    try {
      return readFileSync(after, 'utf8').trim();
    } catch {
      return null;
    }
  });
  assert.equal(
    readFileSync(after, 'utf8'),
    readFileSync(before, 'utf8'),
    'the terminal settings are as they were',
  );
});

test('tend --host --token --ca tui shows the same table from a remote tend over HTTPS; Ctrl-C leaves the terminal', async (t) => {
  const e = testEnv(t);
  const d = await daemonWithConfig(
    t,
    e,
    `[services.alpha]
args = ["sleep", "1000"]
${threeServices()}
[server.http]
listen = "127.0.0.1:0"
[server.http.tls]
auto_generate = true
`,
  );
  const url = await waitFor(
    'the HTTP API to listen',
    () => /HTTP API on (https:\/\/[^\s"]+)/.exec(d.output())?.[1],
  );
  const token = (await tend(e, ['token'])).stdout.trim();
  const ca = path.join(e.home, 'state/tls/tls.crt');
  // the remote side has no home of its own: nothing local to fall back on
  const remote: Env = { ...e, env: { ...e.env, TEND_HOME: path.join(e.dir, 'elsewhere') } };
  const term = terminal(t, remote, shell);
  await seen(term, 'the shell prompt', (rows) => rows.some((r) => r.startsWith(prompt.trim())));
  term.type(`${node} ${tendMain} --host ${url} --token ${token} --ca ${ca} tui`);
  term.keys('Enter');
  const rows = await seen(term, 'three services running', showsThree);
  assert.match(rows[0] ?? '', new RegExp(`connected to ${url.replaceAll('.', '\\.')}`));
  await seen(term, 'their CPU and memory', (r) => /\d+\.\d%\s+[\d.]+ (KB|MB)/.test(rowOf(r, 'beta') ?? ''));
  // NO_COLOR is set in tests: attributes (the selected row inverted) but no colour
  const drawn = term.screen({ escapes: true }).join('\n');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are what is checked
  assert.match(drawn, /\u001b\[[0-9;]*7m/, 'the selection is inverted');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the escape codes are what is checked
  assert.doesNotMatch(drawn, /\u001b\[(?:[0-9;]*;)?(3[0-7]|9[0-7]|38;5;\d+)m/, 'no colour');
  term.keys('C-c');
  await seen(term, 'the shell prompt again', (r) => r.filter((l) => l.trim()).at(-1) === prompt.trim());
});

test('the TUI (tend alone on a terminal) reconnects by itself after tend system restart, and after tend is stopped and started', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(t, e, `[services.alpha]\nargs = ["sleep", "1000"]\n${threeServices()}`);
  // with colour, as a terminal without NO_COLOR has it
  const { NO_COLOR: _, ...colour } = e.env;
  const term = terminal(t, { ...e, env: colour }, `${node} ${tendMain}`);
  await seen(term, 'three services running', showsThree);
  const coloured = term.screen({ escapes: true }).join('\n');
  assert.ok(
    coloured.includes('\u001b[32mrunning'),
    `running in green: ${JSON.stringify(coloured.slice(0, 400))}`,
  );

  assert.equal((await tend(e, ['system', 'restart'])).code, 0);
  await seen(term, 'reconnected', (r) => /reconnected to .*tend\.sock/.test(r[0] ?? ''));
  // the new subscription is live: a change made after the restart shows
  assert.equal((await tend(e, ['stop', 'beta'])).code, 0);
  await seen(term, 'beta inactive', (r) => stateOf(r, 'beta') === 'inactive');

  assert.equal((await tend(e, ['shutdown'])).code, 0);
  await seen(term, 'the connection lost', (r) => /connection to .*tend\.sock lost/.test(r[0] ?? ''));
  await startDaemon(t, e, ['tend.toml']);
  // beta was stopped by a user: the new tend keeps it stopped (docs/first-hour.md)
  await seen(
    term,
    'reconnected to the new tend',
    (r) =>
      /reconnected to/.test(r[0] ?? '') &&
      stateOf(r, 'alpha') === 'running' &&
      stateOf(r, 'gamma') === 'running' &&
      stateOf(r, 'beta') === 'inactive',
  );
});

/** The files `node ENTRY ls` loads, recorded by a module load hook. */
function loadedBy(e: Env, entry: string): string[] {
  const log = path.join(e.dir, `loaded-${path.basename(entry)}.txt`);
  const hook = path.join(e.dir, 'record-loads.mjs');
  writeFileSync(
    hook,
    `import { registerHooks } from 'node:module';
import { appendFileSync } from 'node:fs';
registerHooks({ load(url, context, next) { appendFileSync(process.env.LOADS_LOG, url + '\\n'); return next(url, context); } });
`,
  );
  writeFileSync(log, '');
  const r = spawnSync(node, ['--import', hook, entry, 'ls'], {
    env: { ...e.env, LOADS_LOG: log },
    encoding: 'utf8',
  });
  assert.equal(r.status, 3, `no tend runs here, so ls ends with 3: ${r.stderr}`);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

test('tend ls loads none of the TUI (no Ink, no React), from source and from the built bundle', (t) => {
  const e = testEnv(t);
  const loaded = loadedBy(e, tendMain);
  assert.ok(
    loaded.some((u) => u.endsWith('/src/cli/commands/ls.ts')),
    'the hook saw the modules load',
  );
  assert.deepEqual(
    loaded.filter((u) =>
      /node_modules\/(ink|react|react-reconciler|yoga-layout)\/|\/src\/cli\/tui\//.test(u),
    ),
    [],
  );
  // the bundle names each module's origin in a comment: none of the TUI's is in what ls loads
  const dist = path.join(e.dir, 'dist');
  const build = spawnSync(node, ['scripts/build.ts', '--outdir', dist], { cwd: root, encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  const files = loadedBy(e, path.join(dist, 'tend.js')).filter((u) => u.startsWith(pathToFileURL(dist).href));
  assert.ok(
    files.some((u) => u.endsWith('/tend-ls.js')),
    `ls runs from its own bundle: ${files.join(' ')}`,
  );
  const tuiChunks = files.filter((u) =>
    /^\/\/ (node_modules\/(ink|react)|src\/cli\/tui)\//m.test(readFileSync(fileURLToPath(u), 'utf8')),
  );
  assert.deepEqual(tuiChunks, []);
  const all = readdirSync(path.join(dist, 'chunks')).map((f) =>
    readFileSync(path.join(dist, 'chunks', f), 'utf8'),
  );
  assert.ok(
    all.some((text) => text.includes('// node_modules/ink/')),
    'the check would see Ink in a chunk',
  );
});
