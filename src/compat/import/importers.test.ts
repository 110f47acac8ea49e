/**
 * What each importer makes of the settings it reads, on the real-world fixtures (and a few
 * lines written here for what none of them has): the tend value, and the note where a
 * setting does not carry over exactly.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fixture } from '../../../test/fixtures/import/cases.ts';
import { tempDir } from '../../../test/helpers.ts';
import { importFiles } from './index.ts';

const out = (dir: string) => path.join(dir, 'tend.toml');

test('pm2: --env merges env_NAME, "max" instances, wait_ready, kill_timeout, cluster mode noted', async (t) => {
  const dir = tempDir(t);
  const r = await importFiles({
    files: [fixture('pm2/ecosystem-file/ecosystem.config.js')],
    outFile: out(dir),
    env: 'production',
  });
  const api = r.config.services['HTTP-API'];
  assert.equal(api?.env?.NODE_ENV, 'production');
  assert.equal(api?.instances, availableParallelism());
  assert.equal(api?.max_memory, '260MB');
  assert.deepEqual(api?.args, ['node', 'apps/http.js']);
  assert.ok(
    r.notes.some(
      (n) => n.where === 'services.HTTP-API' && n.kind === 'approximated' && /cluster/.test(n.message),
    ),
  );
  assert.ok(!r.notes.some((n) => /env_production/.test(n.source)), 'the chosen env is applied, not noted');
  const w = await importFiles({ files: [fixture('pm2/wait-ready/ecosystem.json')], outFile: out(dir) });
  assert.deepEqual(w.config.services.app?.ready, { ipc: true });
  assert.equal(w.config.services.app?.start_timeout, '1s');
  assert.equal(w.config.services.app?.stop_timeout, '2s');
});

test('pm2: restarts, backoff, cron_restart, watch and logs', async (t) => {
  const dir = tempDir(t);
  const file = path.join(dir, 'ecosystem.config.cjs');
  writeFileSync(
    file,
    `module.exports = { apps: [{ name: 'api', script: 'server.js', autorestart: true, max_restarts: 5, min_uptime: 2000,
      exp_backoff_restart_delay: 100, cron_restart: '0 3 * * *', watch: ['src'], ignore_watch: ['node_modules'],
      out_file: 'logs/api.out.log', error_file: 'logs/api.err.log', kill_timeout: 3000, vizion: false }] };`,
  );
  const r = await importFiles({ files: [file], outFile: out(dir) });
  const s = r.config.services.api;
  assert.equal(s?.restart, 'always');
  assert.equal(s?.max_restarts, 5);
  assert.equal(s?.start_seconds, '2s');
  assert.deepEqual(s?.backoff, { factor: 1.5, max: '15s' });
  assert.equal(s?.restart_delay, '100ms');
  assert.equal(s?.cron_restart, '0 3 * * *');
  assert.deepEqual(s?.watch, { paths: ['src'], ignore: ['node_modules'] });
  assert.deepEqual(s?.logs, { file: 'logs/api.out.log', split: true });
  assert.ok(r.notes.some((n) => n.kind === 'unsupported' && /vizion/.test(n.source)));
});

test('procfile: PORT as foreman assigns it, the .env beside it, and a release step first', async (t) => {
  const dir = tempDir(t);
  const r = await importFiles({
    files: [fixture('procfile/foreman-spec/Procfile')],
    outFile: out(fixture('procfile/foreman-spec')),
  });
  assert.deepEqual(
    Object.values(r.config.services).map((s) => s.env?.PORT),
    ['5000', '5100', '5200', '5300', '5400'],
  );
  assert.equal(r.config.services.echo?.env_file, '.env');
  assert.equal(r.config.services.echo?.cwd, '.');
  const file = path.join(dir, 'Procfile');
  writeFileSync(file, 'release: ./migrate\nweb: bin/web -p $PORT\n# a comment\nnot an entry\n');
  writeFileSync(path.join(dir, '.env'), 'PORT=3000\n');
  const rel = await importFiles({ files: [file], outFile: out(dir) });
  assert.equal(rel.config.services.release?.oneshot, true);
  assert.deepEqual(rel.config.services.web?.requires, { release: 'completed_successfully' });
  assert.equal(rel.config.services.web?.env?.PORT, '3100');
  assert.ok(rel.notes.some((n) => n.kind === 'unsupported' && /line 4/.test(n.source)));
});

test('process-compose: depends_on conditions, probes, availability, shutdown, namespace', async (t) => {
  const dir = tempDir(t);
  const demo = await importFiles({
    files: [fixture('process-compose/demo/process-compose.yaml')],
    outFile: out(dir),
  });
  assert.deepEqual(demo.config.services['api-server']?.requires, { redis: 'ready', postgres: 'ready' });
  assert.deepEqual(demo.config.services['web-app']?.requires, { 'api-server': 'started' });
  assert.deepEqual(demo.config.services.redis?.ready, { exec: 'true', interval: 2 });
  const file = path.join(dir, 'process-compose.yaml');
  writeFileSync(
    file,
    [
      'processes:',
      '  api:',
      '    command: ./api',
      '    replicas: 2',
      '    namespace: backend',
      '    availability: { restart: exit_on_failure, max_restarts: 3, backoff_seconds: 2 }',
      '    liveness_probe:',
      '      http_get: { host: 127.0.0.1, port: 8080, path: /health }',
      '      period_seconds: 5',
      '      failure_threshold: 4',
      '    shutdown: { signal: 2, timeout_seconds: 7, command: "curl -X POST localhost:8080/drain" }',
      '    is_daemon: true',
    ].join('\n'),
  );
  const r = await importFiles({ files: [file], outFile: out(dir) });
  const api = r.config.services.api;
  assert.equal(api?.instances, 2);
  assert.equal(api?.restart, 'on-failure');
  assert.equal(api?.critical, true);
  assert.equal(api?.max_restarts, 3);
  assert.deepEqual(api?.health, { http: 'http://127.0.0.1:8080/health', interval: 5, retries: 4 });
  assert.equal(api?.stop_signal, 'SIGINT');
  assert.equal(api?.stop_timeout, 7);
  assert.equal(api?.hooks?.pre_stop?.[0]?.command, 'curl -X POST localhost:8080/drain');
  assert.deepEqual(r.config.groups.backend?.members, ['api']);
  assert.ok(r.notes.some((n) => n.kind === 'unsupported' && /is_daemon/.test(n.source)));
});

test('supervisord: words without a shell, autorestart, exitcodes, environment, priority order, groups', async (t) => {
  const dir = tempDir(t);
  const cat = await importFiles({
    files: [fixture('supervisord/docs-program/supervisord.conf')],
    outFile: out(dir),
  });
  const s = cat.config.services.cat;
  assert.deepEqual(s?.args, ['/bin/cat']);
  assert.equal(s?.restart, 'on-failure');
  assert.deepEqual(s?.success_exit_codes, [0]);
  assert.deepEqual(s?.env, { A: '1', B: '2' });
  assert.equal(s?.stop_signal, 'SIGTERM');
  assert.equal(s?.start_seconds, 10);
  assert.deepEqual(s?.logs, { file: '/a/path', max_size: '1MB', keep: 10 });
  assert.ok(cat.notes.some((n) => /umask/.test(n.source) && n.kind === 'unsupported'));
  const file = path.join(dir, 'supervisord.conf');
  writeFileSync(
    file,
    '[supervisord]\nenvironment=STAGE="prod"\n\n[program:web]\ncommand=/usr/bin/web --port 80 "two words"\nnumprocs=3\nprocess_name=%(program_name)s_%(process_num)02d\npriority=10\nautorestart=true\n\n[program:db]\ncommand=/usr/bin/db\npriority=1\nautorestart=false\n\n[group:stack]\nprograms=web,db\n',
  );
  const r = await importFiles({ files: [file], outFile: out(dir) });
  assert.deepEqual(r.config.services.web?.args, ['/usr/bin/web', '--port', '80', 'two words']);
  assert.equal(r.config.services.web?.instances, 3);
  assert.equal(r.config.services.web?.restart, 'always');
  assert.equal(r.config.services.db?.restart, 'never');
  assert.deepEqual(r.config.services.web?.after, ['db']);
  assert.equal(r.config.services.web?.env?.STAGE, 'prod');
  assert.deepEqual(r.config.groups.stack?.members, ['web', 'db']);
  assert.deepEqual(Object.keys(r.config.services), ['db', 'web'], 'written dependencies first');
});

test('provisr: hooks, jobs and cron jobs, groups, the programs directory, and [server] as provisr compat', async (t) => {
  const dir = tempDir(t);
  const r = await importFiles({
    files: [fixture('provisr/lifecycle-config/provisr.yaml')],
    outFile: out(dir),
  });
  const web = r.config.services['web-app'];
  assert.equal(web?.hooks?.pre_start?.length, 3);
  assert.equal(web?.hooks?.pre_start?.[0]?.timeout, '30s');
  assert.equal(web?.hooks?.post_start?.[0]?.run_mode, 'async');
  assert.equal(r.config.cron['daily-backup']?.schedule, '0 2 * * *');
  assert.equal(r.config.cron['daily-backup']?.hooks?.pre_start?.[0]?.name, 'check-maintenance-mode');
  assert.equal(r.config.cron['daily-backup']?.job_template.hooks?.post_stop?.length, 3);
  const p = await importFiles({
    files: [fixture('provisr/programs-directory/config.toml')],
    outFile: out(dir),
  });
  assert.equal(p.config.services['api-server']?.instances, 2);
  assert.equal(
    p.config.services['api-server']?.env?.DEMO_ENV,
    'production',
    'the global env is in every service',
  );
  assert.deepEqual(p.config.server?.http, { listen: '127.0.0.1:8080', compat: ['provisr'], auth: 'none' });
  const c = await importFiles({ files: [fixture('provisr/config/config.toml')], outFile: out(dir) });
  assert.equal(
    c.config.services.cleanup?.env?.CHAIN,
    'provisr-x',
    'GLOBAL_NAME is expanded in CHAIN as provisr does',
  );
  const job = path.join(dir, 'job.toml');
  writeFileSync(
    job,
    'type = "job"\n[spec]\nname = "data-processor"\ncommand = "python process_data.py"\nparallelism = 3\ncompletions = 10\nbackoff_limit = 5\ncompletion_mode = "NonIndexed"\nrestart_policy = "OnFailure"\nactive_deadline_seconds = 3600\nttl_seconds_after_finished = 300\n',
  );
  const j = await importFiles({ files: [job], outFile: out(dir) });
  assert.deepEqual(j.config.jobs['data-processor'], {
    command: 'python process_data.py',
    parallelism: 3,
    completions: 10,
    backoff_limit: 5,
    active_deadline_seconds: 3600,
    ttl_seconds_after_finished: 300,
    completion_mode: 'NonIndexed',
    restart_policy: 'OnFailure',
  });
});

test('zinit: after waits for ready, or for success of a oneshot; the TOML of the rewrite maps field by field', async (t) => {
  const dir = tempDir(t);
  const files = ['boot', 'node-ready', 'redis', 'storaged'].map((s) => fixture(`zinit/zos/${s}.yaml`));
  const r = await importFiles({ files, outFile: out(dir) });
  assert.deepEqual(r.config.services['node-ready']?.requires, { redis: 'ready' });
  assert.deepEqual(r.config.services.boot?.requires, {
    'node-ready': 'completed_successfully',
    storaged: 'ready',
  });
  assert.deepEqual(r.config.services.storaged?.ready, {
    exec: 'sh -c "mountpoint /var/cache && zbusdebug --module storage"',
  });
  assert.ok(r.notes.some((n) => /after internet/.test(n.source) && n.kind === 'unsupported'));
  const t2 = await importFiles({
    files: [fixture('zinit/toml-crate-docs/my-service.toml')],
    outFile: out(dir),
  });
  const s = t2.config.services['my-service'];
  assert.deepEqual(s?.health, { tcp: '127.0.0.1:8080', interval: '10s', timeout: '5s', retries: 3 });
  assert.equal(s?.restart_delay, '1s');
  assert.equal(s?.max_restarts, 10);
  assert.equal(s?.class, 'user');
});
