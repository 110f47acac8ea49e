/**
 * Crash consistency: tend is killed with SIGKILL at random moments, 50 times, while it adds,
 * updates and removes services in batches and a counter's log rotates. Each new tend must find
 * the saved state as it was before or after each call in flight (never a mix, never a corrupt
 * file), run every saved service exactly once, leave no process of a removed one behind, and
 * the counter's log must have every line exactly once.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { type Client, connect } from '../../src/client/client.ts';
import { type Daemon, spawnTend, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

const iterations = Number(process.env.TEND_DEEP) ? 200 : 50;

/** name → version: what services.json should hold. */
type Model = ReadonlyMap<string, number>;
type Call =
  | { kind: 'add'; names: string[] }
  | { kind: 'update'; name: string; version: number }
  | { kind: 'remove'; names: string[] };

function applied(model: Model, call: Call): Model {
  const next = new Map(model);
  if (call.kind === 'add') for (const n of call.names) next.set(n, 1);
  if (call.kind === 'update') next.set(call.name, call.version);
  if (call.kind === 'remove') for (const n of call.names) next.delete(n);
  return next;
}

/** Every state the calls in flight may have left: each call applied whole, or not at all. */
function possible(model: Model, pending: readonly Call[]): Model[] {
  let out: Model[] = [model];
  for (const c of pending) out = out.flatMap((m) => [m, applied(m, c)]);
  return out;
}

const show = (m: Model) => JSON.stringify([...m].sort());

function definition(name: string, version: number) {
  return { args: ['sleep', '1000'], env: { CRASH_SVC: name, CRASH_VERSION: String(version) } };
}

/** services.json as a model; a file that does not parse fails the test here. */
function saved(stateDir: string): Model {
  const file = path.join(stateDir, 'services.json');
  if (!existsSync(file)) return new Map();
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    services: Record<string, { env: { CRASH_VERSION: string } }>;
  };
  return new Map(Object.entries(parsed.services).map(([n, d]) => [n, Number(d.env.CRASH_VERSION)]));
}

/**
 * A connection to the new tend, or null. While a killed tend's last child has not yet reached
 * its exec, that child still holds the old listening socket: a client that connects then is
 * queued there and closed, so only an answer from the new tend's own pid counts.
 */
async function newTend(home: string, d: Daemon): Promise<Client | null> {
  try {
    const c = await connect({ home, timeoutMs: 1000 });
    const v = await c.system.version().catch(() => null);
    if (v?.pid === d.child.pid) return c;
    c.close();
  } catch {
    // not listening yet
  }
  return null;
}

/** This home's services' processes, by the name in their environment, in one pass over /proc. */
function processesByService(home: string): Map<string, number[]> {
  const mark = `TEND_SUPERVISED_BY=${home}\0`;
  const out = new Map<string, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let env: string;
    try {
      env = readFileSync(`/proc/${entry}/environ`, 'latin1');
    } catch {
      continue;
    }
    const name = env.includes(mark) ? /(?:^|\0)CRASH_SVC=([^\0]*)/.exec(env)?.[1] : undefined;
    if (name) out.set(name, [...(out.get(name) ?? []), Number(entry)]);
  }
  return out;
}

