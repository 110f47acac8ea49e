import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../../src/client/client.ts';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

/** A script that prints its folder and stays up: it only runs where its file is found. */
const whereAmI = "console.log('cwd=' + process.cwd()); setInterval(() => {}, 1000);\n";

test('tend add runs a command in the folder it was typed in, and add -f in the file’s folder', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const project = path.join(e.dir, 'project');
  const sub = path.join(project, 'services');
  mkdirSync(sub, { recursive: true });
  writeFileSync(path.join(project, 'api.js'), whereAmI);
  writeFileSync(path.join(sub, 'jobs.js'), whereAmI);
  writeFileSync(path.join(sub, 'more.toml'), '[services.jobs]\ncommand = "node jobs.js"\n');

  // the README's daemon example, typed in the folder that holds api.js
  const added = await tend(e, ['add', 'api', '--restart', 'always', '--', 'node', 'api.js'], {
    cwd: project,
  });
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, new RegExp(`^added api running \\(pid \\d+\\) in ${project}\\n$`));
  const fromFile = await tend(e, ['add', '-f', path.join('services', 'more.toml')], { cwd: project });
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, new RegExp(`added jobs running \\(pid \\d+\\) in ${sub}`));
  for (const [name, dir] of [
    ['api', project],
    ['jobs', sub],
  ] as const) {
    await waitFor(`${name}'s folder in its log`, async () => {
      const logs = await tend(e, ['logs', name]);
      return logs.stdout.includes(`cwd=${dir}`);
    });
  }

  // saved absolute: a daemon started again from anywhere runs them in the same folders
  const [api] = await tendJson<ServiceView[]>(e, ['status', 'api']);
  assert.equal(api?.cwd, project);
  const saved = JSON.parse(readFileSync(path.join(e.home, 'state', 'services.json'), 'utf8'));
  assert.equal(saved.services.api.cwd, project);
  assert.equal(saved.services.jobs.cwd, sub);

  // tend status says what one checks when something is wrong
  const status = await tend(e, ['status', 'api']);
  assert.equal(status.code, 0, status.stderr);
  assert.match(status.stdout, /^ {2}command: {3}node api\.js$/m);
  assert.match(status.stdout, new RegExp(`^  cwd: {7}${project}$`, 'm'));
  assert.match(status.stdout, /^ {2}restart: {3}always, at most 10 restarts in the window$/m);
  assert.match(status.stdout, new RegExp(`^  log: {7}${path.join(e.home, 'logs', 'api.log')}$`, 'm'));
  assert.doesNotMatch(status.stdout, /reason:/, 'a service that simply runs needs no reason');
});

test('the SDK says where a definition without cwd runs: the tend’s own folder, in each answer', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const client = await connect({ socket: path.join(e.home, 'tend.sock') });
  t.after(() => client.close());
  const [bare] = await client.service.add({ services: { bare: { command: 'sleep 1000' } } });
  assert.equal(bare?.cwd, e.home, 'a daemon without a config runs it in its home');
  const [here] = await client.service.add({ services: { here: { command: 'sleep 1000', cwd: e.dir } } });
  assert.equal(here?.cwd, e.dir);
});
