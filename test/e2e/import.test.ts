/**
 * Round trips of real-world files: `tend import` each fixture of the case file, `tend config
 * check` the result, then `tend up` it with stand-ins where a command needs software that is
 * not here (users, missing folders and absolute log paths are adapted too), and check that
 * every service ran and started after what it depends on. The samples of one format run under
 * one `tend up`, each under its own name prefix, which saves two dozen start-ups of tend.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse, stringify } from 'smol-toml';
import { connect } from '../../src/client/client.ts';
import type { ServiceInput } from '../../src/config/schema.ts';
import { findProgram } from '../../src/process/find-program.ts';
import { spawnTend, tend, testEnv } from '../cli.ts';
import { fixture, type ImportCase, importCases } from '../fixtures/import/cases.ts';
import { linesOf, waitFor } from '../helpers.ts';

const standIn = fixture('stand-in.sh');

function firstWord(s: ServiceInput): string {
  return s.args?.[0] ?? s.command?.trim().split(/\s+/)[0] ?? '';
}

function available(program: string, cwd: string): boolean {
  if (!program.includes('/')) return findProgram(program, process.env.PATH) !== null;
  const file = path.resolve(cwd, program);
  if (!existsSync(file)) return false;
  // a script runs only where its interpreter does (foreman's samples need ruby)
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(file, 'utf8').slice(0, 200));
  if (!shebang) return true;
  const interpreter = shebang[1]?.endsWith('/env') ? (shebang[2] ?? '') : (shebang[1] ?? '');
  return available(interpreter, cwd);
}

/** The imported config made runnable here: stand-ins, no users, real folders, logs in the test's dir. */
function adapt(
  c: ImportCase,
  config: Record<string, Record<string, ServiceInput>>,
  dir: string,
  orderLog: string,
) {
  // what others wait on to complete must end, even as a stand-in
  const awaited = new Set(
    Object.values(config.services ?? {}).flatMap((s) =>
      Object.entries(s.requires && !Array.isArray(s.requires) ? s.requires : {})
        .filter(([, entry]) =>
          (typeof entry === 'string' ? entry : (entry.condition ?? '')).startsWith('completed'),
        )
        .map(([d]) => d),
    ),
  );
  for (const [name, s] of Object.entries(config.services ?? {})) {
    const cwd = path.resolve(dir, s.cwd ?? '.');
    if (!existsSync(cwd)) delete s.cwd;
    const keep = c.standIns === 'missing' && available(firstWord(s), existsSync(cwd) ? cwd : dir);
    const original = s.args ?? ['/bin/sh', '-c', s.command ?? 'true'];
    const once = s.oneshot || (awaited.has(name) && s.restart !== 'always');
    // the stand-in serves no port: its checks become the mark it leaves, and liveness passes
    if (!keep && s.health) s.health = { exec: 'true', interval: s.health.interval };
    // ready once the stand-in has noted its start, so the order it notes is the order tend keeps
    const marked = { exec: `test -e '${orderLog}.${name}'`, interval: '20ms' };
    if (!once && (!s.ready || !keep)) s.ready = marked;
    const mode = keep ? 'run' : once ? 'once' : 'stay';
    s.args = ['/bin/sh', standIn, orderLog, name, mode, ...(keep ? original : [])];
    delete s.command;
    delete s.user;
    delete s.group;
    delete s.watch;
    if (s.logs?.file) s.logs.file = path.join(dir, 'logs', `${name}.log`);
    for (const phase of Object.values(s.hooks ?? {})) {
      for (const h of phase ?? []) if (!available(h.command.split(/\s+/)[0] ?? '', dir)) h.command = 'true';
    }
  }
}

type Tables = Record<string, Record<string, Record<string, unknown>>>;

/** The sample's tables under names prefixed with the sample's, so a format's samples run side by side. */
function prefixed(config: Tables, prefix: string): Tables {
  const p = (n: string) => `${prefix}.${n}`;
  const deps = (d: unknown) =>
    Array.isArray(d)
      ? d.map(p)
      : d && typeof d === 'object'
        ? Object.fromEntries(Object.entries(d).map(([k, v]) => [p(k), v]))
        : d;
  const out: Tables = {};
  for (const [section, tables] of Object.entries(config)) {
    if (section === 'server') continue;
    out[section] = {};
    for (const [name, table] of Object.entries(tables)) {
      const t = { ...table };
      for (const k of ['requires', 'wants', 'after', 'conflicts']) if (t[k] !== undefined) t[k] = deps(t[k]);
      if (section === 'groups') t.members = (t.members as string[]).map(p);
      (out[section] as Record<string, unknown>)[p(name)] = t;
    }
  }
  return out;
}

const formats = [...new Set(importCases.map((c) => c.format))];

