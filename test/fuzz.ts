/**
 * How the fuzz targets run: 1,000 cases each in `npm test`, 100,000 under `npm run test:deep`
 * (TEND_DEEP=1), from a seed that is printed with every failure (fast-check prints it with the
 * shrunk input) and that TEND_FUZZ_SEED replays.
 */
import type fc from 'fast-check';

export const deep = process.env.TEND_DEEP === '1';

/** fast-check parameters for one fuzz target: `cases` in npm test, 100 times as many deep. */
export function fuzzParameters<T>(cases = 1000): fc.Parameters<T> {
  const seed = Number(process.env.TEND_FUZZ_SEED);
  return {
    numRuns: deep ? cases * 100 : cases,
    ...(Number.isInteger(seed) ? { seed } : {}),
  };
}
