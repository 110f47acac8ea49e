/**
 * Helpers for end-to-end tests that drive the real `tend` command: run a verb and collect its
 * output, start a daemon in a temp home that is stopped after the test, and kill whatever a
 * test's tend left behind (found by a marker in the environment, wherever it was re-parented).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { pidsWithEnv } from '../src/process/proc.ts';
import { tempDir, waitFor } from './helpers.ts';

export const root = path.resolve(import.meta.dirname, '..');
export const tendMain = path.join(root, 'src/cli/main.ts');

export interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface Env {
  readonly env: NodeJS.ProcessEnv;
  readonly home: string;
  readonly dir: string;
}

/** A private home and environment for one test; everything it starts is killed afterwards. */
export function testEnv(t: TestContext): Env {
  const dir = tempDir(t);
  const home = path.join(dir, 'home');
  const marker = randomUUID();
  t.after(() => killMarked(marker));
  return {
    dir,
    home,
    env: {
      ...process.env,
      TEND_HOME: home,
      TEND_TEST_CASE: marker,
      NO_COLOR: '1',
      TEND_SOCKET: '',
      // remote contexts live in the test's folder; nothing of the machine's leaks in
      XDG_CONFIG_HOME: path.join(dir, 'config'),
      TEND_HOST: '',
      TEND_TOKEN: '',
      TEND_CA: '',
      TEND_CONTEXT: '',
    },
  };
}

export function tend(
  e: Env,
  args: readonly string[],
  opts: { cwd?: string; input?: string } = {},
): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tendMain, ...args], { env: e.env, cwd: opts.cwd ?? e.dir });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a verb that must succeed and returns its parsed --json output. */
export async function tendJson<T = unknown>(e: Env, args: readonly string[]): Promise<T> {
  const r = await tend(e, [...args, '--json']);
  if (r.code !== 0) throw new Error(`tend ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

export interface Daemon {
  readonly child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function spawnTend(e: Env, args: readonly string[], cwd?: string): Daemon {
  const child = spawn(process.execPath, [tendMain, ...args], {
    env: e.env,
    cwd: cwd ?? e.dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => {
    out += d;
  });
  child.stderr?.on('data', (d) => {
    out += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** Starts `tend daemon` and waits until it answers; stopped (SIGTERM) after the test. */
export async function startDaemon(t: TestContext, e: Env, args: readonly string[] = []): Promise<Daemon> {
  const d = spawnTend(e, ['daemon', ...args]);
  t.after(async () => {
    if (d.child.exitCode === null && d.child.signalCode === null) {
      d.child.kill('SIGTERM');
      await Promise.race([d.exited, new Promise((r) => setTimeout(r, 10_000))]);
    }
  });
  await waitFor(
    'the daemon to answer',
    async () => {
      if (d.child.exitCode !== null) throw new Error(`daemon exited ${d.child.exitCode}: ${d.output()}`);
      return (await tend(e, ['ping'])).code === 0;
    },
    { timeoutMs: 20_000, everyMs: 50 },
  );
  return d;
}

/** Writes `tend.toml` in the test's folder and starts a daemon on it. */
export async function daemonWithConfig(t: TestContext, e: Env, toml: string): Promise<Daemon> {
  writeFileSync(path.join(e.dir, 'tend.toml'), toml);
  return startDaemon(t, e, ['tend.toml']);
}

/** SIGKILLs every process whose environment carries this test's marker. */
export function killMarked(marker: string): void {
  for (const pid of pidsWithEnv(`TEND_TEST_CASE=${marker}`)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}
