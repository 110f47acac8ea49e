/** Restarts a service did not ask for: file changes, memory over a limit, a schedule. Each names its trigger. */
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, type Env, spawnTend, tendJson, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

/** `tend events` for one service; the reasons of its restarts so far. */
function restartsOf(t: test.TestContext, e: Env, service: string) {
  const events = spawnTend(e, ['events', '--service', service]);
  t.after(() => events.child.kill());
  const reasons = () =>
    events
      .output()
      .split('\n')
      .flatMap((l) => {
        if (!l.startsWith('{')) return [];
        const ev = JSON.parse(l) as { type: string; to?: string; from?: string; reason?: string };
        return ev.type === 'state' && ev.from === 'running' && ev.to === 'stopping' ? [ev.reason ?? ''] : [];
      });
  return { ready: () => events.output().includes('following events'), reasons };
}

const running = (e: Env, name: string) =>
  waitFor(
    `${name} running`,
    async () => (await tendJson<ServiceView[]>(e, ['status', name]))[0]?.state === 'running',
  );

test('watch restarts once per burst of changes, names the file, and ignores what it is told to', async (t) => {
  const e = testEnv(t);
  const src = path.join(e.dir, 'src');
  mkdirSync(src);
  await daemonWithConfig(
    t,
    e,
    `[services.web]\nargs = ["sleep", "1000"]\nwatch = { paths = ["src"], ignore = ["*.log"], debounce = "300ms" }\n`,
  );
  await running(e, 'web');
  const r = restartsOf(t, e, 'web');
  await waitFor('the event stream', r.ready);
  for (let i = 0; i < 5; i++) writeFileSync(path.join(src, `a${i}.ts`), `${i}`);
  await waitFor('one restart', () => r.reasons().length === 1);
  assert.match(
    r.reasons()[0] ?? '',
    /^restart requested: watch: src\/a\d\.ts and [1-4] more files? changed$/,
  );
  await running(e, 'web');
  writeFileSync(path.join(src, 'debug.log'), 'ignored');
  writeFileSync(path.join(src, 'b.ts'), 'b');
  await waitFor('a second restart', () => r.reasons().length === 2);
  assert.equal(r.reasons()[1], 'restart requested: watch: src/b.ts changed');
});

test('max_memory restarts a service that allocates past it, and the event says why', async (t) => {
  const e = testEnv(t);
  const hog = JSON.stringify(
    'const a = []; for (let i = 0; i < 10; i++) a.push(Buffer.alloc(10 * 1024 * 1024, 1)); setInterval(() => {}, 1000);',
  );
  await daemonWithConfig(
    t,
    e,
    `[services.hog]\nargs = [${JSON.stringify(process.execPath)}, "-e", ${hog}]\nmax_memory = "50MB"\nmax_memory_check = "200ms"\n[services.lean]\nargs = ["sleep", "1000"]\nmax_memory = "50MB"\nmax_memory_check = "200ms"\n`,
  );
  const hogs = restartsOf(t, e, 'hog');
  const leans = restartsOf(t, e, 'lean');
  await waitFor('the streams', () => hogs.ready() && leans.ready());
  await waitFor('a restart for memory', () => hogs.reasons().length >= 1, { timeoutMs: 15_000 });
  assert.match(hogs.reasons()[0] ?? '', /^restart requested: max_memory \(RSS \d+\.\d MB over 50\.0 MB\)$/);
  assert.deepEqual(leans.reasons(), [], 'a service under its limit is left alone');
});

test('cron_restart restarts a running service on its schedule, and not a stopped one', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    `[services.nightly]\nargs = ["sleep", "1000"]\ncron_restart = "@every 1s"\n[services.parked]\nargs = ["sleep", "1000"]\ncron_restart = "@every 1s"\nautostart = false\n`,
  );
  const r = restartsOf(t, e, 'nightly');
  await waitFor('the event stream', r.ready);
  await waitFor('a scheduled restart', () => r.reasons().length >= 1);
  assert.equal(r.reasons()[0], 'restart requested: cron_restart (@every 1s)');
  await waitFor('a second one', () => r.reasons().length >= 2);
  assert.equal((await tendJson<ServiceView[]>(e, ['status', 'parked']))[0]?.state, 'inactive');
});
