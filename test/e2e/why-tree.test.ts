import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { startDaemon, tend, testEnv } from '../cli.ts';
import { freePort, gate, waitFor } from '../helpers.ts';

test('tend why explains a blocked service one line per dependency; tend tree draws the graph with states', async (t) => {
  const e = testEnv(t);
  const port = await freePort();
  const g = gate(t);
  const config = path.join(e.dir, 'tend.toml');
  writeFileSync(
    config,
    `[services.db]
command = "${g.wait}; exec node -e \\"require('net').createServer().listen(${port}, '127.0.0.1')\\""
ready = { tcp = "127.0.0.1:${port}", interval = "20ms" }

[services.cache]
command = "exec sleep 1000"

[services.web]
command = "exec sleep 1000"
requires = ["db"]
wants = ["cache"]
`,
  );
  await startDaemon(t, e, [config]);
  await waitFor('web to be blocked', async () =>
    (await tend(e, ['status', 'web', '--json'])).stdout.includes('"blocked"'),
  );
  const why = await tend(e, ['why', 'web']);
  assert.equal(why.code, 0, why.stderr);
  const lines = why.stdout.trim().split('\n');
  assert.match(lines[0] ?? '', /^web is blocked: start requested; waiting for dependencies$/);
  assert.match(lines[1] ?? '', /^ {2}\.\. requires db to be ready: waiting, db is starting/);
  assert.match(lines[2] ?? '', /^ {2}ok wants cache to start: met \(cache is running\)$/);

  const tree = await tend(e, ['tree']);
  assert.equal(
    tree.stdout,
    ['web blocked', '├─ db starting (requires, ready)', '└─ cache running (wants, started)', ''].join('\n'),
  );

  g.open();
  await waitFor('web to run', async () =>
    (await tend(e, ['status', 'web', '--json'])).stdout.includes('"running"'),
  );
  const after = await tend(e, ['why', 'web', '--json']);
  const [record] = JSON.parse(after.stdout);
  assert.deepEqual(
    record.dependencies.map((d: { verdict: string }) => d.verdict),
    ['met', 'met'],
  );
});
