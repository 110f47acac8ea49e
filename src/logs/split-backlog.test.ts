import assert from 'node:assert/strict';
import test from 'node:test';
import { LineSplitter } from './line-splitter.ts';
import { SplitBacklog } from './split-backlog.ts';

/** `count` numbered lines of 100 bytes, cut into chunks of `chunkBytes` (mid-line). */
function numbered(count: number, chunkBytes: number): Buffer[] {
  const all = Buffer.from(
    Array.from({ length: count }, (_, i) => `${String(i).padStart(9, '0')} ${'x'.repeat(89)}\n`).join(''),
  );
  const chunks: Buffer[] = [];
  for (let i = 0; i < all.length; i += chunkBytes) chunks.push(all.subarray(i, i + chunkBytes));
  return chunks;
}

function collector() {
  const lines: string[] = [];
  let skipped = 0;
  const splitter = new LineSplitter((l) => lines.push(l));
  const backlog = (opts?: { keepBytes: number; maxBacklogBytes: number }) =>
    new SplitBacklog(
      {
        push: (chunk) => splitter.push(chunk),
        skipped: (n) => {
          skipped += 'lines' in n ? n.lines : 0;
          splitter.reset();
        },
      },
      opts,
    );
  return { lines, skipped: () => skipped, backlog };
}

/** Lets the backlog's slices run until `done()` holds (or fails after a deadline). */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!done()) {
    if (Date.now() > deadline) assert.fail('the backlog did not drain');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test('a backlog that keeps up splits every line, in order, the first slice at once', async () => {
  const c = collector();
  const backlog = c.backlog();
  const chunks = numbered(5000, 4096 + 7);
  backlog.add(chunks.slice(0, 1), 0);
  assert.ok(c.lines.length > 0, 'a small chunk is split right away');
  backlog.add(chunks.slice(1), 0);
  await until(() => c.lines.length >= 5000);
  assert.equal(c.lines.length, 5000);
  c.lines.forEach((l, i) => {
    assert.equal(Number(l.slice(0, 9)), i);
  });
  assert.equal(c.skipped(), 0);
});

test('nothing is shed while somebody needs every line: the backlog says it is full, then has room', async () => {
  let lines = 0;
  let room = 0;
  const splitter = new LineSplitter(() => lines++);
  const backlog = new SplitBacklog(
    {
      push: (chunk) => splitter.push(chunk),
      skipped: () => assert.fail('shed although every line is wanted'),
    },
    { keepBytes: 1 << 20, maxBacklogBytes: 2 << 20, canShed: () => false, onRoom: () => room++ },
  );
  backlog.add(numbered(100_000, 1 << 20), 0);
  assert.equal(backlog.full, true, 'the caller leaves the rest in the pipe');
  await until(() => lines >= 100_000);
  assert.equal(lines, 100_000);
  assert.equal(room, 1);
  assert.equal(backlog.full, false);
});

test('a writer that outruns the splitting: the oldest lines are counted as skipped, the newest split whole', async () => {
  const c = collector();
  const backlog = c.backlog({ keepBytes: 1 << 20, maxBacklogBytes: 4 << 20 });
  const total = 200_000; // 20 MB, added in one go as a fast writer would
  backlog.add(numbered(total, (1 << 20) + 13), 0);
  await until(() => c.skipped() + c.lines.length >= total);
  assert.ok(c.skipped() > 0, 'something was skipped');
  assert.equal(c.skipped() + c.lines.length, total, 'every line is either split or counted');
  for (const line of c.lines) assert.match(line, /^\d{9} x{89}$/, 'no line is cut or joined');
  assert.equal(Number(c.lines.at(-1)?.slice(0, 9)), total - 1, 'the newest line is there');
  const first = Number(c.lines[0]?.slice(0, 9));
  c.lines.forEach((l, i) => {
    assert.equal(Number(l.slice(0, 9)), first + i, 'the kept lines are contiguous');
  });
});
