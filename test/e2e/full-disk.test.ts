import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { ServiceView } from '../../src/protocol/methods.ts';
import { daemonWithConfig, tend, tendJson, tendMain, testEnv } from '../cli.ts';
import { gate, waitFor } from '../helpers.ts';
import { mb, rssOf } from '../memory.ts';

const lineText = (i: number) => `before ${i} ${'x'.repeat(80)}`;
const total = 2_000_000;

test('a full disk under a log: the service runs on, log-error is reported, memory stays bounded, logging resumes with a marker of what was dropped', async (t) => {
  const e = testEnv(t);
  const disk = mkdtempSync(path.join(tmpdir(), 'tend-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', disk]);
  // one hook: unmounted before the folder is removed
  t.after(() => {
    execFileSync('umount', ['-l', disk]);
    rmSync(disk, { recursive: true, force: true });
  });
  // most of the 2 MB taken up front, so the log fills the rest at once; removed to give space back
  const filler = path.join(disk, 'filler');
  writeFileSync(filler, Buffer.alloc(1900 * 1024));
  const go = gate(t);
  const reached = path.join(e.dir, 'phase-one-done');
  // 2,000,000 lines (180 MB) into a disk with 150 KB free: were the pipe not emptied, the
  // writer would block after 1 MiB and never reach the gate; were it all held, tend would grow
  // by 180 MB
  const daemon = await daemonWithConfig(
    t,
    e,
    `[services.writer]\ncommand = "seq -f 'before %.0f ${'x'.repeat(80)}' 1 ${total}; touch '${reached}'; ${go.wait}; seq -f 'after %g' 1 1000; exec sleep 1000"\nautostart = false\nlogs = { file = "${disk}/writer.log", max_size = 0 }\n`,
  );
  const { pid } = await tendJson<{ pid: number }>(e, ['ping']);
  const rssBefore = rssOf(pid);
  const events = spawn(process.execPath, [tendMain, 'events', '--service', 'writer'], { env: e.env });
  t.after(() => events.kill('SIGKILL'));
  let eventText = '';
  events.stdout.on('data', (d) => {
    eventText += d;
  });
  let eventNote = '';
  events.stderr.on('data', (d) => {
    eventNote += d;
  });
  await waitFor('the event stream', () => eventNote.includes('following events'));
  assert.equal((await tend(e, ['start', 'writer'])).code, 0);
  const logErrors = () =>
    eventText
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; resumed?: boolean; error?: string; dropped?: unknown })
      .filter((ev) => ev.type === 'log-error');

  await waitFor('the writer to get past the full disk', () => existsSync(reached), { timeoutMs: 60_000 });
  await waitFor('a log-error event', () => logErrors().length > 0);
  assert.match(logErrors()[0]?.error ?? '', /ENOSPC/);
  const [status] = await tendJson<ServiceView[]>(e, ['status', 'writer']);
  assert.equal(status?.state, 'running', 'the service kept running');
  const trouble = status?.log_error;
  assert.ok(trouble, 'tend status carries the log problem');
  assert.match(trouble.error, /ENOSPC/);
  assert.ok(trouble.held_bytes <= 1024 * 1024, `held ${trouble.held_bytes} bytes, at most 1 MiB`);
  assert.ok(trouble.dropped_lines > 0);
  assert.match(daemon.output(), /writer: log file cannot be written.*ENOSPC/);
  const human = await tend(e, ['status', 'writer']);
  assert.match(human.stdout, /log file: +cannot write .*writer\.log .*ENOSPC/);
  const rssFull = rssOf(pid);
  const grown = rssFull - rssBefore;
  t.diagnostic(
    `180 MB written to a full disk: daemon RSS ${mb(rssBefore)} → ${mb(rssFull)} (+${mb(grown)}); held ${trouble.held_bytes} bytes, ${trouble.dropped_lines} lines dropped so far`,
  );
  assert.ok(grown < 128 * 2 ** 20, `RSS grew by ${mb(grown)} while 180 MB went to a full disk`);

  rmSync(filler);
  await waitFor('the log to resume', () => logErrors().some((ev) => ev.resumed === true));
  go.open();
  const file = path.join(disk, 'writer.log');
  await waitFor('the lines after the gap', () => readFileSync(file, 'utf8').includes('after 1000\n'));
  const lines = readFileSync(file, 'utf8').split('\n');
  const markerAt = lines.findIndex((l) => l.startsWith('[tend] '));
  const marker = lines[markerAt] ?? '';
  const m =
    /^\[tend\] (\d+) lines \((\d+) bytes\) of output were dropped while this file could not be written \(ENOSPC/.exec(
      marker,
    );
  assert.ok(m, `a marker line, got ${JSON.stringify(marker)}`);
  const dropped = Number(m[1]);
  // every complete line is in order, and those missing are exactly the ones the marker counts
  const kept = lines.filter((l) => /^before \d+ x{80}$/.test(l)).map((l) => Number(l.split(' ')[1]));
  kept.forEach((n, i) => {
    if (i > 0 && n <= (kept[i - 1] ?? 0)) assert.fail(`line ${n} after ${kept[i - 1]}`);
  });
  assert.equal(kept.at(-1), total, 'the newest lines were held and written after the marker');
  assert.equal(kept.length + dropped, total, 'kept + dropped = everything written');
  const after = lines.filter((l) => l.startsWith('after ')).map((l) => Number(l.slice(6)));
  assert.deepEqual(
    after,
    Array.from({ length: 1000 }, (_, i) => i + 1),
  );
  assert.ok(lines.indexOf(lineText(total)) > markerAt, 'the held lines come after the marker');
  const resumed = logErrors().find((ev) => ev.resumed === true);
  assert.deepEqual((resumed?.dropped as { lines: number } | undefined)?.lines, dropped);
  assert.match(daemon.output(), /writer: log file writable again/);
  const [later] = await tendJson<ServiceView[]>(e, ['status', 'writer']);
  assert.equal(later?.log_error, undefined, 'tend status is clear again');
});
