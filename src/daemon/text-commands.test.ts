/** The text commands a controller may write: daemonproxy's forms become protocol requests. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { parseTextCommand } from './text-commands.ts';

test("daemonproxy's commands become requests; tabs split fields that hold spaces", () => {
  assert.deepEqual(parseTextCommand('echo hello there'), { verb: 'echo', echo: 'hello there' });
  assert.deepEqual(parseTextCommand('statedump'), {
    verb: 'statedump',
    method: 'events.statedump',
    params: {},
  });
  assert.deepEqual(parseTextCommand('signal.clear SIGHUP 2'), {
    verb: 'signal.clear',
    method: 'signal.clear',
    params: { signal: 'SIGHUP', count: 2 },
  });
  assert.deepEqual(parseTextCommand('service.fds web 3=http stdin=in.r'), {
    verb: 'service.fds',
    method: 'service.fds',
    params: { name: 'web', fds: { '3': 'http', stdin: 'in.r' }, restart: false },
  });
  assert.deepEqual(parseTextCommand('service.fds web null - log.w'), {
    verb: 'service.fds',
    method: 'service.fds',
    params: { name: 'web', fds: { stdin: 'null', stderr: 'log.w' }, restart: false },
  });
  assert.deepEqual(parseTextCommand('terminate.guard + 42'), {
    verb: 'terminate.guard',
    method: 'system.exit_guard',
    params: { enable: true, code: 42 },
  });
  assert.deepEqual(parseTextCommand('terminate.exec_args\tsh\t-c\techo a b'), {
    verb: 'terminate.exec_args',
    method: 'system.exec_on_exit',
    params: { args: ['sh', '-c', 'echo a b'] },
  });
  assert.match(String((parseTextCommand('terminate.guard x') as { error?: string }).error), /usage/);
});
