/**
 * Readers that stop reading (SIGSTOP) while a service writes 150 MB: a `tend logs -f` on the
 * socket and a controller following the same logs on its stdin pipe. The service finishes,
 * tend's memory stays within TEND_FOLLOW_BUFFER per reader, and each reader is told what it
 * missed once it reads again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, tend, tendJson, tendMain, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';
import { mb, peakRssOf, rssOf } from '../memory.ts';

const lines = 1_500_000;
const followBuffer = 64 * 2 ** 20;

test('a paused follower and a paused controller while a service writes 150 MB: the service finishes, memory stays bounded, the follower is told what it missed', async (t) => {
  const e = testEnv(t);
  const done = path.join(e.dir, 'written');
  const seen = path.join(e.dir, 'controller-saw');
  const follow = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'logs.follow', params: { names: ['big'] } });
  // 1,500,000 lines of 100 bytes; the controller asks to follow them, then reads nothing
  await daemonWithConfig(
    t,
    e,
    `[services.big]
command = "yes ${'x'.repeat(99)} | head -n ${lines}; touch '${done}'; exec sleep 1000"
autostart = false
logs = { max_size = "50MB", keep = 3 }

[services.watcher]
args = ["sh", "-c", ${JSON.stringify(`echo '${follow}'; head -c 1 > '${seen}'; exec sleep 1000`)}]
controller = "json"
`,
  );
  const { pid } = await tendJson<{ pid: number }>(e, ['ping']);
  const follower = spawn(process.execPath, [tendMain, 'logs', '-f', '-n', '0', 'big'], { env: e.env });
  t.after(() => follower.kill('SIGKILL'));
  let shown = 0;
  follower.stdout.on('data', (d: Buffer) => {
    for (let i = d.indexOf(10); i !== -1; i = d.indexOf(10, i + 1)) shown++;
  });
  let note = '';
  follower.stderr.on('data', (d) => {
    note += d;
  });
  await waitFor('the follower to subscribe', () => note.includes('following logs'));
  await waitFor('the controller to be served', () => existsSync(seen));
  const [watcher] = await tendJson<ServiceView[]>(e, ['status', 'watcher']);
  assert.ok(watcher?.pid);
  follower.kill('SIGSTOP');
  process.kill(watcher.pid, 'SIGSTOP');
  t.after(() => {
    try {
      process.kill(watcher.pid ?? 0, 'SIGCONT');
    } catch {}
  });
  const before = rssOf(pid);
  const started = Date.now();
  assert.equal((await tend(e, ['start', 'big'])).code, 0);
  await waitFor('the service to write 150 MB', () => existsSync(done), { timeoutMs: 90_000, everyMs: 50 });
  const tookMs = Date.now() - started;
  const peak = peakRssOf(pid);
  follower.kill('SIGCONT');
  await waitFor('the follower to be told what it missed', () => /(\d+) lines were not shown/.test(note), {
    timeoutMs: 60_000,
  });
  const missed = [...note.matchAll(/(\d+) lines were not shown/g)].reduce((n, m) => n + Number(m[1]), 0);
  await waitFor('the follower to catch up', () => shown + missed >= lines, { timeoutMs: 60_000 });
  const after = rssOf(pid);
  t.diagnostic(
    `150 MB written in ${tookMs} ms with both readers stopped; daemon RSS ${mb(before)} before, peak ${mb(peak)} (+${mb(peak - before)}), ${mb(after)} after the follower read again; the follower got ${shown} lines and was told of ${missed} missed`,
  );
  assert.equal(shown + missed, lines, 'every line was shown or counted as missed');
  assert.ok(missed > 0);
  // each stopped reader holds up to TEND_FOLLOW_BUFFER of unsent output, which V8 may keep
  // up to twice over until its next full collection; 100 MB is what tend needs to split
  // 150 MB/s into lines for followers (the same at 450 MB: it does not grow with the output)
  const bound = 2 * 2 * followBuffer + 100 * 2 ** 20;
  assert.ok(peak - before < bound, `peak RSS grew by ${mb(peak - before)}, bound ${mb(bound)}`);
  const [big] = await tendJson<ServiceView[]>(e, ['status', 'big']);
  assert.equal(big?.state, 'running');
  // the files were never slowed or cut: every byte is in them
  const files = readdirSync(path.join(e.home, 'logs')).filter((f) => f.startsWith('big.log'));
  const bytes = files.reduce((n, f) => n + statSync(path.join(e.home, 'logs', f)).size, 0);
  assert.equal(bytes, lines * 100);
});
