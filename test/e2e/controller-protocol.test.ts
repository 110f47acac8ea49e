/**
 * What controllers have of daemonproxy's protocol, each driven by a shell controller on a
 * control socket at fd 3 (test/fixtures/controllers/relay.sh): signal events and
 * signal.clear, the echo barrier, statedump, exit events with reason, value, uptime and
 * downtime, fd.take (SCM_RIGHTS, sent with `tend fd send`) and giving the handle to a
 * service, and the exit guard and exec-on-exit set at run time on tend daemon.
 */
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { makeFifo } from '../../src/native/libc.ts';
import type { FdView } from '../../src/protocol/fd-methods.ts';
import { daemonWithConfig, root, tend, tendJson, tendMain, testEnv } from '../cli.ts';
import { linesOf, waitFor } from '../helpers.ts';

test("a shell controller on a control socket speaks daemonproxy's protocol", async (t) => {
  const e = testEnv(t);
  const fifo = path.join(e.dir, 'commands');
  const transcript = path.join(e.dir, 'transcript');
  assert.ok(makeFifo(fifo));
  writeFileSync(transcript, '');
  writeFileSync(path.join(e.dir, 'secret.txt'), 'the secret\n');
  const relay = path.join(root, 'test/fixtures/controllers/relay.sh');
  const daemon = await daemonWithConfig(
    t,
    e,
    `[services.ctl]
args = ["sh", ${JSON.stringify(relay)}, ${JSON.stringify(fifo)}, ${JSON.stringify(transcript)}]
controller = true
fds = { 3 = "control" }
env = { TEND = ${JSON.stringify(`${process.execPath} ${tendMain}`)} }

[services.job]
args = ["sh", "-c", "exit 3"]
restart = "never"
autostart = false

[services.slow]
args = ["sh", "-c", "sleep 0.3; echo up; sleep 1000"]
ready = { log = "up" }
autostart = false

[services.reader]
args = ["sh", "-c", "cat > ${path.join(e.dir, 'read')}; sleep 1000"]
autostart = false
`,
  );
  const say = (line: string) => appendFileSync(fifo, `${line}\n`);
  const fields = () => linesOf(transcript).map((l) => l.split('\t'));
  const after = (n: number) => fields().slice(n);
  const seen = (pred: (f: string[]) => boolean, from = 0) =>
    waitFor('a line in the transcript', () => after(from).find(pred), { timeoutMs: 20_000 });

  await t.test('events and commands go over the socket pair at fd 3, stdin and stdout are free', async () => {
    await seen((f) => f[0] === 'snapshot.end');
    say('!echo "echo fd=$TEND_CONTROL_FD" >&3');
    await seen((f) => f[0] === 'echo fd=3');
  });

  await t.test('a signal sent to tend is an event with its count until signal.clear', async () => {
    const from = fields().length;
    // one at a time: two of the same signal sent before tend runs are one pending signal (POSIX)
    process.kill(daemon.child.pid ?? 0, 'SIGWINCH');
    await seen((f) => f[0] === 'signal' && f[1] === 'SIGWINCH' && f[2] === '1', from);
    process.kill(daemon.child.pid ?? 0, 'SIGWINCH');
    await seen((f) => f[0] === 'signal' && f[1] === 'SIGWINCH' && f[2] === '2', from);
    say('signal.clear SIGWINCH 2');
    await seen((f) => f[0] === 'signal' && f[1] === 'SIGWINCH' && f[2] === '0', from);
    await seen((f) => f[0] === 'ok signal.clear SIGWINCH 2', from);
  });

  await t.test('echo is answered only after every earlier command was applied', async () => {
    const from = fields().length;
    say('{"jsonrpc":"2.0","id":7,"method":"service.start","params":{"names":["slow"],"wait":10000}}');
    say('echo barrier one');
    const echo = await seen((f) => f[0] === 'echo barrier one', from);
    const lines = after(from).map((f) => f.join('\t'));
    const answered = lines.findIndex((l) => l.startsWith('{') && l.includes('"id":7'));
    assert.ok(answered !== -1 && answered < lines.indexOf(echo.join('\t')), 'the start was answered first');
    assert.match(lines[answered] ?? '', /"state":"running"/);
  });

  await t.test(
    'statedump sends every state again: services, handles, signals, then statedump.end',
    async () => {
      const from = fields().length;
      say('statedump');
      await seen((f) => f[0] === 'statedump.end', from);
      const dump = after(from);
      const services = dump.filter((f) => f[0] === 'service.state').map((f) => f[1]);
      assert.deepEqual(services.sort(), ['ctl', 'job', 'reader', 'slow']);
      assert.ok(!dump.some((f) => f[0] === 'signal' && f[1] === 'SIGWINCH'), 'a cleared signal is not in it');
    },
  );

  await t.test('exit events carry reason, value, uptime and the downtime before the run', async () => {
    const from = fields().length;
    say('start job');
    const first = await seen((f) => f[0] === 'service.exit' && f[1] === 'job', from);
    assert.deepEqual(first.slice(4, 6), ['exit', '3']);
    assert.match(first[6] ?? '', /^\d+$/, 'uptime in ms');
    assert.equal(first[7], '', 'no downtime before the first run');
    const again = fields().length;
    say('start job');
    const second = await seen((f) => f[0] === 'service.exit' && f[1] === 'job', again);
    assert.match(second[7] ?? '', /^\d+$/, 'how long it had been down');
  });

  await t.test(
    'fd.take keeps a descriptor the controller sends, and service.fds gives it to a service',
    async () => {
      const from = fields().length;
      say(`!exec 5<${path.join(e.dir, 'secret.txt')}; $TEND fd send secret 5; exec 5<&-`);
      await seen((f) => f[0] === 'ok fd.take secret', from);
      const [h] = (await tendJson<FdView[]>(e, ['fd', 'ls'])).filter((x) => x.name === 'secret');
      assert.equal(h?.kind, 'taken');
      assert.equal(h?.origin, 'controller');
      say('service.fds reader stdin=secret');
      await seen((f) => f[0] === 'ok service.fds reader stdin=secret', from);
      say('start reader');
      await waitFor(
        'the reader read the secret',
        () => linesOf(path.join(e.dir, 'read'))[0] === 'the secret',
      );
      const users = (await tendJson<FdView[]>(e, ['fd', 'ls'])).find((x) => x.name === 'secret')?.users;
      assert.deepEqual(
        users?.map((u) => [u.service, u.fd]),
        [['reader', 0]],
      );
      say('fd.take nothing');
      await seen(
        (f) => (f[0] ?? '').startsWith('error fd.take: fd.take nothing: no descriptor came with it'),
        from,
      );
    },
  );

  await t.test('the exit guard and exec-on-exit are set at run time on tend daemon', async () => {
    const from = fields().length;
    say('terminate.guard + 42');
    await seen((f) => f[0] === 'ok terminate.guard + 42', from);
    const refused = await tend(e, ['shutdown']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /exit-guard|guard/);
    say('terminate.guard - 41');
    await seen(
      (f) => (f[0] ?? '').startsWith("error terminate.guard: that is not the exit guard's code"),
      from,
    );
    const ended = path.join(e.dir, 'ended');
    say(`terminate.exec_args\tsh\t-c\techo "code $TEND_EXIT_CODE" > ${ended}`);
    await seen((f) => (f[0] ?? '').startsWith('ok terminate.exec_args'), from);
    const r = await tend(e, ['shutdown', '--guard', '42']);
    assert.equal(r.code, 0, r.stderr);
    await waitFor('tend to exec into the exit command', () => linesOf(ended)[0] === 'code 0');
    await daemon.exited;
    assert.equal(readFileSync(ended, 'utf8'), 'code 0\n');
  });
});
