/**
 * Upgrades in place: a daemon runs from an installed tree (a symlink, as a package manager
 * swaps an install), a newer build is put in its place (a bumped version whose run state
 * carries a field the older one does not know), `tend system restart` runs the new code with
 * the same tend PID and the same service PIDs, `tend version` warns while CLI and daemon
 * differ, and the way back works too. A state file in a format this tend does not read is
 * refused at start with a clear message, and left as it was.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

/** A tree that runs as tend does from an install: its own package.json and sources. */
function install(dir: string, version: string, patch?: (file: string) => void): string {
  cpSync(path.join(root, 'src'), path.join(dir, 'src'), { recursive: true });
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ ...pkg, version }));
  symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'));
  patch?.(dir);
  return dir;
}

test('tend system restart runs an upgraded build with the same PIDs, and back; an unknown state format is refused', async (t) => {
  const e = testEnv(t);
  const current = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).version as string;
  const [major, minor, patch] = current.split('.').map(Number);
  const newer = `${major}.${minor}.${(patch ?? 0) + 1}`;
  const a = install(path.join(e.dir, 'a'), current);
  const b = install(path.join(e.dir, 'b'), newer, (dir) => {
    // the newer build writes a field into each run record that the older one ignores
    const file = path.join(dir, 'src/daemon/run-state.ts');
    const text = readFileSync(file, 'utf8');
    const changed = text.replace(
      'this.#records[name] = { ...record, startTicks: record.startTicks ?? 0 };',
      "this.#records[name] = { ...record, startTicks: record.startTicks ?? 0, written_by: 'newer' } as RunRecord;",
    );
    assert.notEqual(changed, text, 'the newer build changes the run state');
    writeFileSync(file, changed);
  });
  const link = path.join(e.dir, 'installed');
  const use = (tree: string) => {
    // replaced in one rename, as an install does
    symlinkSync(tree, `${link}.new`);
    renameSync(`${link}.new`, link);
  };
  use(a);
  const main = path.join(link, 'src/cli/main.ts');
  const cli = (args: string[]) =>
    spawnSync(process.execPath, [main, ...args], { env: e.env, cwd: e.dir, encoding: 'utf8' });
  const json = <T>(args: string[]): T => {
    const r = cli([...args, '--json']);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as T;
  };
  type Version = {
    cli: { version: string };
    daemon: { version: string; pid: number } | null;
    differ: boolean;
  };
  type Listed = { name: string; state: string; pid: number }[];

  writeFileSync(path.join(e.dir, 'tend.toml'), '[services.web]\ncommand = "exec sleep 1000"\n');
  const daemon = spawn(process.execPath, [main, 'daemon', 'tend.toml'], {
    env: e.env,
    cwd: e.dir,
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => daemon.on('exit', (code) => resolve(code)));
  t.after(() => daemon.kill('SIGKILL'));
  await waitFor('the daemon', () => cli(['ping']).status === 0, { timeoutMs: 30_000, everyMs: 50 });
  assert.equal(cli(['add', 'worker', '--', 'sleep', '1000']).status, 0);
  const running = () =>
    waitFor('both services to run', () => {
      const list = json<Listed>(['ls']);
      return list.length === 2 && list.every((s) => s.state === 'running') ? list : null;
    });
  const pids = (await running()).map((s) => `${s.name}:${s.pid}`).sort();
  const before = json<Version>(['version']);
  assert.equal(before.daemon?.version, current);
  assert.equal(before.differ, false);

  use(b);
  const stale = cli(['version']);
  assert.equal(stale.status, 0);
  assert.match(stale.stdout, new RegExp(`cli {5}${newer.replaceAll('.', '\\.')}`));
  assert.match(
    stale.stderr,
    new RegExp(
      `warning: the running tend is ${current.replaceAll('.', '\\.')}, this CLI is ${newer.replaceAll('.', '\\.')}`,
    ),
  );
  const up = cli(['system', 'restart']);
  assert.equal(up.status, 0, up.stderr);
  assert.match(
    up.stdout,
    new RegExp(
      `pid ${before.daemon?.pid}, ${current.replaceAll('.', '\\.')} → ${newer.replaceAll('.', '\\.')}`,
    ),
  );
  assert.deepEqual((await running()).map((s) => `${s.name}:${s.pid}`).sort(), pids);
  const upgraded = json<Version>(['version']);
  assert.equal(upgraded.daemon?.version, newer);
  assert.equal(upgraded.differ, false);
  const state = () =>
    JSON.parse(readFileSync(path.join(e.env.TEND_HOME ?? '', 'state/services.json'), 'utf8'));
  assert.equal(state().version, 1);

  // and back: the older build reads the newer one's state
  use(a);
  const down = json<{ pid: number; same_pid: boolean }>(['system', 'restart']);
  assert.deepEqual(down, { pid: before.daemon?.pid, same_pid: true });
  assert.equal(json<Version>(['version']).daemon?.version, current);
  assert.deepEqual((await running()).map((s) => `${s.name}:${s.pid}`).sort(), pids);

  assert.equal(cli(['shutdown']).status, 0);
  assert.equal(await exited, 0);

  // a state file from a tend that writes format 2 is refused, and stays as it was
  for (const file of ['run.json', 'services.json']) {
    const full = path.join(e.env.TEND_HOME ?? '', 'state', file);
    const text = `${JSON.stringify({ version: 2, tend: '9.0.0', services: {} })}\n`;
    writeFileSync(full, text);
    const refused = cli(['daemon']);
    assert.equal(refused.status, 1, refused.stderr);
    assert.match(
      refused.stderr,
      new RegExp(
        `state file ${full.replaceAll('.', '\\.')} is in format 2 \\(written by tend 9\\.0\\.0\\); tend ${current.replaceAll('.', '\\.')} reads format 1`,
      ),
    );
    assert.equal(readFileSync(full, 'utf8'), text, `${file} is left as it was`);
    writeFileSync(full, `${JSON.stringify({ version: 1, services: {} })}\n`);
  }
});
