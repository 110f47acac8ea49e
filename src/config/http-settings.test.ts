import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../test/helpers.ts';
import { loadConfig } from './index.ts';

test('[server.http] allowed_origins: exact origins are kept; a path, a slash or another scheme is an error naming where', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'tend.toml');
  writeFileSync(
    file,
    '[server.http]\nlisten = "127.0.0.1:0"\nallowed_origins = ["https://ops.example", "http://10.0.0.5:8080"]\n',
  );
  const config = await loadConfig(file);
  assert.deepEqual(config.http?.allowedOrigins, ['https://ops.example', 'http://10.0.0.5:8080']);

  writeFileSync(file, '[server.http]\nlisten = "127.0.0.1:0"\n');
  assert.deepEqual((await loadConfig(file)).http?.allowedOrigins, [], 'none by default');

  const refused: [string, RegExp][] = [
    [
      '"https://ops.example/"',
      /^tend\.toml:3:1 server\.http\.allowed_origins\[0\]: an origin is scheme:\/\/host\[:port\] with no path or trailing slash: write "https:\/\/ops\.example", not "https:\/\/ops\.example\/"$/,
    ],
    [
      '"ops.example"',
      /server\.http\.allowed_origins\[0\]: expected an origin such as "https:\/\/ops\.example:8443", got "ops\.example"$/,
    ],
    ['"file:///x"', /server\.http\.allowed_origins\[0\]: expected an origin/],
  ];
  for (const [value, expected] of refused) {
    writeFileSync(file, `[server.http]\nlisten = "127.0.0.1:0"\nallowed_origins = [${value}]\n`);
    await assert.rejects(loadConfig(file), (e: Error & { code?: string }) => {
      assert.equal(e.code, 'TEND_CONFIG_INVALID');
      assert.match(e.message.replace(dir + path.sep, ''), expected);
      return true;
    });
  }
});
