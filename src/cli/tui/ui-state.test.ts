import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KeyPress } from './keymap.ts';
import type { LogEntry } from './log-lines.ts';
import type { Row, Target } from './rows.ts';
import { initialUi, type KeyContext, onInput, onKey, type UiState } from './ui-state.ts';

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
const enter = { ...none, return: true };
const esc = { ...none, escape: true };

function row(name: string, system = false): Row {
  const target: Target = { kind: 'service', name, log: name, base: name, system, detailed: true };
  return {
    key: `s:${name}`,
    target,
    state: 'running',
    cells: { name, pid: '1', uptime: '', restarts: '', cpu: '', mem: '', info: '' },
  };
}

const entries: LogEntry[] = ['boot', 'ready on :80', 'GET /a', 'GET /b', 'ready again', 'GET /c'].map(
  (text, n) => ({
    n,
    stream: 'stdout',
    at: n,
    text,
  }),
);

function ctx(_state: UiState, rows = [row('api'), row('db', true), row('web')]): KeyContext {
  return {
    rows,
    entries,
    top: 3,
    logHeight: 2,
    pageHeight: 10,
    instances: () => 1,
  };
}

/** Types keys one by one, as a person does. */
function press(state: UiState, ...keys: (string | KeyPress)[]) {
  let s = state;
  let effect = null;
  for (const k of keys) {
    const step = typeof k === 'string' ? onKey(s, k, none, ctx(s)) : onKey(s, '', k, ctx(s));
    s = step.state;
    effect = step.effect ?? effect;
  }
  return { state: s, effect };
}

test('j and k move the selection within the table', () => {
  assert.equal(press(initialUi, 'j', 'j').state.selectedKey, 's:web');
  assert.equal(press(initialUi, 'j', 'j', 'j').state.selectedKey, 's:web', 'stops at the last row');
  assert.equal(press(initialUi, 'j', 'k', 'k').state.selectedKey, 's:api');
  assert.equal(press(initialUi, 'G').state.selectedKey, 's:web');
});

test('x on a user service stops it at once; on a system service it asks first', () => {
  const plain = press(initialUi, 'x');
  assert.deepEqual(plain.effect, { kind: 'perform', target: row('api').target, action: { kind: 'stop' } });
  const asked = press(initialUi, 'j', 'x');
  assert.equal(asked.effect, null);
  assert.equal(asked.state.mode.kind, 'confirm');
  assert.equal(press(asked.state, 'y').effect?.kind, 'perform');
  const no = press(asked.state, 'n');
  assert.equal(no.effect, null);
  assert.deepEqual([no.state.mode.kind, no.state.message?.text], ['table', 'cancelled']);
  assert.equal(press(initialUi, 'j', 's').effect?.kind, 'perform', 'starting needs no confirmation');
});

test('K opens the signal picker; a digit or enter sends; + and - scale, never below one instance', () => {
  const picker = press(initialUi, 'K');
  assert.equal(picker.state.mode.kind, 'signals');
  assert.deepEqual(press(picker.state, '7').effect, {
    kind: 'perform',
    target: row('api').target,
    action: { kind: 'kill', signal: 'SIGKILL' },
  });
  assert.deepEqual(press(picker.state, 'j', enter).effect, {
    kind: 'perform',
    target: row('api').target,
    action: { kind: 'kill', signal: 'SIGINT' },
  });
  assert.deepEqual(press(initialUi, '+').effect, {
    kind: 'perform',
    target: row('api').target,
    action: { kind: 'scale', instances: 2, from: 1 },
  });
  const down = press(initialUi, '-');
  assert.equal(down.effect, null);
  assert.match(down.state.message?.text ?? '', /one instance/);
});

test('/ searches the log pane from the newest line back; n goes on to older matches', () => {
  const found = press(initialUi, '/', 'r', 'e', 'a', 'd', 'y', enter);
  assert.deepEqual([found.state.search, found.state.highlight, found.state.mode.kind], ['ready', 4, 'table']);
  assert.equal(found.state.bottom, 5, 'the match is held in view');
  const older = press(found.state, 'n');
  assert.equal(older.state.highlight, 1);
  assert.match(press(older.state, 'n').state.message?.text ?? '', /no more match/);
  assert.equal(press(older.state, 'N').state.highlight, 4);
  assert.match(press(initialUi, '/', 'z', 'z', enter).state.message?.text ?? '', /zz: no match/);
});

test('the filter applies as it is typed; esc clears it', () => {
  const typing = press(initialUi, 'f', 'd', 'b');
  assert.deepEqual([typing.state.filter, typing.state.mode.kind], ['db', 'prompt']);
  assert.equal(press(typing.state, enter).state.filter, 'db');
  assert.equal(press(typing.state, { ...none, backspace: true }).state.filter, 'd');
  assert.equal(press(typing.state, esc).state.filter, '');
});

test('keys read together count one by one; ctrl-c quits from anywhere', () => {
  const both = onInput(initialUi, 'jx', none, ctx(initialUi));
  assert.equal(both.effect, null);
  assert.deepEqual(
    both.state.mode,
    { kind: 'confirm', target: row('db', true).target, action: { kind: 'stop' } },
    'j moved to db, a system service, and x asked',
  );
  const search = onInput(initialUi, '/GET /b\r', none, ctx(initialUi));
  assert.equal(search.state.highlight, 3);
  // the rest of a search typed into the open prompt, with its Enter, in one read
  const prompt = onKey(initialUi, '/', none, ctx(initialUi)).state;
  assert.equal(onInput(prompt, 'ready\n', none, ctx(prompt)).state.highlight, 4);
  for (const s of [
    initialUi,
    press(initialUi, 'K').state,
    press(initialUi, 'f').state,
    press(initialUi, '?').state,
  ]) {
    assert.deepEqual(onKey(s, 'c', { ...none, ctrl: true }, ctx(s)).effect, { kind: 'quit' });
  }
});

test('two presses read before the screen is drawn again both count', () => {
  const c = ctx(initialUi);
  const once = onKey(initialUi, 'j', none, c).state;
  // the same context, as the screen has not been drawn since
  assert.equal(onKey(once, 'j', none, c).state.selectedKey, 's:web');
});
