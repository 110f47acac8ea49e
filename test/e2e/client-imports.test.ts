/**
 * The client-script helpers as imports: a script tend runs imports `service` and `status`
 * from 'tend' and uses the connection tend made for it; a program of its own imports them from
 * 'tend-supervisor' and connects on first use, finding the daemon as the CLI does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { root, startDaemon, tend, testEnv } from '../cli.ts';

test("service() and status() import from 'tend' in a client script and from 'tend-supervisor' in a program", async (t) => {
  const e = testEnv(t);
  await startDaemon(t, e);
  const script = path.join(e.dir, 'register.ts');
  writeFileSync(
    script,
    [
      "import { service, status, stop } from 'tend';",
      "const web = await service('imported').exec('sleep 1000').register();",
      'const [running] = await web.wait(10);',
      "const [seen] = await status('imported');",
      "console.log('imported', running?.state, seen?.pid === running?.pid);",
      "await stop('imported');",
    ].join('\n'),
  );
  const r = await tend(e, [script]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'imported running true');

  // a program outside tend: the package's own entry (this checkout's build, found by the
  // package's name from inside it), its own connection
  const program = path.join(root, 'test', `.client-imports-${process.pid}.mts`);
  writeFileSync(
    program,
    "import { start, status, currentClient } from 'tend-supervisor';\nconst [s] = await start('imported');\nconsole.log('again', s?.state, (await status('imported')).length);\n(await currentClient()).close();\n",
  );
  t.after(() => rmSync(program, { force: true }));
  const p = spawnSync(process.execPath, [program], { env: e.env, encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout.trim(), 'again running 1');
});
