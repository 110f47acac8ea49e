/**
 * Ordinary configs that once broke the kernel, each as a user meets it: a requirement defined
 * later in the file, files added next to running services, a failed requirement under running
 * dependents, conflicting services started together, restarts that were not counted, and a
 * one-shot run twice after tend was killed. Each test failed before the fix it names.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import parsePrometheus from 'parse-prometheus-text-format';
import type { ServiceView, WhyView } from '../../src/protocol/methods.ts';
import {
  daemonWithConfig,
  type Env,
  spawnTend,
  startDaemon,
  tend,
  tendJson,
  tendMain,
  testEnv,
} from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

const status = async (e: Env, name: string) => (await tendJson<ServiceView[]>(e, ['status', name]))[0];
const states = async (e: Env) =>
  Object.fromEntries((await tendJson<ServiceView[]>(e, ['ls'])).map((s) => [s.name, s.state]));

/** `tend events` as JSON lines, collected from now on. */
function followEvents(
  t: { after(fn: () => void): void },
  e: Env,
): { events: Record<string, unknown>[]; child: ChildProcess } {
  const child = spawn(process.execPath, [tendMain, 'events'], { env: e.env, cwd: e.dir });
  t.after(() => child.kill('SIGKILL'));
  const events: Record<string, unknown>[] = [];
  let buffer = '';
  child.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    for (let nl = buffer.indexOf('\n'); nl !== -1; nl = buffer.indexOf('\n')) {
      events.push(JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>);
      buffer = buffer.slice(nl + 1);
    }
  });
  return { events, child };
}

const requiresLater = `[services.web]
command = "sleep 1000"
requires = ["db"]

[services.db]
command = "sleep 1000"
`;

test('a service whose requirement is defined later in the file runs in the daemon and in tend up, the requirement first', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(t, e, requiresLater);
  await waitFor('both running', async () => {
    const s = await states(e);
    return s.web === 'running' && s.db === 'running';
  });
  const [web, db] = [await status(e, 'web'), await status(e, 'db')];
  assert.ok((db?.started_at ?? 0) <= (web?.started_at ?? 0), 'db started first');
  await tend(e, ['shutdown']);

  const project = testEnv(t);
  writeFileSync(path.join(project.dir, 'tend.toml'), requiresLater);
  const up = spawnTend({ ...project, env: { ...project.env, TEND_HOME: '' } }, ['up']);
  t.after(() => up.child.kill('SIGKILL'));
  const upEnv = { ...project, env: { ...project.env, TEND_HOME: '' } };
  await waitFor('tend up runs web and db', async () => {
    const r = await tend(upEnv, ['ls', '--json']);
    if (r.code !== 0) return null;
    const s = Object.fromEntries((JSON.parse(r.stdout) as ServiceView[]).map((x) => [x.name, x.state]));
    return s.web === 'running' && s.db === 'running';
  });
  up.child.kill('SIGTERM');
  assert.equal(await up.exited, 0);
});

test('what tend config check refuses, tend up and tend daemon refuse at once with the same located message', async (t) => {
  const e = testEnv(t);
  writeFileSync(path.join(e.dir, 'bad.toml'), '[services.web]\ncommand = "sleep 1000"\nrequires = ["dbb"]\n');
  const check = await tend(e, ['config', 'check', 'bad.toml']);
  assert.equal(check.code, 1);
  assert.match(check.stderr, /bad\.toml:3:1 services\.web\.requires: unknown service "dbb"/);
  const where = /bad\.toml:3:1 services\.web\.requires: unknown service "dbb"/;
  for (const mode of [
    ['up', 'bad.toml'],
    ['daemon', 'bad.toml'],
    ['init', 'bad.toml'],
  ]) {
    const run = spawnTend({ ...e, env: { ...e.env, TEND_HOME: path.join(e.dir, mode[0] ?? '') } }, mode);
    t.after(() => run.child.kill('SIGKILL'));
    const code = await run.exited;
    assert.equal(code, 1, `tend ${mode.join(' ')} exits 1`);
    assert.match(run.output(), where, `tend ${mode[0]} names the place`);
  }
});

