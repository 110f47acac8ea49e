import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir, waitFor } from '../../test/helpers.ts';
import { HeldOutput } from './held-output.ts';
import { LineSplitter } from './line-splitter.ts';
import { defaultLogOptions, LogHub } from './log-hub.ts';
import { RingBuffer } from './ring-buffer.ts';
import { RotatingFile } from './rotating-file.ts';

test('a line written in pieces is one line; a partial last line counts at the end; long lines are split, not dropped', () => {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), 8);
  s.push(Buffer.from('a'));
  s.push(Buffer.from('b\nc'));
  s.push(Buffer.from('d\r\n'));
  s.push(Buffer.from('0123456789abcdef0\n'));
  s.push(Buffer.from('tail'));
  s.end();
  assert.deepEqual(lines, ['ab', 'cd', '01234567', '89abcdef', '0', 'tail']);
});

test('the ring buffer keeps the newest lines within both bounds', () => {
  const ring = new RingBuffer(3, 1000);
  for (let i = 1; i <= 5; i++)
    ring.push({ service: 's', stream: 'stdout', text: `line ${i}`, at: i, seq: i });
  assert.deepEqual(
    ring.lines().map((l) => l.seq),
    [3, 4, 5],
  );
  const small = new RingBuffer(100, 10);
  for (let i = 1; i <= 5; i++) small.push({ service: 's', stream: 'stdout', text: 'abcd', at: i, seq: i });
  assert.deepEqual(
    small.lines().map((l) => l.seq),
    [4, 5],
  );
});

test('rotation at 1 MiB with keep = 3 leaves exactly the expected files, none over the size, no line lost at a boundary', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'svc.log');
  const out = new RotatingFile(file, { maxBytes: 1024 * 1024, keep: 3, compress: false });
  const total = 50_000; // 100-byte lines: about 4.8 MiB, so some rotated files are deleted
  for (let i = 1; i <= total; i++) out.write(`${String(i).padStart(9, '0')} ${'x'.repeat(89)}`);
  await out.close();
  assert.deepEqual(readdirSync(dir).sort(), ['svc.log', 'svc.log.1', 'svc.log.2', 'svc.log.3']);
  const numbers: number[] = [];
  for (const f of ['svc.log.3', 'svc.log.2', 'svc.log.1', 'svc.log']) {
    const p = path.join(dir, f);
    assert.ok(statSync(p).size <= 1024 * 1024, `${f} is within the size`);
    for (const line of readFileSync(p, 'utf8').split('\n')) if (line) numbers.push(Number(line.slice(0, 9)));
  }
  assert.equal(numbers.at(-1), total);
  numbers.forEach((n, i) => {
    if (i > 0) assert.equal(n, (numbers[i - 1] ?? 0) + 1, 'contiguous across rotations');
  });
});

test('gzip of rotated files', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'z.log');
  const out = new RotatingFile(file, { maxBytes: 1000, keep: 2, compress: true });
  for (let i = 0; i < 30; i++) out.write('y'.repeat(99));
  await out.close();
  assert.deepEqual(readdirSync(dir).sort(), ['z.log', 'z.log.1.gz', 'z.log.2.gz']);
});

test('a file that cannot be written is reported once and retried; no line is lost while the held output fits', async (t) => {
  const dir = tempDir(t);
  // a regular file where the log's folder should be: fails for root too
  const blocker = path.join(dir, 'logs');
  writeFileSync(blocker, '');
  const errors: string[] = [];
  const resumed: { lines: number; bytes: number }[] = [];
  const out = new RotatingFile(path.join(blocker, 'svc.log'), {
    maxBytes: 0,
    keep: 0,
    compress: false,
    retryMs: 20,
    onError: (e) => errors.push(e.message),
    onResume: (d) => resumed.push(d),
  });
  out.write('kept');
  await waitFor('two retries', () => (out.problem()?.attempts ?? 0) >= 3);
  assert.equal(errors.length, 1, 'reported once, not at every retry');
  assert.match(errors[0] ?? '', /EEXIST|ENOTDIR/);
  out.write('also kept');
  assert.equal(out.problem()?.heldBytes, 'kept\nalso kept\n'.length);
  rmSync(blocker);
  await waitFor('the file to work again', () => resumed.length === 1);
  assert.equal(out.problem(), null);
  await out.close();
  assert.deepEqual(resumed, [{ lines: 0, bytes: 0 }]);
  assert.equal(
    readFileSync(path.join(blocker, 'svc.log'), 'utf8'),
    'kept\nalso kept\n',
    'no marker: nothing was lost',
  );
});

