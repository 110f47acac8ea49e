import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { connect } from '../../src/index.ts';
import { startDaemon, testEnv } from '../cli.ts';

test('the SDK adds a service, follows its events as an async iterator, reads stats and removes it', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  await using tend = await connect({ socket: path.join(e.home, 'tend.sock') });
  const seen: string[] = [];
  const events = (async () => {
    for await (const ev of tend.events({ services: ['sdk'] })) {
      if (ev.type === 'state') seen.push(String(ev.to));
      if (ev.type === 'state' && ev.to === 'inactive') return;
    }
  })();
  // requests on one connection are answered in order: once this ping returns, the subscription is live
  await tend.system.ping();
  const added = await tend.service.add({ services: { sdk: { args: ['sleep', '1000'] } }, wait: 5000 });
  assert.equal(added[0]?.state, 'running');
  const [stats] = await tend.service.stats({ names: ['sdk'] });
  assert.equal(stats?.pids.length, 1);
  assert.ok((stats?.rss_bytes ?? 0) > 0);
  await assert.rejects(tend.service.status({ name: 'nope' }), { tendCode: 'TEND_SERVICE_NOT_FOUND' });
  assert.deepEqual(await tend.service.remove({ names: ['sdk'], wait: 5000 }), { removed: ['sdk'] });
  await events;
  assert.deepEqual(seen.slice(0, 2), ['starting', 'running']);
  assert.ok(seen.includes('stopping') && seen.at(-1) === 'inactive', seen.join(','));
  assert.deepEqual(await tend.service.list(), []);
});
