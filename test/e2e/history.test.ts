/**
 * The history against a real daemon: a crash loop leaves every exit (code, run time) and
 * every restart with its cause, and all of it is still there, with new entries after it,
 * when tend is killed with SIGKILL and a new daemon takes over.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEntryView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, startDaemon, tend, tendJson, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

const all = (e: Parameters<typeof tendJson>[0]) =>
  tendJson<HistoryEntryView[]>(e, ['history', 'web', '--limit', '10000']);

/** Every exit is followed by its restart: running → backoff naming the exit, then a start. */
function checkLoop(entries: readonly HistoryEntryView[]): number {
  let exits = 0;
  for (const [i, x] of entries.entries()) {
    if (x.kind !== 'exit') continue;
    exits++;
    assert.match(x.what, /^pid \d+ exited with code 3 after \d+ ms$/);
    assert.equal(x.detail.code, 3);
    assert.ok(Number(x.detail.run_ms) >= 50, `run time ${x.detail.run_ms} ms`);
    const rest = entries.slice(i + 1);
    const backoff = rest.find((y) => y.kind === 'state');
    if (!backoff) continue; // the last exit's restart may not have happened yet
    assert.equal(backoff.detail.to, 'backoff', JSON.stringify(backoff));
    assert.match(backoff.what, /running → backoff: exited with code 3; restarting in \d+ms \(restart \d+\)/);
    const start = rest.find((y) => y.kind === 'state' && y.detail.from === 'backoff');
    if (start) assert.equal(start.what, 'backoff → starting: restarting after backoff');
  }
  return exits;
}

test('tend history web after a crash loop lists every exit and restart with its cause, also after a kill -9 of tend and a new daemon', async (t) => {
  const e = testEnv(t);
  const first = await daemonWithConfig(
    t,
    e,
    `[services.web]\ncommand = "sleep 0.05; exit 3"\nrestart = "always"\nrestart_delay = "20ms"\nbackoff = false\nmax_restarts = 1000\n`,
  );
  await waitFor('five exits in the history', async () => checkLoop(await all(e)) >= 5, { everyMs: 100 });
  const old = await all(e);
  first.child.kill('SIGKILL');
  await first.exited;
  await startDaemon(t, e, ['tend.toml']);
  const lastOld = old.at(-1)?.id ?? 0;
  const newExits = (entries: readonly HistoryEntryView[]) =>
    entries.filter((x) => x.kind === 'exit' && x.id > lastOld).length;
  await waitFor('five more exits under the new daemon', async () => newExits(await all(e)) >= 5, {
    everyMs: 100,
  });
  const entries = await all(e);
  // what the killed tend had written is all there, unchanged, and the new one appends to it
  assert.deepEqual(entries.slice(0, old.length), old);
  assert.ok(newExits(entries) >= 5);
  const exits = checkLoop(entries);
  assert.ok(exits >= 10);
  const table = (await tend(e, ['history', 'web', '--kind', 'exit'])).stdout;
  assert.match(table, /TIME +SERVICE +KIND +WHAT/);
  assert.match(table, /web +exit +pid \d+ exited with code 3 after \d+ ms/);
  t.diagnostic(`${exits} exits and their restarts recorded across a kill -9 (${entries.length} entries)`);
});
