// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are tend's ${…} syntax, not JavaScript's
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { spawnTend, startDaemon, tend, tendJson, tendMain, testEnv } from '../cli.ts';
import { isAlive, waitFor } from '../helpers.ts';

test('tend status with no name lists every service, as pm2 status does', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  assert.equal((await tend(e, ['add', 'a', '--', 'sleep', '1000'])).code, 0);
  assert.equal((await tend(e, ['add', 'b', '--no-start', '--', 'sleep', '1000'])).code, 0);
  const r = await tend(e, ['status']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^NAME +STATE .*\na +running .*\nb +inactive /);
  assert.deepEqual(
    (await tendJson<ServiceView[]>(e, ['status'])).map((s) => s.name),
    ['a', 'b'],
  );
});

test('tend up -d runs the project in the background; ls and logs -f work from the folder; tend down stops it', async (t) => {
  const e = testEnv(t);
  const project = path.join(e.dir, 'project');
  mkdirSync(path.join(project, 'deep'), { recursive: true });
  writeFileSync(
    path.join(project, 'tend.toml'),
    '[services.web]\nargs = ["sh", "-c", "echo web says hello; exec sleep 1000"]\n',
  );
  // TEND_HOME is exported (testEnv does): the folder still means its project
  const up = await tend(e, ['up', '-d'], { cwd: project });
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, new RegExp(`^tend up running in the background for ${project} \\(pid \\d+\\)`));
  const pid = Number(readFileSync(path.join(project, '.tend', 'tend.pid'), 'utf8'));
  assert.ok(isAlive(pid));
  const twice = await tend(e, ['up', '-d'], { cwd: project });
  assert.equal(twice.code, 1);
  assert.match(
    twice.stderr,
    new RegExp(
      `^hint: it is the tend up of ${project}: "tend ls" there shows what it runs, "tend down" there stops it$`,
      'm',
    ),
  );

  const ls = await tendJson<ServiceView[]>(e, ['ls']).catch(() => null);
  assert.equal(ls, null, 'from outside the folder, the daemon of TEND_HOME is asked (none runs)');
  const inside = await tend(e, ['ls'], { cwd: path.join(project, 'deep') });
  assert.equal(inside.code, 0, inside.stderr);
  assert.match(inside.stdout, /^web +running /m);

  const follow = spawn(process.execPath, [tendMain, 'logs', '-f'], { cwd: project, env: e.env });
  t.after(() => follow.kill('SIGKILL'));
  let followed = '';
  follow.stdout.on('data', (d) => {
    followed += d;
  });
  await waitFor('the line through logs -f', () => followed.includes('web says hello'));
  follow.kill('SIGINT');

  const down = await tend(e, ['down'], { cwd: project });
  assert.equal(down.code, 0, down.stderr);
  assert.equal(down.stdout, `stopped the tend up in ${project}\n`);
  assert.ok(!isAlive(pid) || readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z'), 'tend up has ended');
  assert.ok(!existsSync(path.join(project, '.tend', 'tend.pid')), 'its PID file went with it');
  const again = await tend(e, ['down'], { cwd: project });
  assert.equal(again.stdout, `nothing to stop: no tend up runs in ${project}\n`);
});

test('tend start FILE adds a script that names no service, named after the file, and says so', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  writeFileSync(
    path.join(e.dir, 'app.js'),
    "console.log('app in', process.cwd()); setInterval(() => {}, 1000);\n",
  );
  const first = await tend(e, ['start', 'app.js']);
  assert.equal(first.code, 0, first.stderr);
  assert.match(
    first.stdout,
    /^app\.js is no service: adding it as "app" \(.*node.* .*app\.js\)\nadded app running \(pid \d+\) in /,
  );
  await waitFor('its line', async () => (await tend(e, ['logs', 'app'])).stdout.includes(`app in ${e.dir}`));

  // the same file again starts the service it became
  assert.equal((await tend(e, ['stop', 'app'])).code, 0);
  const second = await tend(e, ['start', './app.js']);
  assert.equal(second.code, 0, second.stderr);
  assert.match(second.stdout, /^app running \(pid \d+\)\n$/);

  // a name taken by something else is refused, saying what to do
  mkdirSync(path.join(e.dir, 'sub'));
  writeFileSync(path.join(e.dir, 'sub', 'app.js'), 'setInterval(() => {}, 1000);\n');
  const clash = await tend(e, ['start', 'sub/app.js']);
  assert.equal(clash.code, 1);
  assert.match(
    clash.stderr,
    /^tend: service "app" already exists: it runs .*, not sub\/app\.js; "tend start app" starts it/m,
  );

  // a script's name that is no file here either: the hint says how a command becomes a service
  const lost = await tend(e, ['start', 'api.js']);
  assert.equal(lost.code, 3);
  assert.match(lost.stderr, /^tend: service "api\.js" not found/m);
  assert.match(
    lost.stderr,
    new RegExp(
      `^hint: there is no file ${path.join(e.dir, 'api.js')} either; "tend add api -- CMD" adds a command as a service`,
      'm',
    ),
  );
});

test('env values take ${TEND_INSTANCE}: two instances, two ports', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const added = await tend(e, [
    'add',
    'web',
    '-i',
    '2',
    '-e',
    'PORT=300${TEND_INSTANCE}',
    '-e',
    'URL=http://127.0.0.1:${PORT}/$${literal}',
    '--',
    'sh',
    '-c',
    'echo "$TEND_SERVICE $PORT $URL"; exec sleep 1000',
  ]);
  assert.equal(added.code, 0, added.stderr);
  await waitFor('both lines', async () => {
    const { stdout } = await tend(e, ['logs', 'web']);
    return (
      stdout.includes('web:0 3000 http://127.0.0.1:3000/${literal}') &&
      stdout.includes('web:1 3001 http://127.0.0.1:3001/${literal}')
    );
  });
});

test('tend down stops a tend up running in another terminal, and it ends 0', async (t) => {
  const e = testEnv(t);
  writeFileSync(path.join(e.dir, 'tend.toml'), '[services.web]\ncommand = "sleep 1000"\n');
  const up = spawnTend(e, ['up']);
  t.after(() => up.child.kill('SIGKILL'));
  await waitFor('web to start', () => /web started \(pid \d+\)/.test(up.output()));
  const down = await tend(e, ['down']);
  assert.equal(down.code, 0, down.stderr);
  assert.equal(down.stdout, `stopped the tend up in ${e.dir}\n`);
  assert.equal(await up.exited, 0, up.output());
  assert.match(up.output(), /web stopped as requested/);
});