test('tend add -f may name a running service, and a file whose first service conflicts with its second is added', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  assert.equal((await tend(e, ['add', 'db', '--', 'sleep', '1000'])).code, 0);
  writeFileSync(
    path.join(e.dir, 'web.toml'),
    '[services.web]\ncommand = "sleep 1000"\nrequires = ["db"]\nafter = ["db"]\n',
  );
  const added = await tend(e, ['add', '-f', 'web.toml']);
  assert.equal(added.code, 0, added.stderr);
  writeFileSync(
    path.join(e.dir, 'modes.toml'),
    '[services.app]\ncommand = "sleep 1000"\nconflicts = ["devmode"]\n\n[services.devmode]\ncommand = "sleep 1000"\nautostart = false\n',
  );
  const modes = await tend(e, ['add', '-f', 'modes.toml']);
  assert.equal(modes.code, 0, modes.stderr);
  await waitFor('web and app running', async () => {
    const s = await states(e);
    return s.web === 'running' && s.app === 'running' && s.devmode === 'inactive';
  });
  assert.match((await status(e, 'devmode'))?.reason ?? '', /autostart = false/);
  // a name that exists nowhere is refused at its place in the file, and nothing is added
  writeFileSync(
    path.join(e.dir, 'typo.toml'),
    '[services.api]\ncommand = "sleep 1000"\n\nrequires = ["dbb"]\n',
  );
  const typo = await tend(e, ['add', '-f', 'typo.toml']);
  assert.equal(typo.code, 1);
  assert.match(typo.stderr, /typo\.toml:4:1 services\.api\.requires: unknown service "dbb"/);
  assert.equal((await tend(e, ['status', 'api'])).code, 3);
  // the builder of client scripts, naming the running service
  const script = await tend(e, ['-c', "await service('worker').exec('sleep 1000').after('db').register();"]);
  assert.equal(script.code, 0, script.stderr);
  await waitFor('worker running', async () => (await status(e, 'worker'))?.state === 'running');
});

test('a requirement that fails stops its dependents transitively, naming the root cause; they start again when it runs', async (t) => {
  const e = testEnv(t);
  const fixed = path.join(e.dir, 'fixed');
  await daemonWithConfig(
    t,
    e,
    `[services.aa]
command = "sleep 1000"
requires = ["bb"]

[services.bb]
command = "sleep 1000"
requires = ["cc"]

[services.cc]
command = "test -e '${fixed}' && exec sleep 1000; sleep 0.05; exit 1"
restart = "never"
`,
  );
  await waitFor('cc failed, bb and aa stopped for it', async () => {
    const s = await states(e);
    return s.cc === 'failed' && s.bb === 'failed' && s.aa === 'failed' && s;
  });
  const [why] = await tendJson<WhyView[]>(e, ['why', 'aa']);
  assert.match(why?.reason ?? '', /^dependency bb failed; root cause: cc exited with code 1/);
  assert.equal(why?.dependencies[0]?.verdict, 'failed');
  const text = await tend(e, ['why', 'aa']);
  assert.match(text.stdout, /cc/);
  writeFileSync(fixed, '');
  assert.equal((await tend(e, ['start', 'cc'])).code, 0);
  await waitFor('all three running again', async () => {
    const s = await states(e);
    return s.cc === 'running' && s.bb === 'running' && s.aa === 'running';
  });
  assert.equal((await status(e, 'aa'))?.restarts_by_cause.dependency, 1);
});

test('start all never runs two services that conflict; starting one stops the other first', async (t) => {
  const e = testEnv(t);
  await daemonWithConfig(
    t,
    e,
    '[services.app]\ncommand = "sleep 1000"\nconflicts = ["devmode"]\n\n[services.devmode]\ncommand = "sleep 1000"\nautostart = false\n\n[services.other]\ncommand = "sleep 1000"\n',
  );
  await waitFor('app running', async () => (await status(e, 'app'))?.state === 'running');
  const { events } = followEvents(t, e);
  await waitFor('the event stream', () => events.some((x) => x.type === 'snapshot-end'));
  assert.equal((await tend(e, ['stop', 'all'])).code, 0);
  await waitFor('all stopped', async () => Object.values(await states(e)).every((s) => s === 'inactive'));
  assert.equal((await tend(e, ['start', 'all'])).code, 0);
  await waitFor('app and other running', async () => {
    const s = await states(e);
    return s.app === 'running' && s.other === 'running';
  });
  assert.equal((await status(e, 'devmode'))?.state, 'inactive');
  assert.match((await status(e, 'devmode'))?.reason ?? '', /conflicts with app/);
  assert.equal((await tend(e, ['start', 'devmode'])).code, 0);
  await waitFor('devmode running, app stopped', async () => {
    const s = await states(e);
    return s.devmode === 'running' && s.app === 'inactive';
  });
  const both = await tend(e, ['start', 'app', 'devmode']);
  assert.equal(both.code, 1);
  assert.match(both.stderr, /"app" and "devmode" conflict/);
  // the events never show both up at once
  const live = new Map<string, string>();
  for (const x of events) {
    if (x.type === 'state') live.set(String(x.service), String(x.to));
    const up = (n: string) => ['starting', 'running', 'stopping'].includes(live.get(n) ?? '');
    assert.ok(!(up('app') && up('devmode')), `both up after ${JSON.stringify(x)}`);
  }
});

