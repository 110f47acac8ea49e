/**
 * Shared test helpers: temp dirs cleaned after the test, and waiting on a condition with a
 * deadline instead of sleeping.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

export function tempDir(t: TestContext | { after(fn: () => void): void }, prefix = 'tend-test-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A temp dir in memory (/dev/shm) where there is one: for tests that write thousands of small
 * files (generated configs), which a busy disk would slow by an order of magnitude.
 */
export function memoryTempDir(
  t: TestContext | { after(fn: () => void): void },
  prefix = 'tend-test-',
): string {
  const base = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  const dir = mkdtempSync(path.join(base, prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  { timeoutMs = 30_000, everyMs = 10 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** PIDs of the live (non-zombie) members of a process group, read from /proc. */
export { groupMembers } from '../src/process/proc.ts';

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * A gate a test opens when it is ready for a service to go on: the service waits for the file
 * (`until [ -e GATE ]`), the test creates it. No sleeping on the test's side.
 */
export function gate(t: TestContext | { after(fn: () => void): void }): {
  path: string;
  open(): void;
  wait: string;
} {
  const dir = tempDir(t, 'tend-gate-');
  const file = path.join(dir, 'open');
  return {
    path: file,
    open: () => writeFileSync(file, ''),
    wait: `until [ -e '${file}' ]; do sleep 0.02; done`,
  };
}

/** The non-empty lines of a file; none while it does not exist yet. */
export function linesOf(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}
