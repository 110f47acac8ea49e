import assert from 'node:assert/strict';
import { test } from 'node:test';
import { actionOf, helpBar, helpLines, type KeyPress, keymap, keyName } from './keymap.ts';

const none: KeyPress = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageUp: false,
  pageDown: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  tab: false,
  backspace: false,
  delete: false,
};

test('every key does one thing, and every action has a key and a line of help', () => {
  const keys = keymap.flatMap((k) => [...k.keys]);
  assert.equal(new Set(keys).size, keys.length, 'no key bound twice');
  assert.equal(new Set(keymap.map((k) => k.action)).size, keymap.length);
  assert.equal(helpLines().length, keymap.length);
  for (const k of keymap) for (const key of k.keys) assert.equal(actionOf(key), k.action);
});

test('key presses are named as the table names them', () => {
  assert.equal(keyName('j', none), 'j');
  assert.equal(keyName('K', none), 'K');
  assert.equal(keyName('', { ...none, downArrow: true }), 'down');
  assert.equal(keyName('', { ...none, return: true }), 'enter');
  assert.equal(keyName('c', { ...none, ctrl: true }), 'ctrl-c');
  assert.equal(keyName('', { ...none, pageUp: true }), 'pageup');
  assert.equal(keyName('jr', none), null);
  assert.equal(actionOf(keyName('c', { ...none, ctrl: true })), 'quit');
});

test('the help bar fits the width and always ends with help and quit', () => {
  for (const width of [40, 80, 120, 200]) {
    const bar = helpBar(width);
    assert.ok(Array.from(bar).length <= width, `${width}: ${bar}`);
    assert.match(bar, /\? help {2}q quit$/);
  }
  assert.match(helpBar(80), /^j\/k move {2}s start {2}x stop {2}r restart/);
});
