import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { waitFor } from '../../test/helpers.ts';
import { supervisor } from '../../test/kernel.ts';
import { resolveGroup, resolveUser } from '../process/users.ts';
import { resolveIdentity } from './identity.ts';
import { makeServiceSpec } from './service-spec.ts';

const asRoot = process.getuid?.() === 0;

test('user and group names resolve from /etc/passwd and /etc/group; numbers pass through', () => {
  assert.deepEqual(resolveUser('root'), { uid: 0, gid: 0 });
  assert.equal(resolveGroup('root'), 0);
  assert.deepEqual(resolveUser('1234'), { uid: 1234, gid: 1234 });
  assert.equal(resolveUser('no-such-user-here'), null);
});

test('an unknown user is a clear error', {
  skip: !asRoot && 'the user check runs after the root check',
}, () => {
  assert.throws(() => resolveIdentity({ name: 'web', user: 'no-such-user-here', group: null }), {
    code: 'TEND_USER_UNKNOWN',
    message: 'service "web": unknown user "no-such-user-here"',
  });
});

test('as root, a service with user = "nobody" runs as that user', {
  skip: !asRoot && 'needs root',
}, async (t) => {
  const sup = supervisor(t);
  const lines: string[] = [];
  t.after(sup.logs.add((l) => lines.push(l.text)));
  sup.add(makeServiceSpec({ name: 'who', command: 'id -u; exec sleep 1000', user: 'nobody' }));
  const uid = await waitFor('id -u output', () => lines[0]);
  assert.equal(uid, String(resolveUser('nobody')?.uid));
});

test('without root, user/group is refused with an error that says why', {
  skip: !asRoot && 'needs root to drop to another user',
}, async () => {
  // run the check in a child that has dropped to nobody: it is then not root
  const spawnTs = fileURLToPath(new URL('./identity.ts', import.meta.url));
  const code = `import(${JSON.stringify(spawnTs)}).then((m) => { try { m.resolveIdentity({ name: 'web', user: 'root', group: null }); console.log('allowed'); } catch (e) { console.log(e.code + ': ' + e.message); } })`;
  const nobody = resolveUser('nobody')!;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    uid: nobody.uid,
    gid: nobody.gid,
  });
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    out += d;
  });
  await new Promise((r) => child.on('close', r));
  assert.match(
    out,
    /^TEND_USER_NEEDS_ROOT: service "web" sets user\/group, which needs tend to run as root \(it runs as uid \d+\)/,
  );
});
