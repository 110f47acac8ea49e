import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methods } from './methods.ts';
import { openRpcDocument } from './openrpc.ts';

test('the OpenRPC document lists every method of the table with its params and result', () => {
  const doc = openRpcDocument('1.2.3') as {
    openrpc: string;
    methods: { name: string; params: { name: string }[] }[];
  };
  assert.equal(doc.openrpc, '1.3.2');
  assert.deepEqual(
    doc.methods.map((m) => m.name),
    Object.keys(methods),
  );
  const start = doc.methods.find((m) => m.name === 'service.start');
  assert.deepEqual(
    start?.params.map((p) => p.name),
    ['names', 'wait', 'settle'],
  );
  assert.deepEqual(JSON.parse(JSON.stringify(doc)), doc);
});
