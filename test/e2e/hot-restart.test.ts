/**
 * `tend system restart` on a daemon: tend re-executes itself with the same PID and adopts its
 * own children, including one that exits while no image is listening.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../../src/client/client.ts';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

test('tend system restart keeps the daemon PID and every service as it was (running or stopped), and accounts for an exit during the switch', async (t) => {
  const e = testEnv(t);
  const daemon = await startDaemon(t, e);
  const ok = async (args: string[]) => {
    const r = await tend(e, args);
    assert.equal(r.code, 0, `tend ${args.join(' ')}: ${r.stderr}`);
  };
  await ok(['add', 'steady', '--', 'sleep', '1000']);
  await ok(['add', 'victim', '-r', 'always', '--restart-delay', '0', '--', 'sleep', '1000']);
  await ok(['add', 'parked', '--', 'sleep', '1000']);
  await ok(['stop', 'parked']);
  const before = await waitFor('both running', async () => {
    const list = await tendJson<ServiceView[]>(e, ['ls']);
    return list.filter((s) => s.state === 'running').length === 2 && list;
  });
  const victim = before.find((s) => s.name === 'victim')?.pid ?? 0;

  const client = await connect({ socket: path.join(e.home, 'tend.sock') });
  assert.equal((await client.system.version()).pid, daemon.child.pid);
  await client.system.restart();
  // the old image has let go of its connections; the new one is not up yet: kill a service now
  await client.closed;
  process.kill(victim, 'SIGKILL');

  const after = await waitFor('the victim restarted by the new image', async () => {
    try {
      const list = await tendJson<ServiceView[]>(e, ['ls']);
      const v = list.find((s) => s.name === 'victim');
      return v?.state === 'running' && v.pid !== victim && list;
    } catch {
      return false;
    }
  });
  const v = after.find((s) => s.name === 'victim');
  assert.equal(v?.restarts, 1);
  assert.equal(v?.last_exit?.signal, 'SIGKILL', 'the exit status reaped by the new image');
  const steady = after.find((s) => s.name === 'steady');
  const steadyBefore = before.find((s) => s.name === 'steady');
  assert.equal(steady?.pid, steadyBefore?.pid);
  assert.equal(steady?.started_at, steadyBefore?.started_at);
  const parked = after.find((s) => s.name === 'parked');
  assert.equal(parked?.state, 'inactive', 'a stopped service stays stopped');
  assert.equal(parked?.last_exit?.signal, 'SIGTERM', 'and keeps its last exit');

  const cli = await tend(e, ['system', 'restart', '--json']);
  assert.equal(cli.code, 0, cli.stderr);
  assert.deepEqual(JSON.parse(cli.stdout), { pid: daemon.child.pid, same_pid: true });
  assert.equal(daemon.child.exitCode, null, 'the daemon process never ended');
  assert.equal((await tend(e, ['shutdown'])).code, 0);
});