test('while a file fails, at most holdBytes wait in memory: the oldest whole lines are dropped, counted, and marked', async (t) => {
  const dir = tempDir(t);
  const blocker = path.join(dir, 'logs');
  writeFileSync(blocker, '');
  const out = new RotatingFile(path.join(blocker, 'svc.log'), {
    maxBytes: 0,
    keep: 0,
    compress: false,
    retryMs: 20,
    holdBytes: 100,
  });
  for (let i = 1; i <= 50; i++) out.write(`line ${String(i).padStart(2, '0')}`);
  await waitFor('the failure', () => out.problem() !== null);
  const p = out.problem();
  assert.ok((p?.heldBytes ?? 0) <= 100);
  rmSync(blocker);
  await waitFor('the file to work again', () => out.problem() === null);
  await out.close();
  const lines = readFileSync(path.join(blocker, 'svc.log'), 'utf8').trimEnd().split('\n');
  const marker = /^\[tend\] (\d+) lines \((\d+) bytes\) of output were dropped/.exec(lines[0] ?? '');
  assert.ok(marker, lines[0]);
  const kept = lines.slice(1);
  assert.equal(Number(marker[1]) + kept.length, 50);
  assert.equal(Number(marker[2]), 8 * (50 - kept.length));
  assert.equal(kept.at(-1), 'line 50');
  assert.ok(
    kept.every((l) => /^line \d\d$/.test(l)),
    'whole lines only',
  );
});

test('held output keeps the newest bytes from a line start, whatever the chunking', () => {
  const held = new HeldOutput(10);
  held.add(Buffer.from('aaaa\nbb'));
  held.add(Buffer.from('bbbbbbb'));
  held.add(Buffer.from('b\ncc\n'));
  // 'aaaa\n' went, then the rest of the b-line whose start was gone with it
  assert.equal(held.contents().toString(), 'cc\n');
  assert.deepEqual(held.dropped, { lines: 2, bytes: 16 });
  held.add(Buffer.from('dd\n'));
  assert.equal(held.tail(4).toString(), 'dd\n');
  held.clear();
  assert.deepEqual(held.dropped, { lines: 0, bytes: 0 });
  assert.equal(held.bytes, 0);
});

test('the hub merges services by time, filters, and batches lines to followers', async (t) => {
  const hub = new LogHub(tempDir(t));
  t.after(() => hub.close());
  hub.configure('a', { ...defaultLogOptions, timestamps: true });
  const got: string[] = [];
  const off = hub.follow({ names: ['b'] }, (lines) => got.push(lines.map((l) => l.text).join(',')));
  hub.push({ service: 'a', stream: 'stdout', text: 'a1', at: 1, seq: 1 });
  hub.push({ service: 'b', stream: 'stderr', text: 'b1', at: 2, seq: 2 });
  hub.push({ service: 'a', stream: 'stdout', text: 'a2', at: 3, seq: 3 });
  hub.push({ service: 'b', stream: 'stdout', text: 'b2', at: 3, seq: 4 });
  assert.deepEqual(
    hub.get({}).map((l) => l.text),
    ['a1', 'b1', 'a2', 'b2'],
  );
  assert.deepEqual(
    hub.get({ stream: 'stderr' }).map((l) => l.text),
    ['b1'],
  );
  assert.deepEqual(
    hub.get({ lines: 2 }).map((l) => l.text),
    ['a2', 'b2'],
  );
  assert.deepEqual(
    hub.get({ grep: /2$/ }).map((l) => l.text),
    ['a2', 'b2'],
  );
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, ['b1,b2'], 'one batch per turn of the event loop');
  off();
  await hub.flushed();
  assert.equal(
    readFileSync(hub.fileOf('a'), 'utf8'),
    '1970-01-01T00:00:00.001Z a1\n1970-01-01T00:00:00.003Z a2\n',
  );
});

test('regression (fuzz): a line of exactly max_line, or ending in a CR, is cut the same whatever the chunking', () => {
  const split = (chunks: string[], max: number) => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l), max);
    for (const c of chunks) s.push(Buffer.from(c));
    s.end();
    return lines;
  };
  // held as a partial, "efgh" was emitted as a piece and the newline made an empty line of it
  assert.deepEqual(split(['abcdefgh', '\nz'], 4), ['abcd', 'efgh', 'z']);
  assert.deepEqual(split(['abcdefgh\nz'], 4), ['abcd', 'efgh', 'z']);
  // the CR of a CR LF cut between two reads counted towards the piece
  assert.deepEqual(split(['abc\r', '\n'], 3), ['abc']);
  assert.deepEqual(split(['\r', '\n'], 1), ['']);
});
