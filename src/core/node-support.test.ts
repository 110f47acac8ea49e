import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTendError } from './errors.ts';
import { assertTypeStripping, hasTypeStripping } from './node-support.ts';

test('type stripping is on by default from Node 22.18 and 23.6', () => {
  for (const v of ['22.18.0', '22.20.1', '23.6.0', '24.0.0', '26.1.0']) assert.ok(hasTypeStripping(v), v);
  for (const v of ['20.20.2', '22.17.1', '23.5.0', '18.0.0']) assert.ok(!hasTypeStripping(v), v);
});

test('an old Node is refused naming what needs it, the version needed and the version found', () => {
  assert.throws(
    () => assertTypeStripping('tend run', '20.20.2'),
    (e) =>
      isTendError(e) &&
      e.code === 'TEND_NODE_TOO_OLD' &&
      e.message ===
        'tend run needs Node.js 22.18 or newer (it runs TypeScript and resolves "tend" imports); this is Node.js v20.20.2',
  );
  assert.doesNotThrow(() => assertTypeStripping('tend run', '22.18.0'));
});
