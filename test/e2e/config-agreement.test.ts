/**
 * `tend config check` and the modes that run a config agree: 200 generated configs, valid
 * ones and ones broken in the ways people break them (an unknown key, a bad value, an
 * unknown or circular dependency, conflicting services that both start, a hostile name), are
 * each accepted by both — and then every service is there — or refused by both with the same
 * located message. Ten of them also go through the real `tend up` and `tend config check`.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { loadConfig } from '../../src/config/index.ts';
import { layout } from '../../src/daemon/home.ts';
import { startRuntime } from '../../src/daemon/runtime.ts';
import { spawnTend, tend, testEnv } from '../cli.ts';
import { FakeDriver } from '../fake-driver.ts';
import { memoryTempDir, waitFor } from '../helpers.ts';

interface Service {
  name: string;
  lines: string[];
  autostart: boolean;
}

const serviceArb = (i: number): fc.Arbitrary<Service> =>
  fc
    .record({
      restart: fc.constantFrom('always', 'on-failure', 'never'),
      instances: fc.integer({ min: 1, max: 3 }),
      requires:
        i > 0
          ? fc.subarray(
              Array.from({ length: i }, (_, j) => `svc${j}`),
              { maxLength: Math.min(2, i) },
            )
          : fc.constant([]),
      after:
        i > 0
          ? fc.subarray(
              Array.from({ length: i }, (_, j) => `svc${j}`),
              { maxLength: Math.min(1, i) },
            )
          : fc.constant([]),
      stop: fc.constantFrom('500ms', '5s', '1m30s', '1h30m', 3),
      size: fc.constantFrom('512KB', '1MiB', '2GiB', '1Mi', 4096),
      autostart: fc.boolean(),
    })
    .map((s) => ({
      name: `svc${i}`,
      autostart: s.autostart,
      lines: [
        'command = "sleep 1000"',
        `restart = "${s.restart}"`,
        `instances = ${s.instances}`,
        ...(s.requires.length ? [`requires = ${JSON.stringify(s.requires)}`] : []),
        ...(s.after.length ? [`after = ${JSON.stringify(s.after)}`] : []),
        `stop_timeout = ${JSON.stringify(s.stop)}`,
        `logs = { max_size = ${JSON.stringify(s.size)} }`,
        ...(s.autostart ? [] : ['autostart = false']),
      ],
    }));

type Mutation = (services: Service[]) => void;
const mutations: Record<string, Mutation> = {
  'an unknown key': (s) => s[0]?.lines.push('restat = "always"'),
  'a bad enum value': (s) => s[0]?.lines.push('class = "admin"'),
  'a bad duration': (s) => s.at(-1)?.lines.push('restart_delay = "5 minutes"'),
  'a bad size': (s) => s.at(-1)?.lines.push('max_memory = "2 gigs"'),
  'an unknown dependency': (s) => s.at(-1)?.lines.push('wants = ["nope"]'),
  'a cycle': (s) => {
    if (s.length > 1) s[0]?.lines.push(`after = ["${s.at(-1)?.name}"]`);
    else s[0]?.lines.push('after = ["svc0"]');
  },
  'conflicting services that both start': (s) => {
    const [a, b] = [s[0], s.at(-1)];
    if (!a) return;
    a.lines.push(`conflicts = ["${b && b !== a ? b.name : a.name}"]`);
    if (b) b.autostart = true;
    if (b) b.lines = b.lines.filter((l) => l !== 'autostart = false');
    a.lines = a.lines.filter((l) => l !== 'autostart = false');
  },
  'a hostile name': (s) => {
    if (s[0]) s[0].name = '../escape';
  },
  'no command': (s) => {
    if (s[0]) s[0].lines = s[0].lines.filter((l) => !l.startsWith('command'));
  },
  'a negative instance count': (s) => s[0]?.lines.push('instances = -1'),
};

const configArb = fc
  .integer({ min: 1, max: 6 })
  .chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => serviceArb(i))),
      fc.subarray(Object.keys(mutations), { maxLength: 2 }),
      fc.boolean(),
    ),
  )
  .map(([services, broken, reversed]) => {
    const copy = services.map((s) => ({ ...s, lines: [...s.lines] }));
    for (const m of broken) mutations[m]?.(copy);
    // the same services, in the order written, or backwards: neither may matter
    const ordered = reversed ? [...copy].reverse() : copy;
    const text = ordered.map((s) => `[services."${s.name}"]\n${s.lines.join('\n')}\n`).join('\n');
    return {
      text,
      broken,
      count: copy.reduce((n, s) => n + (Number(/instances = (\d+)/.exec(s.lines.join('\n'))?.[1]) || 1), 0),
    };
  });

async function checkResult(file: string): Promise<string | null> {
  try {
    await loadConfig(file);
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

test('tend config check and a bring-up agree on 200 generated configs, valid and invalid', async (t) => {
  const dir = memoryTempDir(t);
  let n = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(configArb, async ({ text }) => {
      const file = path.join(dir, `c${n++}.toml`);
      writeFileSync(file, text);
      const checked = await checkResult(file);
      let started: string | null = null;
      let runtime: Awaited<ReturnType<typeof startRuntime>> | null = null;
      try {
        runtime = await startRuntime({
          home: layout(path.join(dir, `home${n}`)),
          configPath: file,
          persist: false,
          exitOnCriticalFailure: false,
          version: 'test',
          driver: Object.assign(new FakeDriver(), { prompt: true }),
        });
      } catch (e) {
        started = e instanceof Error ? e.message : String(e);
      }
      try {
        assert.equal(started, checked, `the bring-up says what config check says:\n${text}`);
        if (checked !== null) refused++;
        if (runtime) {
          const config = await loadConfig(file);
          const instances = config.services.reduce((k, s) => k + s.instances, 0);
          assert.equal(runtime.sup.list().length, instances, 'every service of the config is there');
        }
      } finally {
        if (runtime) {
          runtime.shutdown(0);
          await runtime.done;
        }
      }
    }),
    { numRuns: 200 },
  );
  assert.ok(refused > 40 && refused < 180, `both kinds were generated (${refused} of 200 refused)`);
});

test('the real tend up and tend config check agree on ten of them', async (t) => {
  const samples = fc.sample(configArb, { numRuns: 10, seed: 16 });
  // three at a time: ten tends starting at once on two cores is a test of the machine
  const one = async ({ text }: (typeof samples)[number]) => {
    const e = testEnv(t);
    writeFileSync(path.join(e.dir, 'tend.toml'), text);
    const check = await tend(e, ['config', 'check', 'tend.toml']);
    // tend up serves the project's own socket (.tend/ beside the config), as a developer runs it
    const upEnv = { ...e, env: { ...e.env, TEND_HOME: '' } };
    const up = spawnTend(upEnv, ['up', 'tend.toml']);
    t.after(() => up.child.kill('SIGKILL'));
    if (check.code !== 0) {
      assert.equal(await up.exited, check.code, `tend up exits as config check does:\n${text}`);
      const firstLine = check.stderr.split('\n')[0] ?? '';
      assert.ok(
        up.output().includes(firstLine.replace(/^tend: /, '')),
        `tend up names the same problem: ${firstLine}`,
      );
    } else {
      await waitFor(
        'tend up to run the config config check accepts',
        async () => {
          const ls = await tend(upEnv, ['ls', '--json']);
          return ls.code === 0 && (JSON.parse(ls.stdout) as unknown[]).length > 0;
        },
        { timeoutMs: 20_000 },
      ).catch((e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : e}\n${text}\n--- tend up said:\n${up.output()}`);
      });
      up.child.kill('SIGTERM');
      assert.equal(await up.exited, 0);
    }
  };
  for (let k = 0; k < samples.length; k += 3) await Promise.all(samples.slice(k, k + 3).map(one));
});
