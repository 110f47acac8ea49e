import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers.ts';
import { ServiceStore } from './service-store.ts';

test('saved services come back in a new store, written atomically with mode 0600', (t) => {
  const dir = tempDir(t);
  const a = new ServiceStore(dir);
  a.set('web', { command: 'node web.js' });
  a.set('db', { args: ['postgres'] });
  a.delete('db');
  assert.deepEqual(readdirSync(dir), ['services.json'], 'no temp file is left');
  assert.equal(readFileSyncMode(a.file), 0o600);
  const b = new ServiceStore(dir);
  assert.deepEqual(b.load(), { services: { web: { command: 'node web.js' } }, problem: null });
});

test('a corrupt state file is moved aside and reported, never silently dropped', (t) => {
  const dir = tempDir(t);
  const store = new ServiceStore(dir);
  writeFileSync(store.file, '{"version":1,"services":{"web":');
  const { services, problem } = store.load();
  assert.deepEqual(services, {});
  assert.equal(problem?.code, 'TEND_STATE_CORRUPT');
  const moved = String(problem?.data.movedTo);
  assert.ok(existsSync(moved));
  assert.equal(readFileSync(moved, 'utf8'), '{"version":1,"services":{"web":');
  assert.ok(!existsSync(store.file));
  assert.match(problem!.message, /is corrupt .*moved aside to/);
});

test('a missing state file is an empty store', (t) => {
  const store = new ServiceStore(path.join(tempDir(t), 'nope'));
  assert.deepEqual(store.load(), { services: {}, problem: null });
});

function readFileSyncMode(file: string): number {
  return statSync(file).mode & 0o777;
}

test('a save that cannot be written is kept, reported once, and written by itself once it can be', async (t) => {
  const dir = tempDir(t);
  // a file where the state folder should be: every write fails until it is gone
  const stateDir = path.join(dir, 'state');
  writeFileSync(stateDir, 'in the way');
  const reports: string[] = [];
  let saved: () => void = () => {};
  const savedAgain = new Promise<void>((resolve) => {
    saved = resolve;
  });
  const store = new ServiceStore(stateDir, (p) => {
    reports.push(`${p.code}: ${p.message}`);
    if (p.code === 'TEND_STATE_SAVED') saved();
  });
  assert.doesNotThrow(() => store.set('web', { command: 'node web.js' }));
  assert.doesNotThrow(() => store.set('db', { command: 'postgres' }));
  assert.equal(store.get('db')?.command, 'postgres', 'the definition is held in memory');
  assert.equal(reports.length, 1, 'reported once, not at each save');
  assert.match(reports[0] ?? '', /^TEND_STATE_UNSAVED: could not save .*services\.json \(EEXIST/);
  rmSync(stateDir);
  await savedAgain;
  assert.deepEqual(new ServiceStore(stateDir).load().services, {
    web: { command: 'node web.js' },
    db: { command: 'postgres' },
  });
});