test(`kill -9 of tend at random moments (${iterations} times) while it adds, updates and removes services and rotates logs: the old or the new state, each service once, no line lost`, async (t) => {
  const e = testEnv(t);
  // each of the many starts compiles the same sources: cache them
  const env = { ...e.env, NODE_COMPILE_CACHE: path.join(e.dir, 'compile-cache') };
  const ev = { ...e, env };
  const stateDir = path.join(e.home, 'state');
  const counter = path.join(e.dir, 'counter.mjs');
  // biome-ignore lint/suspicious/noTemplateCurlyInString: this string is the counter's source code
  writeFileSync(counter, 'let i = 0; setInterval(() => process.stdout.write(`${++i}\\n`), 1);\n');
  writeFileSync(
    path.join(e.dir, 'tend.toml'),
    `[services.counter]\nargs = [${JSON.stringify(process.execPath)}, ${JSON.stringify(counter)}]\nlogs = { max_size = "8KB", keep = 1000 }\n`,
  );
  let daemon: Daemon | null = null;
  let client: Client | null = null;
  t.after(() => {
    client?.close();
    daemon?.child.kill('SIGKILL');
  });
  let model: Model = new Map();
  let pending: Call[] = [];
  let next = 0;
  let version = 1;
  let random = 23;
  const rand = (n: number) => {
    random = (random * 1103515245 + 12345) % 2 ** 31;
    return random % n;
  };
  const phases = { start: 0, check: 0, calls: 0, kill: 0 };
  const stats = { add: 0, update: 0, remove: 0, answered: 0, inFlight: 0 };

  for (let i = 0; i < iterations; i++) {
    const t0 = Date.now();
    daemon = spawnTend(ev, ['daemon', 'tend.toml']);
    const d = daemon;
    client = await waitFor(
      'the new tend to answer',
      async () => {
        if (d.child.exitCode !== null) throw new Error(`tend exited ${d.child.exitCode}: ${d.output()}`);
        return newTend(e.home, d);
      },
      { timeoutMs: 20_000, everyMs: 10 },
    );
    // the state file: one of the states the calls in flight may have left, and readable
    const found = saved(stateDir);
    const allowed = possible(model, pending);
    assert.ok(
      allowed.some((m) => show(m) === show(found)),
      `iteration ${i}: services.json holds ${show(found)}, expected one of ${allowed.map(show).join(' | ')}`,
    );
    assert.ok(
      !readdirSync(stateDir).some((f) => f.includes('corrupt')),
      `iteration ${i}: a corrupt state file`,
    );
    assert.doesNotMatch(d.output(), /TEND_STATE_CORRUPT|not a tend state file/);
    model = found;
    pending = [];
    const t1 = Date.now();
    // every saved service runs exactly once, under this tend; none removed runs at all
    const c = client;
    let problems: string[] = [];
    await waitFor(
      `iteration ${i}: every service running once`,
      async () => {
        const list = await c.service.list();
        problems = [];
        const running = processesByService(e.home);
        for (const name of model.keys()) {
          const s = list.find((x) => x.name === name);
          const pids = running.get(name) ?? [];
          if (s?.state !== 'running' || pids.length !== 1 || pids[0] !== s.pid) {
            problems.push(`${name}: ${s?.state} pid ${s?.pid}, processes ${pids.join(',')}`);
          }
        }
        for (let n = 0; n < next; n++) {
          const name = `svc${n}`;
          if (!model.has(name) && running.has(name)) {
            const how = (running.get(name) ?? []).map((p) => {
              try {
                const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
                return `${p} state ${f[0]} ppid ${f[1]} pgrp ${f[2]}`;
              } catch {
                return `${p} gone`;
              }
            });
            problems.push(`${name} was removed but still runs (${how.join('; ')})`);
          }
        }
        return problems.length === 0;
      },
      { timeoutMs: 10_000, everyMs: 20 },
    ).catch(async (err: Error) => {
      const named = [...new Set(problems.map((p) => p.split(':')[0]?.split(' ')[0] ?? ''))];
      const h = await c.history.query({ names: named, limit: 200 }).catch(() => {
        throw new Error(`${err.message}: ${problems.join('; ')}; tend died: ${d.output()}`);
      });
      const story = h.entries.map((x) => `${x.id} ${x.service} ${x.what}`).join('\n');
      throw new Error(`${err.message}: ${problems.join('; ')}\n${story}\n${d.output()}`);
    });
    const t2 = Date.now();
    phases.start += t1 - t0;
    phases.check += t2 - t1;
    // calls in flight, then a kill at a random moment among them
    const names = [...model.keys()];
    const calls: Call[] = [];
    // a few services at a time: batches of three come, two at a time go, one is updated
    if (names.length < 5) calls.push({ kind: 'add', names: [0, 1, 2].map(() => `svc${next++}`) });
    if (names.length >= 3) {
      const first = rand(names.length - 2);
      calls.push({ kind: 'update', name: names[first + 2] ?? '', version: ++version });
      if (names.length >= 5) calls.push({ kind: 'remove', names: names.slice(first, first + 2) });
    }
    pending = calls;
    for (const call of calls) {
      stats[call.kind]++;
      const sent =
        call.kind === 'add'
          ? c.service.add({ services: Object.fromEntries(call.names.map((n) => [n, definition(n, 1)])) })
          : call.kind === 'update'
            ? c.service.update({ name: call.name, service: definition(call.name, call.version) })
            : c.service.remove({ names: call.names });
      sent.then(
        () => {
          stats.answered++;
          // answered: the call is done, whatever happens next
          model = applied(model, call);
          pending = pending.filter((p) => p !== call);
        },
        () => {},
      );
    }
    await new Promise((resolve) => setTimeout(resolve, rand(60)));
    stats.inFlight += pending.length;
    const t3 = Date.now();
    d.child.kill('SIGKILL');
    await d.exited;
    c.close();
    phases.calls += t3 - t2;
    phases.kill += Date.now() - t3;
  }

  // the last tend stops cleanly; the counter's lines are all in the files, each once
  daemon = spawnTend(ev, ['daemon', 'tend.toml']);
  const last = daemon;
  const final = await waitFor('the last tend', () => newTend(e.home, last));
  await final.system.shutdown();
  await last.exited;
  const logs = path.join(e.home, 'logs');
  // oldest first: counter.log.N … counter.log.1, counter.log; a line may straddle two files
  const suffix = (f: string) => Number(f.slice('counter.log.'.length) || 0);
  const files = readdirSync(logs)
    .filter((f) => /^counter\.log(\.\d+)?$/.test(f))
    .sort((a, b) => suffix(b) - suffix(a));
  const numbers = files
    .map((f) => readFileSync(path.join(logs, f), 'utf8'))
    .join('')
    .split('\n')
    .filter((l) => /^\d+$/.test(l))
    .map(Number);
  const counts = new Map<number, number>();
  for (const n of numbers) counts.set(n, (counts.get(n) ?? 0) + 1);
  const top = Math.max(...numbers);
  const missing = Array.from({ length: top }, (_, k) => k + 1).filter((n) => !counts.has(n));
  const twice = [...counts].filter(([, k]) => k > 1).map(([n]) => n);
  t.diagnostic(
    `${iterations} kills survived: ${stats.add} adds, ${stats.update} updates, ${stats.remove} removes sent, ${stats.answered} answered before the kill, ${stats.inFlight} in flight at it; ${top} counter lines in ${files.length} files; ms spent starting ${phases.start}, checking ${phases.check}, calling ${phases.calls}, killing ${phases.kill}`,
  );
  assert.deepEqual(missing.slice(0, 20), [], `${missing.length} counter lines lost`);
  assert.deepEqual(twice.slice(0, 20), [], `${twice.length} counter lines written twice`);
  assert.ok(files.length > 3, 'the log rotated during the kills');
});
