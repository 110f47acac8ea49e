/**
 * `tend repl` driven through a pseudo-terminal (util-linux `script`): it completes a service
 * name inside its quotes, runs a command with top-level await, and lists the API on .help.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import test from 'node:test';
import { startDaemon, tend, tendMain, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

test('tend repl completes a service name, runs a command, survives a restart of tend and lists the API', async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  assert.equal((await tend(e, ['add', 'webserver', '--', 'sleep', '1000'])).code, 0);
  const child = spawn('script', ['-qfec', `${process.execPath} ${tendMain} repl`, '/dev/null'], {
    env: { ...e.env, HOME: e.dir, TERM: 'xterm' },
  });
  t.after(() => child.kill('SIGKILL'));
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  // on a timeout, show what the terminal showed
  const seen = async (what: string, probe: () => boolean) => {
    try {
      await waitFor(what, probe, { timeoutMs: 30_000 });
    } catch {
      assert.fail(`timed out waiting for ${what}; the terminal showed:\n${out}`);
    }
  };
  await seen('the prompt', () => out.includes('tend> '));
  assert.match(out, /connected to .*tend\.sock/);

  child.stdin.write("(await status('webs");
  // the terminal may draw the completion as a preview first; what counts is the echo after Tab,
  // and the command's answer below (status('webs') would find nothing)
  await seen('the typed text echoed', () => out.includes('webs'));
  const beforeTab = out.length;
  child.stdin.write('\t');
  await seen('the name completed', () => out.slice(beforeTab).includes('erver'));
  child.stdin.write("'))[0].state\r");
  await seen('the command run', () => out.includes("'running'"));

  // a hot restart of tend closes the connection: the REPL connects again by itself
  assert.equal((await tend(e, ['system', 'restart'])).code, 0);
  await seen('the reconnection', () => /connected to .*tend\.sock again/.test(out));
  child.stdin.write("(await list()).map((s) => s.name).join('+') + '!'\r");
  await seen('a command after the restart', () => out.includes("'webserver!'"));

  child.stdin.write('.help\r');
  await seen('the API listed', () => out.includes('checkTcp(addr, s?)'));
  child.stdin.write('.exit\r');
  await exited;
});
