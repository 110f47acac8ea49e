/**
 * A command whose reader goes away (`tend ls | head -1`, `tend --help | true`) ends quietly
 * with its own status, as other commands do, never with Node's trace of an unhandled EPIPE.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { daemonWithConfig, type Env, tendMain, testEnv } from '../cli.ts';

/** Runs `tend ARGS | READER` in sh; the reader exits before tend has written all it has. */
function piped(e: Env, args: string, reader: string): { code: number; stderr: string } {
  const err = path.join(e.dir, 'stderr');
  const rc = path.join(e.dir, 'rc');
  const line = `{ "${process.execPath}" "${tendMain}" ${args} 2>"${err}"; echo $? >"${rc}"; } | ${reader}`;
  const r = spawnSync('sh', ['-c', line], { env: e.env, cwd: e.dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return { code: Number(readFileSync(rc, 'utf8').trim()), stderr: readFileSync(err, 'utf8') };
}

test('a closed pipe ends tend --help, config schema and ls (the fast path and the full CLI) quietly', async (t) => {
  const e = testEnv(t);
  for (const [args, reader] of [
    ['--help', 'true'],
    ['--help', 'head -1'],
    ['config schema', 'head -c 10'],
  ] as const) {
    const r = piped(e, args, reader);
    assert.equal(r.stderr, '', `tend ${args} | ${reader}: nothing on stderr`);
    assert.equal(r.code, 0, `tend ${args} | ${reader}: status 0`);
  }
  const services = Array.from({ length: 40 }, (_, i) => `[services.s${i}]\nargs = ["sleep", "1000"]\n`);
  await daemonWithConfig(t, e, services.join('\n'));
  for (const args of ['ls', 'ls --json', 'status s1']) {
    const r = piped(e, args, 'true');
    assert.doesNotMatch(r.stderr, /EPIPE|node:events/, `tend ${args} | true: no trace`);
    assert.equal(r.code, 0, `tend ${args} | true: status 0`);
  }
});
