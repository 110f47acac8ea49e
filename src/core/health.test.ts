import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { freePort, gate } from '../../test/helpers.ts';
import { nextEvent, record, supervisor } from '../../test/kernel.ts';
import { makeServiceSpec } from './service-spec.ts';

test('a service whose http health endpoint starts returning 500 is restarted after `retries` failures, with the reason', async (t) => {
  const sup = supervisor(t);
  const events = record(t, sup);
  const port = await freePort();
  const sick = gate(t);
  const server = `require('http').createServer((q, s) => { s.statusCode = require('fs').existsSync(${JSON.stringify(sick.path)}) ? 500 : 200; s.end(); }).listen(${port}, '127.0.0.1')`;
  sup.add(
    makeServiceSpec({
      name: 'api',
      argv: [process.execPath, '-e', server],
      restart: 'on-failure',
      restartDelayMs: 10,
      ready: { kind: 'probe', probe: { kind: 'tcp', host: '127.0.0.1', port }, intervalMs: 20 },
      health: {
        probe: { kind: 'http', url: `http://127.0.0.1:${port}/health`, status: null },
        intervalMs: 30,
        timeoutMs: 1000,
        retries: 3,
        startPeriodMs: 30,
      },
    }),
  );
  await sup.waitFor(['api'], ['running'], { timeoutMs: 10_000 });
  const firstPid = sup.status('api')[0]!.pid;
  sick.open();
  const stopping = await nextEvent(
    sup,
    (e) => e.type === 'state' && e.service === 'api' && e.to === 'stopping',
  );
  assert.equal(
    stopping.type === 'state' && stopping.reason,
    `health check failed 3 times in a row: http http://127.0.0.1:${port}/health: http 500`,
  );
  const failures = events.filter((e) => e.type === 'health' && !e.ok);
  assert.equal(failures.length, 3);
  const backoff = await nextEvent(
    sup,
    (e) => e.type === 'state' && e.service === 'api' && e.to === 'backoff',
  );
  assert.match(backoff.type === 'state' ? backoff.reason : '', /restarting in/);
  rmSync(sick.path);
  await nextEvent(sup, (e) => e.type === 'state' && e.service === 'api' && e.to === 'running', {
    timeoutMs: 10_000,
  });
  const s = sup.status('api')[0]!;
  assert.notEqual(s.pid, firstPid);
  assert.equal(s.restarts, 1, 'restarted, never abandoned');
});
