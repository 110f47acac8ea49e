/**
 * `npm run bench [-- scenario… --peers pm2,supervisord]`: measures tend and its peers on this
 * machine in the same run, scenario by scenario (so a noisy moment hits every peer alike),
 * and writes bench/results/DATE.json, DATE.md and, with --results, the table to that file,
 * followed by the notes of bench/gaps.md on where tend is behind and why.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pidsWithEnv } from '../src/process/proc.ts';
import { scalePlot } from './lib/plot.ts';
import { derive, markdown, type PeerResult, type RunResult } from './lib/report.ts';
import { peerFactories } from './peers/index.ts';
import { installPeer, peersCacheDir } from './peers/install.ts';
import type { Peer } from './peers/peer.ts';
import { scenarios } from './scenarios/index.ts';
import type { BenchOptions, ScenarioContext } from './scenarios/scenario.ts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    peers: { type: 'string', default: 'pm2,supervisord' },
    n: { type: 'string' },
    sizes: { type: 'string' },
    // the peers' bring-up of 5,000 takes them a quarter of an hour per scenario; the scale
    // figures are tend's own, so the peers may stop at a smaller size
    'peer-sizes': { type: 'string' },
    'log-lines': { type: 'string' },
    trials: { type: 'string' },
    window: { type: 'string' },
    'soak-minutes': { type: 'string' },
    settle: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(import.meta.dirname, 'results') },
    results: { type: 'string' },
    render: { type: 'string' },
  },
});

const gapsFile = path.join(import.meta.dirname, 'gaps.md');
const analysis = () => (existsSync(gapsFile) ? readFileSync(gapsFile, 'utf8') : '');

// --render FILE.json: the table of an earlier run again (after editing gaps.md), no measuring
if (values.render) {
  const earlier = JSON.parse(readFileSync(values.render, 'utf8')) as RunResult;
  const table = markdown(earlier, analysis());
  if (values.results) publish(values.results, earlier, table);
  console.log(table);
  process.exit(0);
}

/** The table and the raw figures it was made from, side by side, and the growth as a plot. */
function publish(results: string, run: RunResult, table: string): void {
  writeFileSync(results, table);
  writeFileSync(`${results.replace(/\.md$/, '')}.json`, `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(path.join(path.dirname(results), 'scale.svg'), scalePlot(run));
}

const defaults: BenchOptions = values.quick
  ? { n: 5, sizes: [5, 10], logLines: 10_000, trials: 5, windowSeconds: 1, soakMinutes: 0.05, settleMs: 3000 }
  : {
      n: 100,
      sizes: [100, 1000, 5000],
      logLines: 1_000_000,
      trials: 50,
      windowSeconds: 60,
      soakMinutes: 30,
      settleMs: 10_000,
    };
const num = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));
const options: BenchOptions = {
  n: num(values.n, defaults.n),
  sizes: values.sizes ? values.sizes.split(',').map(Number) : defaults.sizes,
  logLines: num(values['log-lines'], defaults.logLines),
  trials: num(values.trials, defaults.trials),
  windowSeconds: num(values.window, defaults.windowSeconds),
  soakMinutes: num(values['soak-minutes'], defaults.soakMinutes),
  settleMs: num(values.settle, defaults.settleMs),
};

const unknown = positionals.filter((p) => !scenarios.some((s) => s.name === p));
if (unknown.length) {
  console.error(`unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const chosen = positionals.length ? scenarios.filter((s) => positionals.includes(s.name)) : scenarios;
const requested = [
  'tend',
  ...(values.peers ?? '').split(',').filter((p) => p && p !== 'none' && p !== 'tend'),
];
for (const p of requested) {
  if (!peerFactories[p]) {
    console.error(`unknown peer ${p}; known: ${Object.keys(peerFactories).join(', ')}`);
    process.exit(2);
  }
}

// tend is measured as users run it, the built CLI: built now, so it is this checkout's code
// and never a dist/ left over from an earlier build
// into a folder of this run's own (inside the project, so koffi resolves from node_modules)
const buildDir = path.join(import.meta.dirname, '..', '.bench-build', String(process.pid));
process.env.TEND_BENCH_BIN = path.join(buildDir, 'tend.js');
const built = spawnSync(
  process.execPath,
  [path.join(import.meta.dirname, '..', 'scripts', 'build.ts'), '--outdir', buildDir],
  { stdio: 'inherit' },
);
process.on('exit', () => rmSync(buildDir, { recursive: true, force: true }));
if (built.status !== 0) {
  console.error('the build of dist/ failed; nothing measured');
  process.exit(1);
}

// every process a peer starts inherits this, so whatever one leaves behind can be found
const marker = `TEND_BENCH_RUN=${randomUUID()}`;
process.env.TEND_BENCH_RUN = marker.split('=')[1];

function killLeftovers(): void {
  for (const pid of pidsWithEnv(marker)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
}

// 5,000 services need more open files than a shell's default gives (tend holds two named
// pipes and a log file per service, supervisord a log file and the child's pipes): the run
// re-executes itself with more, up to the hard limit (a container may forbid raising it; a
// peer that runs out then reports the error for that size)
const hardFiles = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim());
const wantFiles = Math.min(
  4 * Math.max(...options.sizes) + 1024,
  Number.isFinite(hardFiles) ? hardFiles : Number.POSITIVE_INFINITY,
);
if (!process.env.TEND_BENCH_ULIMIT) {
  const soft = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim());
  if (Number.isFinite(soft) && soft < wantFiles) {
    const again = spawnSync(
      'sh',
      ['-c', `ulimit -n ${wantFiles} && exec "$@"`, 'sh', process.execPath, ...process.argv.slice(1)],
      { stdio: 'inherit', env: { ...process.env, TEND_BENCH_ULIMIT: String(wantFiles) } },
    );
    process.exit(again.status ?? 1);
  }
}

const cacheDir = peersCacheDir();
const skipped: Record<string, string> = {};
const results = new Map<string, PeerResult & { figures: Record<string, number> }>();
for (const name of requested) {
  const why = installPeer(name, cacheDir);
  if (why) {
    skipped[name] = why;
    console.error(`skipping ${name}: ${why}`);
    continue;
  }
  const probe = peerFactories[name]?.(os.tmpdir(), cacheDir);
  results.set(name, { peer: name, version: probe?.version(), figures: {}, errors: {} });
}

const peerOptions: BenchOptions = values['peer-sizes']
  ? { ...options, sizes: values['peer-sizes'].split(',').map(Number) }
  : options;

function contextFor(name: string): ScenarioContext {
  return {
    options: name === 'tend' ? options : peerOptions,
    async withPeer(fn) {
      const dir = mkdtempSync(path.join(os.tmpdir(), `tend-bench-${name}-`));
      const peer: Peer | undefined = peerFactories[name]?.(dir, cacheDir);
      if (!peer) throw new Error(`no peer ${name}`);
      try {
        await peer.startDaemon();
        return await fn(peer);
      } finally {
        peer.shutdown();
        killLeftovers();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

for (const scenario of chosen) {
  for (const [name, result] of results) {
    if (scenario.peers && !scenario.peers.includes(name)) continue;
    console.error(`${scenario.name}: ${name}…`);
    try {
      const figures = await scenario.run(contextFor(name));
      Object.assign(result.figures, figures);
      console.error(`  ${JSON.stringify(figures)}`);
    } catch (e) {
      result.errors[scenario.name] = e instanceof Error ? e.message : String(e);
      console.error(`  failed: ${result.errors[scenario.name]}`);
    }
  }
}

const cpus = os.cpus();
const run: RunResult = {
  date: new Date().toISOString(),
  machine: {
    cpus: cpus.length,
    model: cpus[0]?.model ?? '?',
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
  },
  options: { scenarios: chosen.map((s) => s.name), ...options, peerSizes: peerOptions.sizes },
  results: [...results.values()].map((r) => ({ ...r, figures: derive(r.figures) })),
  skipped,
};
mkdirSync(values.out, { recursive: true });
const stem = path.join(values.out, run.date.replaceAll(':', '-').slice(0, 19));
writeFileSync(`${stem}.json`, `${JSON.stringify(run, null, 2)}\n`);
const table = markdown(run, analysis());
writeFileSync(`${stem}.md`, table);
if (values.results) publish(values.results, run, table);
console.log(table);
console.error(`results: ${stem}.json`);
