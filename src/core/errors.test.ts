import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errors, TendError } from './errors.ts';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const rows = new Map(
  [...doc.matchAll(/^\| `(TEND_[A-Z_]+)`\s*\|\s*(-?\d+)\s*\|\s*(\d)\s*\|[^|]*\|\s*(.*?)\s*\|$/gm)].map(
    (m) => [m[1], { rpc: Number(m[2]), exit: Number(m[3]), fix: m[4] }],
  ),
);

test('every error code is documented in docs/errors.md with the same RPC code, exit status and next step', () => {
  for (const [code, entry] of Object.entries(errors)) {
    assert.ok(entry.hint({}).length > 0, `${code} has a hint`);
    assert.deepEqual(rows.get(code), { rpc: entry.rpc, exit: entry.exit, fix: entry.hint({}) }, code);
  }
  assert.deepEqual(
    [...rows.keys()].sort(),
    Object.keys(errors).sort(),
    'docs list no retired or unknown codes',
  );
});

test('a TendError carries its code, data and a sentence built from the data', () => {
  const e = new TendError('TEND_SERVICE_NOT_FOUND', { name: 'web' }, { cause: new Error('x') });
  assert.equal(e.code, 'TEND_SERVICE_NOT_FOUND');
  assert.deepEqual(e.data, { name: 'web' });
  assert.equal(e.message, 'service "web" not found');
  assert.ok(e.cause instanceof Error);
});