test('restarts count every cause: max_memory, tend restart and the HTTP API, each labelled in /metrics', async (t) => {
  const e = testEnv(t);
  const d = await daemonWithConfig(
    t,
    e,
    `[services.hog]
args = ["${process.execPath}", "-e", "globalThis.b = Buffer.alloc(64 * 1024 * 1024, 1); setInterval(() => {}, 1000)"]
max_memory = "32MiB"
max_memory_check = "200ms"
restart_delay = "50ms"

[services.web]
command = "sleep 1000"

[server.http]
listen = "127.0.0.1:0"
auth = "none"
`,
  );
  await waitFor(
    'a memory restart',
    async () => ((await status(e, 'hog'))?.restarts_by_cause.memory ?? 0) >= 1,
  );
  assert.equal((await tend(e, ['stop', 'hog'])).code, 0);
  const before = (await status(e, 'web'))?.pid;
  assert.equal((await tend(e, ['restart', 'web'])).code, 0);
  await waitFor('web restarted', async () => {
    const w = await status(e, 'web');
    return w?.state === 'running' && w.pid !== before && w;
  });
  const url = await waitFor(
    'the HTTP API to listen',
    () => /HTTP API on (http:\/\/[^\s"]+)/.exec(d.output())?.[1],
  );
  const second = (await status(e, 'web'))?.pid;
  const reply = await fetch(`${url}/api/services/web/restart`, { method: 'POST' });
  assert.equal(reply.status, 200, await reply.text());
  const web = await waitFor('web restarted over HTTP', async () => {
    const w = await status(e, 'web');
    return w?.state === 'running' && w.pid !== second && w;
  });
  assert.equal(web.restarts, 2);
  assert.equal(web.restarts_by_cause.requested, 2);
  assert.equal(web.last_restart?.cause, 'requested');
  const shown = await tend(e, ['status', 'web']);
  assert.match(shown.stdout, /restarts: +2 \(last: requested, .* ago; requested 2\)/);
  const families = parsePrometheus(await (await fetch(`${url}/metrics`)).text()) as {
    name: string;
    metrics: { labels?: Record<string, string>; value: string }[];
  }[];
  const value = (labels: Record<string, string>) =>
    families
      .find((f) => f.name === 'tend_service_restarts_total')
      ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))?.value;
  assert.equal(value({ service: 'web', reason: 'requested' }), '2');
  assert.equal(value({ service: 'web', reason: 'exit' }), '0');
  assert.ok(Number(value({ service: 'hog', reason: 'memory' })) >= 1);
});

test('a completed one-shot stays completed when a new tend adopts the rest after a kill -9', async (t) => {
  const e = testEnv(t);
  const runs = path.join(e.dir, 'runs');
  const config = `[services.migrate]
command = "echo run >> '${runs}'"
oneshot = true

[services.web]
command = "sleep 1000"
requires = { migrate = "completed_successfully" }
`;
  const first = await daemonWithConfig(t, e, config);
  await waitFor('web running after migrate', async () => (await status(e, 'web'))?.state === 'running');
  const webPid = (await status(e, 'web'))?.pid;
  first.child.kill('SIGKILL');
  await first.exited;
  await startDaemon(t, e, ['tend.toml']);
  const after = await waitFor('the new tend has both', async () => {
    const s = await states(e);
    return s.web === 'running' && s.migrate === 'exited' && s;
  });
  assert.ok(after);
  assert.equal((await status(e, 'web'))?.pid, webPid, 'web adopted, not restarted');
  assert.deepEqual(linesOf(runs), ['run'], 'migrate ran once');
});

test('sizes as people write them: 1MiB, 2GiB, 1Mi, 512KB', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    '[services.a]\ncommand = "sleep 1"\nlogs = { max_size = "1MiB", buffer_size = "512KB", max_line = "64KiB" }\nmax_memory = "2GiB"\n\n[services.b]\ncommand = "sleep 1"\nmax_memory = "1Mi"\n',
  );
  const r = await tend(e, ['config', 'check', 'tend.toml']);
  assert.equal(r.code, 0, r.stderr);
  writeFileSync(path.join(e.dir, 'bad.toml'), '[services.a]\ncommand = "sleep 1"\nmax_memory = "2 gigs"\n');
  const bad = await tend(e, ['config', 'check', 'bad.toml']);
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /bad\.toml:3:\d+ services\.a\.max_memory: expected a size like "512KB", "10MB", "1MiB"/,
  );
});

test('a completed one-shot stays completed across a hot restart, with its counts', async (t) => {
  const e = testEnv(t);
  const runs = path.join(e.dir, 'runs');
  await daemonWithConfig(
    t,
    e,
    `[services.migrate]\ncommand = "echo run >> '${runs}'"\noneshot = true\n\n[services.web]\ncommand = "sleep 1000"\nrequires = { migrate = "completed_successfully" }\n`,
  );
  await waitFor('web running after migrate', async () => (await status(e, 'web'))?.state === 'running');
  const before = await status(e, 'migrate');
  assert.equal((await tend(e, ['system', 'restart'])).code, 0);
  await waitFor('the new image answers with both', async () => {
    const r = await tend(e, ['ls', '--json']);
    if (r.code !== 0) return false;
    const s = Object.fromEntries((JSON.parse(r.stdout) as ServiceView[]).map((x) => [x.name, x.state]));
    return s.migrate === 'exited' && s.web === 'running';
  });
  const after = await status(e, 'migrate');
  assert.equal(after?.reason, before?.reason);
  assert.deepEqual(after?.last_exit?.code, 0);
  assert.deepEqual(linesOf(runs), ['run'], 'migrate ran once');
});
