/** The history store on a real database file: filters, paging both ways, retention, reopening. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers.ts';
import { History, pointInTime } from './history.ts';

const exit = (service: string, at: number) =>
  ({ type: 'exit', service, pid: 1, code: 1, signal: null, at, uptimeMs: 100, downtimeMs: null }) as const;

test('filters by name (a base matches its instances), kind and time; pages forwards and backwards', (t) => {
  const dir = tempDir(t);
  const h = new History(dir);
  t.after(() => h.close());
  for (let i = 0; i < 10; i++) h.event(exit(i % 2 ? 'web:1' : 'web:0', 1000 + i));
  h.event(exit('webhook', 2000));
  h.event({ type: 'added', service: 'db', at: 3000 });
  h.action({
    method: 'service.stop',
    params: { names: ['db'] },
    access: { scope: 'control', who: 'token ops', from: 'http ::1' },
    error: null,
  });
  assert.equal(h.query({ names: ['web'] }).entries.length, 10, 'web is web:0 and web:1, not webhook');
  assert.equal(h.query({ names: ['web:1'] }).entries.length, 5);
  assert.deepEqual(
    h.query({ kinds: ['added', 'action'] }).entries.map((x) => `${x.service} ${x.kind} ${x.who ?? ''}`),
    ['db added ', 'db action token ops'],
  );
  assert.equal(h.query({ since: 1005, until: 2000 }).entries.length, 6);
  // the newest page first, then back from its first id
  const newest = h.query({ names: ['web'], limit: 4 });
  assert.equal(newest.more, true);
  assert.deepEqual(
    newest.entries.map((x) => x.at),
    [1006, 1007, 1008, 1009],
  );
  const older = h.query({ names: ['web'], limit: 4, before: newest.entries[0]?.id });
  assert.deepEqual(
    older.entries.map((x) => x.at),
    [1002, 1003, 1004, 1005],
  );
  // forwards from an id, oldest first
  const next = h.query({ names: ['web'], limit: 8, after: older.entries[0]?.id });
  assert.deepEqual(
    next.entries.map((x) => x.at),
    [1003, 1004, 1005, 1006, 1007, 1008, 1009],
  );
  assert.equal(next.more, false);
});

test('rows are kept across a reopen; retention drops by age and by count', (t) => {
  const dir = tempDir(t);
  const now = Date.now();
  const h = new History(dir);
  h.event(exit('old', now - 10 * 86_400_000));
  for (let i = 0; i < 300; i++) h.event(exit('web', now + i));
  h.close();
  const kept = new History(dir, { maxAgeMs: 86_400_000, maxEntries: 100 });
  t.after(() => kept.close());
  assert.equal(kept.query({ names: ['old'] }).entries.length, 0, 'older than max_age');
  const rest = kept.query({ limit: 1000 }).entries;
  assert.equal(rest.length, 100);
  assert.equal(rest.at(-1)?.at, now + 299, 'the newest are kept');
});

test('times are ms since the epoch or a duration ago; anything else is refused by field', () => {
  assert.equal(pointInTime('1d', 'since', 100_000_000), 100_000_000 - 86_400_000);
  assert.equal(pointInTime(5, 'since'), 5);
  assert.equal(pointInTime(undefined, 'since'), undefined);
  assert.throws(() => pointInTime('yesterday', 'until'), /until: "yesterday" is not a duration ago/);
  assert.throws(() => pointInTime('15', 'since'), /since: "15" is not a duration ago/);
});
