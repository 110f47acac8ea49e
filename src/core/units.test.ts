import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseDuration, parseSize } from './units.ts';

test('sizes as people write them: decimal units are powers of 1000, binary ones of 1024', () => {
  const cases: [unknown, number | null][] = [
    [0, 0],
    [4096, 4096],
    ['512B', 512],
    ['512KB', 512_000],
    ['10MB', 10_000_000],
    ['1MiB', 1_048_576],
    ['2GiB', 2 * 1024 ** 3],
    ['1Mi', 1_048_576],
    ['1Gi', 1024 ** 3],
    ['500M', 500_000_000],
    ['1.5KiB', 1536],
    ['10 mb', 10_000_000],
    ['64kib', 65_536],
    ['1MiBs', null],
    ['MB', null],
    ['-1MB', null],
    ['1.5', null],
    [1.5, null],
    [-1, null],
    ['', null],
    [null, null],
  ];
  for (const [input, bytes] of cases) assert.equal(parseSize(input), bytes, JSON.stringify(input));
});

test('durations as people write them, compound ones included', () => {
  const cases: [unknown, number | null][] = [
    [5, 5000],
    ['250ms', 250],
    ['1m30s', 90_000],
    ['1h30m', 5_400_000],
    ['2d', 172_800_000],
    ['1d12h', 129_600_000],
    ['1.5s', 1500],
    ['90', 90_000],
    ['1h 30m', null],
    ['5 minutes', null],
    ['-5s', null],
    [Number.NaN, null],
  ];
  for (const [input, ms] of cases) assert.equal(parseDuration(input), ms, JSON.stringify(input));
});

test('a size written with any unit means that many of the unit; a duration, the sum of its parts', () => {
  const unit = fc.constantFrom(
    ['B', 1],
    ['KB', 1e3],
    ['MB', 1e6],
    ['GB', 1e9],
    ['KiB', 1024],
    ['MiB', 1024 ** 2],
    ['GiB', 1024 ** 3],
    ['Ki', 1024],
    ['Mi', 1024 ** 2],
    ['Gi', 1024 ** 3],
  ) as fc.Arbitrary<[string, number]>;
  fc.assert(
    fc.property(fc.nat({ max: 100_000 }), unit, (n, [u, factor]) => parseSize(`${n}${u}`) === n * factor),
    { numRuns: 1000 },
  );
  const part = fc.tuple(
    fc.nat({ max: 1000 }),
    fc.constantFrom(['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000], ['ms', 1]),
  );
  fc.assert(
    fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
      const text = parts.map(([n, [u]]) => `${n}${u}`).join('');
      const want = parts.reduce((ms, [n, [, f]]) => ms + n * f, 0);
      return parseDuration(text) === want;
    }),
    { numRuns: 1000 },
  );
});
