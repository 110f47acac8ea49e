import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSchedule } from './schedule.ts';

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

test('a daily schedule in a time zone keeps its local hour across both DST changes', () => {
  const daily = parseSchedule('0 9 * * *', 'Europe/Berlin');
  // spring forward (29 March 2026): 09:00 CET is 08:00Z, then 09:00 CEST is 07:00Z, 23 h later
  const spring = daily.next(Date.parse('2026-03-28T07:59:00Z'));
  assert.equal(iso(spring), '2026-03-28T08:00:00.000Z');
  assert.equal(iso(daily.next(spring ?? 0)), '2026-03-29T07:00:00.000Z');
  // fall back (25 October 2026): 25 h between the two runs
  const fall = daily.next(Date.parse('2026-10-24T12:00:00Z'));
  assert.equal(iso(fall), '2026-10-25T08:00:00.000Z');
  assert.equal((fall ?? 0) - Date.parse('2026-10-24T07:00:00Z'), 25 * 3600 * 1000);
  // a time that does not exist that night (02:30) runs once, an hour later in local terms
  const gap = parseSchedule('30 2 * * *', 'Europe/Berlin');
  assert.equal(iso(gap.next(Date.parse('2026-03-28T12:00:00Z'))), '2026-03-29T01:30:00.000Z');
  // hourly stays one real hour apart across the change
  const hourly = parseSchedule('@hourly', 'Europe/Berlin');
  const a = hourly.next(Date.parse('2026-03-29T00:30:00Z')) ?? 0;
  assert.equal((hourly.next(a) ?? 0) - a, 3600 * 1000);
});

test('six fields, nicknames and @every; the same schedule in two zones differs by their offset', () => {
  assert.equal(
    iso(parseSchedule('*/5 * * * * *').next(Date.parse('2026-01-01T00:00:01Z'))),
    '2026-01-01T00:00:05.000Z',
  );
  assert.equal(
    iso(parseSchedule('@daily', 'UTC').next(Date.parse('2026-01-01T10:00:00Z'))),
    '2026-01-02T00:00:00.000Z',
  );
  assert.equal(parseSchedule('@every 30s').next(1000), 31_000);
  const from = Date.parse('2026-06-01T00:00:00Z');
  const utc = parseSchedule('0 12 * * *', 'UTC').next(from) ?? 0;
  const tokyo = parseSchedule('0 12 * * *', 'Asia/Tokyo').next(from) ?? 0;
  assert.equal(utc - tokyo, 9 * 3600 * 1000);
});

test('a bad schedule or time zone is an error that says what is wrong', () => {
  assert.throws(() => parseSchedule('61 * * * *'), /minute: 61/);
  assert.throws(() => parseSchedule('* * *'), /5 or 6 fields/);
  assert.throws(() => parseSchedule('@every 0s'), /at least 1s/);
  assert.throws(() => parseSchedule('@often'), /@often/);
  assert.throws(() => parseSchedule('* * * * *', 'Mars/Olympus'), /unknown time zone "Mars\/Olympus"/);
});
