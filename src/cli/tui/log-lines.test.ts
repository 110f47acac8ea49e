import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findEntry, type LogEntry, paneRows, sanitize, searchPattern } from './log-lines.ts';

const entries = (texts: string[], first = 0): LogEntry[] =>
  texts.map((text, i) => ({ n: first + i, stream: text.startsWith('!') ? 'stderr' : 'stdout', at: i, text }));
const base = { width: 10, height: 3, wrap: false, stderrOnly: false, bottom: null, highlight: null };

test("a service's escapes and control characters never reach the terminal", () => {
  assert.equal(sanitize('\u001b[31mred\u001b[0m text'), 'red text');
  assert.equal(sanitize('\u001b]0;title\u0007after'), 'after');
  assert.equal(sanitize('a\tb'), 'a    b');
  assert.equal(sanitize('bell\u0007 back\bspace \r\u001b'), 'bell backspace ');
  assert.equal(sanitize('ünïcödé ✓'), 'ünïcödé ✓');
});

test('the pane follows the newest lines, or holds at a place scrolled back to', () => {
  const e = entries(['one', 'two', 'three', 'four', 'five'], 10);
  const follow = paneRows(e, base);
  assert.deepEqual(
    follow.rows.map((r) => r.text),
    ['three', 'four', 'five'],
  );
  assert.equal(follow.top, 12);
  assert.equal(follow.following, true);
  const back = paneRows(e, { ...base, bottom: 11, highlight: 11 });
  assert.deepEqual(
    back.rows.map((r) => [r.text, r.match]),
    [
      ['one', false],
      ['two', true],
    ],
  );
  assert.equal(back.following, false);
});

test('long lines are cut, or wrapped onto rows of the pane width; stderr only hides stdout', () => {
  const e = entries(['short', 'a line of twenty ch', '!err one', 'out']);
  assert.deepEqual(
    paneRows(e, { ...base, height: 2, bottom: 1 }).rows.map((r) => r.text),
    ['short', 'a line of…'],
  );
  assert.deepEqual(
    paneRows(e, { ...base, wrap: true, bottom: 1 }).rows.map((r) => r.text),
    ['short', 'a line of ', 'twenty ch'],
  );
  assert.deepEqual(
    paneRows(e, { ...base, stderrOnly: true }).rows.map((r) => r.text),
    ['!err one'],
  );
});

test('search finds the nearest older or newer match, case-insensitively; a bad expression is literal text', () => {
  const e = entries(['alpha', 'Beta', 'gamma', 'beta again', '!beta on stderr']);
  const beta = searchPattern('beta');
  assert.equal(findEntry(e, beta, null, -1, false), 4);
  assert.equal(findEntry(e, beta, 4, -1, false), 3);
  assert.equal(findEntry(e, beta, 3, -1, false), 1);
  assert.equal(findEntry(e, beta, 1, -1, false), null);
  assert.equal(findEntry(e, beta, 1, 1, false), 3);
  assert.equal(findEntry(e, beta, null, -1, true), 4);
  assert.equal(findEntry(e, beta, 4, -1, true), null);
  assert.equal(findEntry(entries(['a (b', 'c']), searchPattern('a (b'), null, -1, false), 0);
});
