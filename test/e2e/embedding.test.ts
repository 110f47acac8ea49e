/**
 * The embedding examples run as a user would run them: tend's kernel, jobs and config inside
 * a Hono app and an Express app, its HTTP API mounted under /tend beside the app's own route,
 * answering GET /api/services with the config's service and GET /api/openapi.json with the
 * API's OpenAPI document, refusing a request without the token, and stopping the services
 * when the app gets SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { root, testEnv } from '../cli.ts';
import { isAlive, waitFor } from '../helpers.ts';

for (const framework of ['hono', 'express'] as const) {
  test(`the ${framework} example serves tend's API under /tend: GET /api/services lists the config's service`, async (t) => {
    const e = testEnv(t);
    const child = spawn(process.execPath, [path.join(root, 'examples/embedding', `${framework}.ts`)], {
      env: { ...e.env, PORT: '0', TEND_TOKEN: 'secret' },
      cwd: e.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      out += d;
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    t.after(() => child.kill('SIGKILL'));
    const url = await waitFor(`the ${framework} app to listen`, () => {
      if (child.exitCode !== null) throw new Error(`the app exited ${child.exitCode}: ${out}`);
      return /listening on (http:\/\/\S+)/.exec(out)?.[1];
    });
    const auth = { authorization: 'Bearer secret' };
    const own = await fetch(`${url}/`);
    assert.match(await own.text(), /an app with tend inside/);

    const services = await waitFor('the service to run', async () => {
      const res = await fetch(`${url}/tend/api/services`, { headers: auth });
      assert.equal(res.status, 200);
      const list = (await res.json()) as { name: string; state: string; pid: number }[];
      return list.find((s) => s.name === 'ticker' && s.state === 'running') ? list : null;
    });
    const pid = services[0]?.pid ?? 0;
    assert.ok(isAlive(pid));

    const spec = await fetch(`${url}/tend/api/openapi.json`, { headers: auth });
    assert.equal(((await spec.json()) as { openapi: string }).openapi, '3.1.0');

    const refused = await fetch(`${url}/tend/api/services`);
    assert.equal(refused.status, 401);
    assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'TEND_UNAUTHORIZED');

    child.kill('SIGTERM');
    assert.equal(await exited, 0, out);
    assert.equal(isAlive(pid), false, 'the service stopped with the app');
  });
}
