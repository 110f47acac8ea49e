import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServiceState } from '../../core/lifecycle.ts';
import { colorEnabled, painter } from './color.ts';
import { formatBytes, formatDuration, formatExit } from './format.ts';
import { renderTable } from './table.ts';
import { UpPrinter } from './up-printer.ts';

test('durations and sizes read like a person writes them', () => {
  assert.deepEqual([450, 3_000, 192_000, 3_720_000, 90_000_000].map(formatDuration), [
    '450ms',
    '3s',
    '3m12s',
    '1h2m',
    '1d1h',
  ]);
  assert.deepEqual([512, 2048, 41 * 1024 * 1024, 3.5 * 1024 ** 3].map(formatBytes), [
    '512 B',
    '2.0 KB',
    '41 MB',
    '3.5 GB',
  ]);
  assert.equal(formatExit(null), '-');
  assert.equal(formatExit({ code: 1, signal: null }), 'code 1');
  assert.equal(formatExit({ code: null, signal: 'SIGKILL' }), 'SIGKILL');
});

test('tables align columns, ignoring colour codes', () => {
  const paint = painter(true);
  const out = renderTable(
    ['NAME', 'STATE'],
    [
      [paint('green', 'web'), 'running'],
      ['worker', 'failed'],
    ],
  );
  assert.equal(
    out.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), ''),
    'NAME    STATE\nweb     running\nworker  failed',
  );
});

test('colour only on a TTY, never with NO_COLOR, always with FORCE_COLOR', () => {
  const tty = { isTTY: true } as never;
  const pipe = { isTTY: false } as never;
  assert.equal(colorEnabled(tty, { TERM: 'xterm' }), true);
  assert.equal(colorEnabled(pipe, { TERM: 'xterm' }), false);
  assert.equal(colorEnabled(tty, { TERM: 'xterm', NO_COLOR: '1' }), false);
  assert.equal(colorEnabled(tty, { TERM: 'dumb' }), false);
  assert.equal(colorEnabled(pipe, { FORCE_COLOR: '1' }), true);
});

test('tend up lines: padded prefixes, stderr marked, tend lines for spawns, exits, backoff and failures', () => {
  let out = '';
  const p = new UpPrinter(
    (t) => {
      out += t;
    },
    painter(false),
    ['web', 'worker:0'],
  );
  p.line({ service: 'web', stream: 'stdout', text: 'hello' });
  p.line({ service: 'worker:0', stream: 'stderr', text: 'oops' });
  p.event({ type: 'spawn', service: 'web', pid: 42, at: 0 });
  p.event({
    type: 'exit',
    service: 'web',
    pid: 42,
    code: 1,
    signal: null,
    at: 0,
    uptimeMs: 5,
    downtimeMs: null,
  });
  const base = { type: 'state', service: 'web', at: 0, pid: null } as const;
  p.event({
    ...base,
    from: 'running',
    to: 'backoff',
    reason: 'exited with code 1; restarting in 200ms (restart 2)',
  });
  p.event({
    ...base,
    from: 'running',
    to: 'failed',
    reason: 'exited with code 1; gave up after 3 restarts within 60s',
  });
  p.event({ ...base, from: 'running', to: 'running', reason: 'ready' });
  assert.equal(
    out,
    [
      'web      | hello',
      'worker:0 ! oops',
      'tend     > web started (pid 42)',
      'tend     > web exited with code 1',
      'tend     > web restarting in 200ms (restart 2)',
      'tend     > web failed: gave up after 3 restarts within 60s',
      '',
    ].join('\n'),
  );
});

test('tend up words: a planned stop is told as one, with its signal and time; no readiness check is simply running', () => {
  let out = '';
  const p = new UpPrinter(
    (t) => {
      out += t;
    },
    painter(false),
    ['web', 'db'],
  );
  const state = (service: string, from: ServiceState, to: ServiceState, reason: string, at: number) =>
    p.event({ type: 'state', service, from, to, reason, at, pid: null });
  p.event({ type: 'spawn', service: 'web', pid: 42, at: 0 });
  state('web', 'starting', 'running', 'running', 1);
  state('web', 'running', 'stopping', 'stop requested', 1000);
  p.event({
    type: 'exit',
    service: 'web',
    pid: 42,
    code: null,
    signal: 'SIGTERM',
    at: 1010,
    uptimeMs: 1009,
    downtimeMs: null,
  });
  state('web', 'stopping', 'stopping', 'stopped by SIGTERM; waiting for the rest of the group', 1010);
  state('web', 'stopping', 'inactive', 'stopped as requested', 1012);
  // a signal nobody asked tend for is still told as a kill
  p.event({
    type: 'exit',
    service: 'db',
    pid: 43,
    code: null,
    signal: 'SIGKILL',
    at: 2000,
    uptimeMs: 2000,
    downtimeMs: null,
  });
  assert.equal(
    out,
    [
      'tend > web started (pid 42)',
      'tend > web stopping (stop requested)',
      'tend > web stopped as requested (SIGTERM, after 12ms)',
      'tend > db was killed by SIGKILL',
      '',
    ].join('\n'),
  );
  assert.doesNotMatch(out, /no readiness check|web was killed/);
});
