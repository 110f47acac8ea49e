import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { isAlive, linesOf, waitFor } from '../helpers.ts';

const numbers = (file: string) => linesOf(file).map(Number);

test('kill -9 of the daemon while a service writes a counter every millisecond: it lives on, and no number is missing after a new daemon adopts it', async (t) => {
  const e = testEnv(t);
  const config = path.join(e.dir, 'tend.toml');
  const counter = path.join(e.dir, 'counter.mjs');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this string is the counter's source code
  writeFileSync(counter, 'let i = 0; setInterval(() => process.stdout.write(`${++i}\\n`), 1);\n');
  writeFileSync(
    config,
    `[services.counter]\nargs = [${JSON.stringify(process.execPath)}, ${JSON.stringify(counter)}]\nrestart = "always"\nrestart_delay = 0\nlogs = { max_size = 0 }\n`,
  );
  const file = path.join(e.home, 'logs', 'counter.log');

  const first = await startDaemon(t, e, [config]);
  await waitFor('some numbers in the log', () => {
    try {
      return numbers(file).length > 300;
    } catch {
      return false;
    }
  });
  const [before] = await tendJson<ServiceView[]>(e, ['ls']);
  assert.ok(before?.pid);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.ok(isAlive(before.pid), 'the service survives the daemon');
  const atKill = numbers(file).length;

  await startDaemon(t, e, [config]);
  const [after] = await tendJson<ServiceView[]>(e, ['ls']);
  assert.equal(after?.pid, before.pid, 'adopted, not started again');
  assert.equal(after?.state, 'running');
  assert.match(after?.reason ?? '', /adopted pid \d+/);
  assert.ok(Math.abs((after?.started_at ?? 0) - (before.started_at ?? 0)) < 5, 'the uptime is kept');
  await waitFor('numbers written while no tend read, and after', () => numbers(file).length > atKill + 500, {
    timeoutMs: 20_000,
  });
  const all = numbers(file);
  all.forEach((n, i) => {
    if (n !== i + 1) assert.fail(`line ${i + 1} holds ${n}: a number is missing or repeated`);
  });

  // killing the adopted process afterwards applies its restart policy
  process.kill(before.pid, 'SIGKILL');
  const restarted = await waitFor('a restart of the adopted service', async () => {
    const [s] = await tendJson<ServiceView[]>(e, ['ls']);
    return s?.state === 'running' && s.pid !== before.pid && s;
  });
  assert.equal(restarted.restarts, 1);
  assert.equal((await tend(e, ['shutdown'])).code, 0);
});

test('a saved PID that now belongs to another process (its start time differs) is not adopted, and tend says so', async (t) => {
  const e = testEnv(t);
  const config = path.join(e.dir, 'tend.toml');
  writeFileSync(config, '[services.web]\ncommand = "exec sleep 1000"\n');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(path.join(e.home, 'state'), { recursive: true });
  // this test's own PID, alive, but with a start time that is not its own
  writeFileSync(
    path.join(e.home, 'state', 'run.json'),
    JSON.stringify({
      version: 1,
      services: { web: { pid: process.pid, startTicks: 1, startedAt: 0, restarts: 7 } },
    }),
  );
  const daemon = await startDaemon(t, e, [config]);
  const [web] = await tendJson<ServiceView[]>(e, ['ls']);
  assert.notEqual(web?.pid, process.pid);
  assert.equal(web?.restarts, 0);
  assert.match(
    daemon.output(),
    new RegExp(
      `service \\\\"web\\\\": pid ${process.pid} from the saved state now belongs to another process`,
    ),
  );
});