// one `tend up` per format runs all its samples side by side; the formats run a few at a time
describe('import round trips', { concurrency: 3 }, () => {
  for (const format of formats) {
    const cases = importCases.filter((c) => c.format === format);
    test(`${format}: each sample is imported by tend import, passes tend config check, and tend up runs it in dependency order (${cases.map((c) => c.name.split('/')[1]).join(', ')})`, async (t) => {
      const e = testEnv(t);
      const orderLog = path.join(e.dir, 'order.log');
      writeFileSync(orderLog, '');
      const merged: Tables = { services: {}, jobs: {}, cron: {}, groups: {} };
      await Promise.all(
        cases.map(async (c) => {
          const prefix = c.name.split('/')[1] ?? c.name;
          const out = path.join(e.dir, `${prefix}.toml`);
          const imported = await tend(e, ['import', ...c.files.map((f) => fixture(f)), '-o', out]);
          assert.equal(imported.code, 0, `${c.name}: ${imported.stderr}`);
          assert.match(imported.stdout, /settings converted/);
          const check = await tend(e, ['config', 'check', out]);
          assert.equal(check.code, 0, `${c.name}: ${check.stderr}`);
          assert.match(check.stdout, new RegExp(`valid, ${c.services.length} services`));
          const config = parse(readFileSync(out, 'utf8')) as Record<string, Record<string, ServiceInput>>;
          const mine = prefixed(config as Tables, prefix) as Record<string, Record<string, ServiceInput>>;
          adapt(c, mine, e.dir, orderLog);
          for (const [section, tables] of Object.entries(mine))
            merged[section] = { ...merged[section], ...tables };
        }),
      );
      const file = path.join(e.dir, 'tend.toml');
      writeFileSync(file, stringify(merged));
      const config = merged as Record<string, Record<string, ServiceInput>>;

      const up = spawnTend(e, ['up', file], e.dir);
      t.after(() => up.child.kill('SIGKILL'));
      const services = Object.entries(config.services ?? {});
      const expected = services.filter(([, s]) => s.autostart !== false).map(([n]) => n);
      const socket = path.join(e.dir, '.tend', 'tend.sock');
      const client = await waitFor(
        'tend up to answer',
        async () => {
          if (up.child.exitCode !== null)
            throw new Error(`tend up exited ${up.child.exitCode}: ${up.output()}`);
          return existsSync(socket) && (await connect({ socket }).catch(() => null));
        },
        { timeoutMs: 20_000, everyMs: 50 },
      );
      t.after(() => client.close());
      const settled = new Set(['running', 'exited']);
      const list = await waitFor(
        'every service to run (or finish)',
        async () => {
          if (up.child.exitCode !== null)
            throw new Error(`tend up exited ${up.child.exitCode}: ${up.output()}`);
          const views = await client.service.list();
          const started = new Set(linesOf(orderLog).map((l) => l.split(' ')[1]));
          const done = views.every((v) => {
            const spec = config.services?.[v.base];
            if (spec?.autostart === false || spec?.conflicts) return true;
            return settled.has(v.state);
          });
          return done && expected.every((n) => started.has(n)) && views;
        },
        { timeoutMs: 40_000, everyMs: 50 },
      );
      assert.equal(list.filter((v) => v.state === 'failed').length, 0, JSON.stringify(list));
      const cron = (await client.cron.list()).map((x) => x.name).sort();
      assert.deepEqual(
        cron,
        cases.flatMap((c) => (c.cron ?? []).map((n) => `${c.name.split('/')[1]}.${n}`)).sort(),
      );
      const first = new Map<string, { at: bigint; ticks: number }>();
      for (const line of linesOf(orderLog)) {
        const [at, name, ticks] = line.split(' ');
        if (name && at && !first.has(name)) first.set(name, { at: BigInt(at), ticks: Number(ticks) });
      }
      for (const c of cases) {
        const prefix = c.name.split('/')[1];
        for (const [b, a] of c.order ?? []) {
          const [before, after] = [`${prefix}.${b}`, `${prefix}.${a}`];
          const x = first.get(before);
          const y = first.get(after);
          assert.ok(x && y, `${before} and ${after} both started`);
          const requires = config.services?.[after]?.requires;
          // "started" waits for the spawn only: both may note their start in either order, but the
          // dependency was spawned first (ticks of 10 ms may be equal)
          if (requires && !Array.isArray(requires) && requires[before] === 'started')
            assert.ok(x.ticks <= y.ticks, `${before} is spawned before ${after}`);
          else assert.ok(x.at < y.at, `${before} starts before ${after}`);
        }
      }
      client.close();
      up.child.kill('SIGINT');
      const code = await Promise.race([
        up.exited,
        new Promise((r) => setTimeout(() => r('timeout'), 20_000).unref()),
      ]);
      assert.notEqual(code, 'timeout', up.output());
    });
  }
});
