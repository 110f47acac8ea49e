/** The scopes of the protocol's methods: every name is a real method, and each scope holds the ones below. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { methods } from './methods.ts';
import { controlMethods, permits, readMethods, scopeOf } from './scopes.ts';

test('every method named by a scope is in the protocol table, and none twice', () => {
  const known = new Set(Object.keys(methods));
  for (const m of [...readMethods, ...controlMethods]) assert.ok(known.has(m), `${m} is not a method`);
  assert.equal(new Set([...readMethods, ...controlMethods]).size, readMethods.length + controlMethods.length);
});

test('read reads, control also starts and stops, admin does everything; a method not named needs admin', () => {
  assert.equal(scopeOf('logs.follow'), 'read');
  assert.equal(scopeOf('service.stop'), 'control');
  assert.equal(scopeOf('service.remove'), 'admin');
  assert.equal(scopeOf('system.shutdown'), 'admin');
  assert.equal(scopeOf('no.such'), 'admin');
  assert.ok(permits('read', 'service.list'));
  assert.ok(!permits('read', 'service.stop'));
  assert.ok(permits('control', 'service.stop'));
  assert.ok(!permits('control', 'service.add'));
  assert.ok(permits('admin', 'service.add'));
  // nothing that changes the set of services or tend itself is below admin
  for (const m of [...readMethods, ...controlMethods]) {
    assert.doesNotMatch(
      m,
      /\.(add|update|remove|reload|shutdown|restart_tend)$|^system\.(shutdown|restart|reload)$/,
    );
  }
});
