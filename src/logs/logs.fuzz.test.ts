/**
 * Fuzzing the way output becomes lines and files: random output (ASCII, multi-byte UTF-8,
 * CR LF, empty and over-long lines) cut into random chunks gives the same lines in the same
 * order as splitting it whole, through the splitter alone and through the backlog that splits
 * in slices; and random lines written through rotation (random sizes, keep and chunking,
 * through write() and through a real pipe spliced into the file) are all in the files, in
 * order, none cut across two files by write(), no file over its size. 1,000 cases each in
 * npm test, 100,000 deep.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { fuzzParameters } from '../../test/fuzz.ts';
import { tempDir } from '../../test/helpers.ts';
import { canSplice } from '../native/libc.ts';
import { Fifo } from './fifo.ts';
import { LineSplitter } from './line-splitter.ts';
import { RotatingFile } from './rotating-file.ts';
import { SplitBacklog } from './split-backlog.ts';

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', '\r', 'é', '€', '𝄞', 'a\r', '\t', 'x'.repeat(200)),
);
const output = fc.array(text, { maxLength: 40 }).map((lines) => Buffer.from(lines.join('\n')));

/** Random cut points of a buffer. */
function chunks(buf: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => (buf.length ? c % buf.length : 0)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

function splitAll(chunkList: readonly Buffer[], maxLine: number): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), maxLine);
  for (const c of chunkList) s.push(c);
  s.end();
  return lines;
}

test('fuzz: any chunking of any output gives the lines of the whole, in order', () => {
  fc.assert(
    fc.property(
      output,
      fc.array(fc.nat(), { maxLength: 12 }),
      fc.integer({ min: 1, max: 64 }),
      (buf, cuts, maxLine) => {
        assert.deepEqual(splitAll(chunks(buf, cuts), maxLine), splitAll([buf], maxLine));
      },
    ),
    fuzzParameters(),
  );
});

test('fuzz: the backlog that splits in slices gives the same lines as splitting at once', async () => {
  await fc.assert(
    fc.asyncProperty(output, fc.array(fc.nat(), { maxLength: 12 }), async (buf, cuts) => {
      const lines: string[] = [];
      const s = new LineSplitter((l) => lines.push(l));
      // nobody may shed: every line is owed
      const backlog = new SplitBacklog(
        { push: (c) => s.push(c), skipped: () => assert.fail('nothing may be skipped') },
        { keepBytes: 16, maxBacklogBytes: 32, canShed: () => false },
      );
      for (const c of chunks(buf, cuts)) backlog.add([c], 0);
      while (backlog.bytes > 0) await new Promise((r) => setImmediate(r));
      s.end();
      assert.deepEqual(lines, splitAll([buf], 64 * 1024));
    }),
    fuzzParameters(),
  );
});

/** The files of a rotated log, oldest first (`name.log.N` … `name.log.1`, `name.log`), and their bytes. */
function readRotated(file: string): { files: string[]; text: string; bytes: Buffer } {
  const base = path.basename(file);
  const rank = (f: string) => (f === base ? 0 : Number(f.slice(base.length + 1)));
  const files = readdirSync(path.dirname(file))
    .filter((f) => f === base || (f.startsWith(`${base}.`) && /^\d+$/.test(f.slice(base.length + 1))))
    .sort((a, b) => rank(b) - rank(a))
    .map((f) => path.join(path.dirname(file), f));
  const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
  return { files, text: bytes.toString(), bytes };
}

test('fuzz: lines written through rotation are all in the files in order; no file is over its size unless one line is', async (t) => {
  const dir = tempDir(t);
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.string({ maxLength: 30 }).map((s) => s.replace(/\n/g, ' ')),
        { maxLength: 60 },
      ),
      fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 200 })),
      fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 5 }),
      async (lines, maxBytes, turns) => {
        const caseDir = path.join(dir, `w${n++}`);
        mkdirSync(caseDir);
        const file = path.join(caseDir, 'w.log');
        // keep every rotated file: nothing written may be deleted, so the check sees it all
        const keep = lines.length + 1;
        const out = new RotatingFile(file, { maxBytes, keep, compress: false });
        let i = 0;
        for (let turn = 0; i < lines.length; turn++) {
          for (let k = 0; k < (turns[turn % turns.length] ?? 1) && i < lines.length; k++)
            out.write(lines[i++] ?? '');
          await out.flushed();
        }
        await out.close();
        const { files, text } = readRotated(file);
        assert.equal(text, lines.map((l) => `${l}\n`).join(''));
        for (const f of files) {
          const content = readFileSync(f);
          const oneLine = content.indexOf(10) === content.length - 1;
          if (maxBytes > 0 && !oneLine)
            assert.ok(content.length <= maxBytes, `${f}: ${content.length} > ${maxBytes}`);
          if (content.length)
            assert.equal(content[content.length - 1], 10, 'write() never cuts a line across files');
        }
        rmSync(caseDir, { recursive: true });
      },
    ),
    fuzzParameters(),
  );
});

test('fuzz: output spliced from a real pipe in random chunks is in the rotated files byte for byte', async (t) => {
  assert.ok(canSplice(), 'splice() through koffi');
  const dir = tempDir(t);
  // one pipe for every case, empty between them: each case is only its writes and splices
  const fifo = Fifo.open(path.join(dir, 'p.out'));
  const writer = openSync(fifo.path, 'w');
  t.after(() => {
    closeSync(writer);
    fifo.close({ remove: true });
  });
  let n = 0;
  await fc.assert(
    fc.asyncProperty(
      output,
      fc.array(fc.nat(), { maxLength: 8 }),
      fc.oneof(fc.constant(0), fc.integer({ min: 32, max: 600 })),
      async (buf, cuts, maxBytes) => {
        const caseDir = path.join(dir, `p${n++}`);
        mkdirSync(caseDir);
        const file = path.join(caseDir, 'p.log');
        // enough to keep every rotated file (rotation walks them all, so no more)
        const keep = maxBytes ? Math.ceil(buf.length / maxBytes) + 2 : 1;
        const out = new RotatingFile(file, { maxBytes, keep, compress: false });
        try {
          for (const c of chunks(buf, cuts)) {
            if (c.length) writeSync(writer, c);
            const moved = out.spliceFrom(fifo.fd, true);
            assert.ok(moved);
            assert.equal(Buffer.concat(moved.chunks).length, moved.bytes, 'what is read back is what moved');
          }
        } finally {
          await out.close();
        }
        const { files, bytes } = readRotated(file);
        assert.ok(bytes.equals(buf), 'the same bytes');
        if (maxBytes > 0) for (const f of files) assert.ok(readFileSync(f).length <= maxBytes, f);
        rmSync(caseDir, { recursive: true });
      },
    ),
    fuzzParameters(),
  );
});
