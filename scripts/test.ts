/**
 * Runs the test suite with node:test and then fails the run if any process started by a test
 * is still alive. Every process the suite starts inherits TEND_TEST_RUN, so a leftover is found
 * by that marker in /proc/PID/environ, wherever it was re-parented to.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const marker = `TEND_TEST_RUN=${randomUUID()}`;
const files = process.argv.slice(2);
const patterns = files.length ? files : ['src/**/*.test.ts', 'test/**/*.test.ts'];

// `npm run test:deep` (TEND_DEEP=1) runs each fuzz target 100,000 times: minutes, not seconds
const timeoutMs = process.env.TEND_DEEP === '1' ? 3_600_000 : 120_000;
const result = spawnSync(
  process.execPath,
  ['--test', '--test-concurrency=4', `--test-timeout=${timeoutMs}`, ...patterns],
  { stdio: 'inherit', env: { ...process.env, TEND_TEST_RUN: marker.split('=')[1] } },
);

function leftovers(): { pid: number; cmd: string }[] {
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      if (!environ.split('\0').includes(marker)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      found.push({ pid, cmd: readFileSync(`/proc/${pid}/cmdline`, 'latin1').replaceAll('\0', ' ').trim() });
    } catch {
      // the process ended while we looked, or is not ours to read
    }
  }
  return found;
}

const left = leftovers();
if (left.length > 0) {
  console.error(`\n${left.length} process(es) left running by the tests:`);
  for (const p of left) {
    console.error(`  ${p.pid} ${p.cmd.slice(0, 120)}`);
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {}
  }
  process.exit(1);
}
process.exit(result.status ?? 1);
