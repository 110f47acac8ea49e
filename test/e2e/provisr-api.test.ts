/**
 * provisr's HTTP API in tend (`[server.http] compat = ["provisr"]`): the curl calls of
 * provisr's README, run as a provisr user's script, unchanged but for the address, get
 * provisr's answers: `{"ok":true}`, its Status objects with its instance names, and
 * `{"error":"…"}` with 400. The routes live under compat_base_path; tend's own keep theirs.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startDaemon, tend, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

const script = path.join(import.meta.dirname, '../fixtures/provisr/readme-calls.sh');

function run(api: string): Promise<Map<string, { status: number; body: unknown }>> {
  return new Promise((resolve, reject) => {
    execFile('sh', [script], { env: { ...process.env, API: api } }, (e, stdout, stderr) => {
      if (e) return reject(new Error(`${e.message}\n${stderr}`));
      const answers = new Map<string, { status: number; body: unknown }>();
      for (const line of stdout.split('\n').filter(Boolean)) {
        const m = /^(\S+) (\d{3}) (.*)$/.exec(line);
        if (m) answers.set(m[1] ?? '', { status: Number(m[2]), body: JSON.parse(m[3] ?? 'null') });
      }
      resolve(answers);
    });
  });
}

test("a script of provisr's README curl calls works against tend unchanged, with provisr's shapes", async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    [
      '[services.api]',
      'command = "sleep 1000"',
      '[services.worker]',
      'command = "sleep 1000"',
      'autostart = false',
      '[groups.backend]',
      'members = ["api", "worker"]',
      '[server.http]',
      'listen = "127.0.0.1:0"',
      'auth = "none"',
      'compat = ["provisr"]',
    ].join('\n'),
  );
  const d = await startDaemon(t, e, ['tend.toml']);
  const url = await waitFor('the HTTP API', () => /HTTP API on (http:\/\/[^\s"]+)/.exec(d.output())?.[1]);
  const a = await run(`${url}/api`);
  const get = (label: string) => {
    const answer = a.get(label);
    assert.ok(answer, `${label} answered`);
    return answer;
  };
  for (const label of [
    'register',
    'stop-name',
    'start-name',
    'stop-wildcard',
    'start-spec',
    'group-start',
    'group-stop',
    'unregister',
    'status-probe',
  ]) {
    assert.deepEqual(get(label), { status: 200, body: { ok: true } }, label);
  }
  const base = get('status-base').body as Record<string, unknown>[];
  assert.deepEqual(
    base.map((s) => [s.name, s.running, s.state]),
    [
      ['demo-1', true, 'running'],
      ['demo-2', true, 'running'],
    ],
  );
  for (const s of base) {
    assert.deepEqual(Object.keys(s).sort(), [
      'detected_by',
      'name',
      'pid',
      'provisioned',
      'restarts',
      'running',
      'started_at',
      'state',
      'stopped_at',
    ]);
    assert.ok(typeof s.pid === 'number' && s.pid > 0);
    assert.match(String(s.started_at), /^\d{4}-\d\d-\d\dT/);
  }
  const one = get('status-instance').body as Record<string, unknown>;
  assert.equal(one.name, 'demo-2');
  const web = get('status-name').body as Record<string, unknown>;
  assert.equal(web.name, 'web');
  assert.equal(web.running, true);
  const group = get('group-status').body as Record<string, Record<string, unknown>[]>;
  assert.deepEqual(Object.keys(group), ['api', 'worker']);
  assert.equal(group.worker?.[0]?.running, true, 'group start started the member that was not autostarted');
  const gone = get('status-gone');
  assert.equal(gone.status, 400);
  assert.match(String((gone.body as { error: string }).error), /not found/);

  // tend saw it all: demo stopped by the wildcard, web forgotten, the group stopped
  const ls = JSON.parse((await tend(e, ['ls', '--json'])).stdout) as { name: string; state: string }[];
  assert.deepEqual(ls.map((s) => `${s.name}=${s.state}`).sort(), [
    'api=inactive',
    'demo:0=inactive',
    'demo:1=inactive',
    'worker=inactive',
  ]);
  // a selector that is given twice is refused the way provisr refuses it
  const both = await fetch(`${url}/api/status?name=demo&base=demo`);
  assert.equal(both.status, 400);
  assert.deepEqual(await both.json(), { error: 'exactly one of name, base, or wildcard must be provided' });
  // a hostile name is refused and changes nothing
  const evil = await fetch(`${url}/api/register`, {
    method: 'POST',
    body: JSON.stringify({ name: '../evil', command: 'true' }),
  });
  assert.equal(evil.status, 400);
  assert.equal(((await evil.json()) as { error?: string }).error !== undefined, true);
  // tend's own routes keep their shapes beside provisr's
  const own = (await (await fetch(`${url}/api/services/api`)).json()) as { name: string }[];
  assert.equal(own[0]?.name, 'api');
});

test('compat_base_path moves provisr routes, and without compat they are not there', async (t) => {
  const e = testEnv(t);
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    '[services.a]\ncommand = "sleep 1000"\n[server.http]\nlisten = "127.0.0.1:0"\nauth = "none"\ncompat = ["provisr"]\ncompat_base_path = "/provisr/v1"\n',
  );
  const d = await startDaemon(t, e, ['tend.toml']);
  const url = await waitFor('the HTTP API', () => /HTTP API on (http:\/\/[^\s"]+)/.exec(d.output())?.[1]);
  const moved = await fetch(`${url}/provisr/v1/status?name=a`);
  assert.equal(moved.status, 200);
  assert.equal(((await moved.json()) as { name: string }).name, 'a');
  assert.equal((await fetch(`${url}/api/status?name=a`)).status, 404);
});
