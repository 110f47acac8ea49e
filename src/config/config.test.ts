import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { tempDir } from '../../test/helpers.ts';
import { cronSpecFromObject, findConfig, loadConfig, serviceSpecFromObject } from './index.ts';

function write(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

async function errorOf(file: string): Promise<string> {
  try {
    await loadConfig(file);
  } catch (e) {
    assert.equal((e as { code?: string }).code, 'TEND_CONFIG_INVALID', String(e));
    return (e as Error).message;
  }
  assert.fail(`${file} was accepted`);
}

// Each malformed config yields exactly this error text (file path shortened to its name).
const malformed: [string, string, string][] = [
  ['bad TOML syntax', 'tend.toml', '[services.web]\ncommand = "a"\ninstances = \n'],
  ['bad YAML syntax', 'tend.yaml', 'services:\n  web:\n    command: a\n    restart: [\n'],
  ['bad JSON syntax', 'tend.json', '{\n  "services": {\n    "web": {"command": "a",}\n  }\n}\n'],
  ['a wrong type', 'tend.toml', '[services.web]\ncommand = "a"\ninstances = "two"\n'],
  ['an unknown key with a typo', 'tend.toml', '[services.web]\ncommand = "a"\nrestrat = "always"\n'],
  ['a negative duration', 'tend.toml', '[services.web]\ncommand = "a"\nstop_timeout = "-5s"\n'],
  ['a malformed duration', 'tend.yaml', 'services:\n  web:\n    command: a\n    restart_delay: 5 parsecs\n'],
  [
    'a duplicate name in TOML',
    'tend.toml',
    '[services.web]\ncommand = "a"\n\n[services.web]\ncommand = "b"\n',
  ],
  ['a duplicate name in YAML', 'tend.yaml', 'services:\n  web:\n    command: a\n  web:\n    command: b\n'],
  [
    'a duplicate name in JSON',
    'tend.json',
    '{"services": {\n  "web": {"command": "a"},\n  "web": {"command": "b"}\n}}\n',
  ],
  ['a hostile name ../x', 'tend.toml', '[services."../x"]\ncommand = "a"\n'],
  ['a name with a control character', 'tend.json', '{"services": {"a\\u0007b": {"command": "a"}}}\n'],
  ['a name with a slash', 'tend.yaml', 'services:\n  a/b:\n    command: a\n'],
  ['both command and args', 'tend.toml', '[services.web]\ncommand = "a"\nargs = ["b"]\n'],
  ['neither command nor args', 'tend.toml', '[services.web]\nrestart = "always"\n'],
  ['a bad enum value', 'tend.yaml', 'services:\n  web:\n    command: a\n    restart: allways\n'],
  ['a bad signal', 'tend.toml', '[services.web]\ncommand = "a"\nstop_signal = "SIGTREM"\n'],
  ['an unknown top-level key', 'tend.toml', '[servics.web]\ncommand = "a"\n'],
  [
    'an unclosed ${ in an env value',
    'tend.toml',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: tend's ${…} syntax, written wrongly on purpose
    '[services.web]\ncommand = "a"\nenv = { PORT = "300${TEND_INSTANCE" }\n',
  ],
];

const expected: Record<string, RegExp> = {
  'bad TOML syntax': /^tend\.toml:3:13 syntax error: /,
  'bad YAML syntax': /^tend\.yaml:5:1 syntax error: /,
  'bad JSON syntax': /^tend\.json:3:28 syntax error: Expected double-quoted property name$/,
  'a wrong type': /^tend\.toml:3:1 services\.web\.instances: expected number, got string "two"$/,
  'an unknown key with a typo':
    /^tend\.toml:3:1 services\.web\.restrat: unknown key "restrat" \(did you mean "restart"\?\)$/,
  'a negative duration':
    /^tend\.toml:3:1 services\.web\.stop_timeout: expected a duration like "500ms", "5s", "1m30s", "1h30m", "2d" or a number of seconds, got "-5s"$/,
  'a malformed duration':
    /^tend\.yaml:4:5 services\.web\.restart_delay: expected a duration .* got "5 parsecs"$/,
  'a duplicate name in TOML': /^tend\.toml:4:\d+ syntax error: .*redefine.* \(in "\[services\.web\]"\)$/,
  'a duplicate name in YAML': /^tend\.yaml:4:3 syntax error: duplicate key "web"/,
  'a duplicate name in JSON': /^tend\.json:3:3 syntax error: duplicate key "web"/,
  'a hostile name ../x':
    /^tend\.toml:1:1 services\["\.\.\/x"\]: invalid service name "\.\.\/x": a name cannot contain "\/"/,
  'a name with a control character':
    /^tend\.json:1:15 services\["a\\u0007b"\]: invalid service name .*control characters$/,
  'a name with a slash':
    /^tend\.yaml:2:3 services\["a\/b"\]: invalid service name "a\/b": a name cannot contain "\/"/,
  'both command and args': /^tend\.toml(:1:1)? services\.web: give either "command" or "args", not both$/,
  'neither command nor args':
    /^tend\.toml(:1:1)? services\.web: a service needs "command" \(a string\) or "args" \(an array\)$/,
  'a bad enum value':
    /^tend\.yaml:4:5 services\.web\.restart: expected "always" \| "on-failure" \| "never", got string "allways" \(did you mean "always"\?\)$/,
  'a bad signal': /^tend\.toml:3:1 services\.web\.stop_signal: expected a signal name .* got "SIGTREM"$/,
  'an unknown top-level key': /^tend\.toml:1:1 servics: unknown key "servics" \(did you mean "services"\?\)$/,
  'an unclosed ${ in an env value':
    /^tend\.toml:3:1 services\.web\.env\.PORT: "\$\{TEND_INSTANCE" is not \$\{NAME\} or \$\{NAME:-default\} \(write \$\$ for a literal \$\)$/,
};

describe('malformed configs: one clear error each, with location and field path', () => {
  for (const [what, name, text] of malformed) {
    test(what, async (t) => {
      const dir = tempDir(t);
      const file = write(dir, name, text);
      const message = (await errorOf(file)).replaceAll(`${dir}/`, '');
      assert.equal(message.split('\n').length, 1, message);
      assert.match(message, expected[what] ?? /never/, message);
    });
  }
});

describe('valid configs', () => {
  const toml = `[services.web]
command = "node server.js --port 3000"
instances = 2
env = { PORT = "3000", DEBUG = true }
restart = "on-failure"
max_restarts = 5
stop_timeout = "1m30s"
backoff = { factor = 3, max = "10s" }
`;
  const yaml = `services:
  web:
    command: node server.js --port 3000
    instances: 2
    env: { PORT: "3000", DEBUG: true }
    restart: on-failure
    max_restarts: 5
    stop_timeout: 1m30s
    backoff: { factor: 3, max: 10s }
`;
  const json = JSON.stringify({
    services: {
      web: {
        command: 'node server.js --port 3000',
        instances: 2,
        env: { PORT: '3000', DEBUG: true },
        restart: 'on-failure',
        max_restarts: 5,
        stop_timeout: '1m30s',
        backoff: { factor: 3, max: '10s' },
      },
    },
  });
  const ts = `import type { ConfigInput } from ${JSON.stringify(path.resolve('src/config/schema.ts'))};
const config: ConfigInput = ${json};
export default config;
`;

  test('the same service in TOML, YAML, JSON and tend.config.ts gives identical specs', async (t) => {
    const specs = [];
    for (const [name, text] of [
      ['tend.toml', toml],
      ['tend.yaml', yaml],
      ['tend.json', json],
      ['tend.config.ts', ts],
    ] as const) {
      const dir = tempDir(t);
      const loaded = await loadConfig(write(dir, name, text));
      specs.push(JSON.parse(JSON.stringify(loaded.services).replaceAll(dir, '<dir>')));
    }
    for (const s of specs.slice(1)) assert.deepEqual(s, specs[0]);
    const [web] = specs[0];
    assert.deepEqual(web.argv, ['node', 'server.js', '--port', '3000']);
    assert.equal(web.stopTimeoutMs, 90_000);
    assert.deepEqual(web.backoff, { factor: 3, maxDelayMs: 10_000 });
    assert.deepEqual(web.env, { PORT: '3000', DEBUG: 'true' });
    assert.equal(web.cwd, '<dir>');
  });

  test('env_file is read relative to the config and env overrides it', async (t) => {
    const dir = tempDir(t);
    write(dir, '.env', '# comment\nexport A=1\nB="two words"\nC=3 # trailing\n');
    const file = write(
      dir,
      'tend.toml',
      '[services.s]\ncommand = "x"\nenv_file = ".env"\nenv = { C = "env wins" }\n',
    );
    const [s] = (await loadConfig(file)).services;
    assert.deepEqual(s?.env, { A: '1', B: 'two words', C: 'env wins' });
  });

  test('a missing env_file is an error naming the file and the service', async (t) => {
    const dir = tempDir(t);
    const file = write(dir, 'tend.toml', '[services.s]\ncommand = "x"\nenv_file = "nope.env"\n');
    assert.match(await errorOf(file), /services\.s\.env_file: .*nope\.env does not exist/);
  });

  test('discovery finds the nearest config upwards; services/ holds one file per service', async (t) => {
    const dir = tempDir(t);
    write(dir, 'tend.yaml', 'services:\n  web:\n    command: a\n');
    mkdirSync(path.join(dir, 'services'));
    write(path.join(dir, 'services'), 'db.toml', 'command = "postgres"\nrestart = "always"\n');
    const deep = path.join(dir, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    assert.equal(findConfig(deep), path.join(dir, 'tend.yaml'));
    const loaded = await loadConfig(undefined, { cwd: deep });
    assert.deepEqual(
      loaded.services.map((s) => [s.name, s.restart]),
      [
        ['web', 'on-failure'],
        ['db', 'always'],
      ],
    );
    write(path.join(dir, 'services'), 'web.toml', 'command = "b"\n');
    assert.match(await errorOf(path.join(dir, 'tend.yaml')), /service "web" is also defined in/);
  });

  test('no config anywhere is TEND_CONFIG_NOT_FOUND naming where it looked', (t) => {
    const dir = tempDir(t);
    assert.throws(() => findConfig(dir), { code: 'TEND_CONFIG_NOT_FOUND', message: new RegExp(`in ${dir}`) });
  });

  test('a definition from an RPC call is validated with field paths', () => {
    assert.throws(() => serviceSpecFromObject('web', { command: 'x', restart: 'sometimes' }, '/'), {
      code: 'TEND_CONFIG_INVALID',
      message: /services\.web\.restart: expected "always" \| "on-failure" \| "never", got string "sometimes"/,
    });
    assert.equal(serviceSpecFromObject('web', { args: ['a', 'b c'] }, '/').argv[1], 'b c');
  });
});

describe('dependencies, readiness and health in config', () => {
  test('conditions, one-shots, readiness and health become the kernel spec', async (t) => {
    const dir = tempDir(t);
    const file = write(
      dir,
      'tend.toml',
      `[services.db]
command = "postgres"
ready = { tcp = "127.0.0.1:5432", interval = "100ms" }
start_timeout = "30s"
health = { http = "http://127.0.0.1:8080/health", interval = "5s", timeout = "1s", retries = 3 }

[services.migrate]
command = "migrate up"
oneshot = true
requires = ["db"]

[services.web]
command = "node web.js"
requires = { db = "ready", migrate = "completed_successfully" }
wants = ["cache"]
after = ["migrate"]
conflicts = ["maintenance"]
ready = { log = "listening on \\\\d+" }

[services.cache]
command = "redis-server"
start_seconds = 2

[services.maintenance]
command = "maint"
autostart = false
ready = { notify = true }
`,
    );
    const specs = Object.fromEntries((await loadConfig(file)).services.map((s) => [s.name, s]));
    assert.deepEqual(specs.db?.ready, {
      kind: 'probe',
      probe: { kind: 'tcp', host: '127.0.0.1', port: 5432 },
      intervalMs: 100,
    });
    assert.equal(specs.db?.startTimeoutMs, 30_000);
    assert.deepEqual(specs.db?.health, {
      probe: { kind: 'http', url: 'http://127.0.0.1:8080/health', status: null },
      intervalMs: 5000,
      timeoutMs: 1000,
      retries: 3,
      startPeriodMs: 5000,
    });
    assert.equal(specs.migrate?.restart, 'never');
    assert.deepEqual(specs.migrate?.requires, { db: 'ready' });
    assert.deepEqual(specs.web?.requires, { db: 'ready', migrate: 'completed_successfully' });
    assert.deepEqual(specs.web?.wants, { cache: 'started' });
    assert.deepEqual(specs.web?.ready, { kind: 'log', pattern: 'listening on \\d+' });
    assert.deepEqual(specs.cache?.ready, { kind: 'uptime', ms: 2000 });
    assert.deepEqual(specs.maintenance?.ready, { kind: 'notify' });
  });

  test('a cycle is a config error that names it; so is an unknown dependency', async (t) => {
    const dir = tempDir(t);
    const cycle = write(
      dir,
      'tend.toml',
      '[services.a]\ncommand = "x"\nrequires = ["b"]\n[services.b]\ncommand = "x"\nafter = ["a"]\n',
    );
    assert.equal(
      (await errorOf(cycle)).replaceAll(`${dir}/`, ''),
      'tend.toml:3:1 services.a.requires: dependency cycle: a → b → a',
    );
    const unknown = write(dir, 'tend.yaml', 'services:\n  web:\n    command: x\n    requires: [dbb]\n');
    assert.equal(
      (await errorOf(unknown)).replaceAll(`${dir}/`, ''),
      'tend.yaml:4:5 services.web.requires: unknown service "dbb"',
    );
  });

  test('a readiness check needs exactly one kind, and a valid one', async (t) => {
    const dir = tempDir(t);
    const two = write(dir, 'tend.toml', '[services.a]\ncommand = "x"\nready = { tcp = "h:1", log = "x" }\n');
    assert.match(
      await errorOf(two),
      /services\.a\.ready: ready needs exactly one of "tcp", "http", "exec", "log", "notify", "ipc", got tcp and log/,
    );
    const bad = write(dir, 'tend.toml', '[services.a]\ncommand = "x"\nready = { tcp = "nohost" }\n');
    assert.match(await errorOf(bad), /services\.a\.ready\.tcp: expected "host:port"/);
    const regex = write(dir, 'tend.toml', '[services.a]\ncommand = "x"\nready = { log = "(" }\n');
    assert.match(await errorOf(regex), /services\.a\.ready\.log: expected a valid regular expression/);
    const cond = write(
      dir,
      'tend.toml',
      '[services.a]\ncommand = "x"\n[services.b]\ncommand = "x"\nrequires = { a = "healthy" }\n',
    );
    assert.match(await errorOf(cond), /services\.b\.requires/);
  });
});

describe('jobs and cron jobs in config', () => {
  test("a cron job's hooks run before its template's, phase by phase", () => {
    const spec = cronSpecFromObject(
      'backup',
      {
        schedule: '@daily',
        hooks: {
          pre_start: [{ name: 'lock', command: 'true' }],
          post_stop: [{ name: 'unlock', command: 'true' }],
        },
        job_template: {
          command: 'backup.sh',
          hooks: {
            pre_start: [{ name: 'mount', command: 'true' }],
            post_stop: [{ name: 'umount', command: 'true' }],
          },
        },
      },
      '/srv',
    );
    const names = (phase: 'pre_start' | 'post_stop') => spec.jobTemplate.hooks[phase].map((h) => h.name);
    assert.deepEqual(names('pre_start'), ['lock', 'mount']);
    assert.deepEqual(names('post_stop'), ['unlock', 'umount']);
    assert.equal(spec.jobTemplate.cwd, '/srv');
    assert.equal(spec.successfulJobsHistoryLimit, 3);
    assert.equal(spec.failedJobsHistoryLimit, 1);
  });
});

test('regression (fuzz): YAML aliases that expand exponentially are a located error, not a crash', async (t) => {
  const dir = tempDir(t);
  const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (const [prev, next] of [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['d', 'e'],
  ])
    laughs.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
  const file = write(dir, 'tend.yaml', `${laughs.join('\n')}\nservices: *e\n`);
  assert.match(await errorOf(file), /^.*tend\.yaml:2:\d+ syntax error: Excessive alias count/);
});

test('regression (fuzz): a YAML key that is a table prints no process warning; the schema refuses it', async (t) => {
  const dir = tempDir(t);
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  t.after(() => process.off('warning', onWarning));
  const file = write(dir, 'tend.yaml', 'services:\n  ? {a: 1}\n  : command: x\n');
  assert.match(await errorOf(file), /services\["\{ a: 1 \}"\]: invalid service name/);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(warnings, []);
});
