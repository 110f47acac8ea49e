/**
 * What each exporter writes for examples/stack/tend.toml: the dependencies, readiness, restarts,
 * jobs, cron jobs and groups in each target's own terms, and what did not map listed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse, parseAllDocuments } from 'yaml';
import { exportConfig } from './index.ts';
import { kubeSchedule } from './k8s.ts';

const stack = new URL('../../../examples/stack/tend.toml', import.meta.url).pathname;

// the exported documents are read as loose JSON here: each assertion names the field it needs
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML of another system's schema
type Obj = Record<string, any>;

test('k8s: Deployments, a Service per probed port, init containers for the migration and the db, Jobs and CronJobs', async () => {
  const out = await exportConfig('k8s', stack, { image: 'reg/stack:1' });
  const docs = parseAllDocuments(out.files[0]?.text ?? '')
    .map((d) => d.toJS() as Obj)
    .filter(Boolean);
  const find = (kind: string, name: string) => docs.find((d) => d.kind === kind && d.metadata.name === name);
  const api = find('Deployment', 'api');
  const pod = api?.spec.template.spec;
  assert.deepEqual(
    pod.initContainers.map((c: Obj) => c.name),
    ['wait-for-db', 'run-migrate', 'pre-start-announce'],
  );
  assert.match(pod.initContainers[0].command[2], /nc -z db 5439/);
  assert.equal(pod.containers[0].image, 'reg/stack:1');
  assert.deepEqual(pod.containers[0].readinessProbe.httpGet, { path: '/', port: 8090 });
  assert.equal(pod.containers[0].livenessProbe.failureThreshold, 3);
  assert.equal(find('Deployment', 'worker')?.spec.replicas, 2);
  const db = find('Deployment', 'db')?.spec.template.spec;
  assert.equal(db.terminationGracePeriodSeconds, 5);
  assert.equal(db.containers[0].resources.limits.memory, '256M');
  assert.match(db.containers[0].lifecycle.preStop.exec.command[2], /kill -s INT 1/);
  assert.equal(find('Deployment', 'db')?.metadata.labels['tend.group/backend'], 'true');
  assert.ok(find('Service', 'db') && find('Service', 'api'));
  assert.equal(find('Job', 'migrate'), undefined, 'the migration runs as init containers');
  const report = find('Job', 'report');
  assert.equal(report?.spec.completionMode, 'Indexed');
  assert.equal(report?.spec.suspend, true);
  assert.equal(report?.spec.template.spec.containers[0].env[0].name, 'TEND_JOB_INDEX');
  const cron = find('CronJob', 'cleanup');
  assert.deepEqual(
    [cron?.spec.schedule, cron?.spec.timeZone, cron?.spec.concurrencyPolicy],
    ['*/15 * * * *', 'Europe/Berlin', 'Forbid'],
  );
  assert.ok(out.unmapped.some((u) => u.startsWith('services.worker.wants')));
  assert.match(out.files[0]?.text ?? '', /^# Not mapped \(no counterpart here\):\n# {3}- /m);
});

test('k8s schedules: 5 fields and @hourly as they are, a zero seconds field dropped, @every when it divides', () => {
  assert.equal(kubeSchedule('*/5 * * * *'), '*/5 * * * *');
  assert.equal(kubeSchedule('@hourly'), '@hourly');
  assert.equal(kubeSchedule('0 30 2 * * *'), '30 2 * * *');
  assert.equal(kubeSchedule('@every 15m'), '*/15 * * * *');
  assert.equal(kubeSchedule('@every 6h'), '0 */6 * * *');
  assert.equal(kubeSchedule('@every 30s'), null);
  assert.equal(kubeSchedule('15 * * * * *'), null);
});

test('systemd: Requires/After, readiness waits, backoff steps, a template for instances, a timer, group targets', async () => {
  const out = await exportConfig('systemd', stack);
  const file = (n: string) => out.files.find((f) => f.name === n)?.text ?? '';
  const api = file('stack-api.service');
  assert.match(api, /^Requires=stack-db\.service stack-migrate\.service$/m);
  assert.match(api, /^After=stack-db\.service stack-migrate\.service$/m);
  assert.match(api, /^ExecStartPre=\/bin\/sh -c "echo the API starts"$/m);
  assert.match(api, /^ExecStartPost=.*curl -fsS/m);
  assert.match(api, /^RestartSec=1s$/m);
  assert.match(api, /^RestartSteps=5$/m);
  assert.match(api, /^RestartMaxDelaySec=30s$/m);
  assert.match(file('stack-db.service'), /^ExecStartPost=\/bin\/bash -c .*\/dev\/tcp\/127\.0\.0\.1\/5439/m);
  assert.match(file('stack-db.service'), /^KillSignal=SIGINT$/m);
  assert.match(file('stack-migrate.service'), /^Type=oneshot$/m);
  assert.match(file('stack-worker@.service'), /^Environment=TEND_INSTANCE=%i$/m);
  assert.match(file('stack-worker@.service'), /^Wants=stack-api\.service$/m);
  assert.match(file('stack-cleanup.timer'), /^OnCalendar=\*-\*-\* \*:0\/15:0 Europe\/Berlin$/m);
  assert.match(file('stack-backend.target'), /^Wants=stack-db\.service stack-api\.service$/m);
  const target = file('stack.target');
  assert.match(target, /stack-worker@0\.service stack-worker@1\.service/);
  assert.match(target, /stack-cleanup\.timer/);
  assert.doesNotMatch(target, /stack-report\.service/, 'a job with autostart = false is not wanted');
});

test('compose: depends_on with Compose conditions, the readiness check as healthcheck, replicas, ports on loopback', async () => {
  const out = await exportConfig('compose', stack, { image: 'reg/stack:1' });
  const doc = parse(out.files[0]?.text ?? '') as Obj;
  const api = doc.services.api;
  assert.deepEqual(api.depends_on, {
    db: { condition: 'service_healthy' },
    migrate: { condition: 'service_completed_successfully' },
  });
  assert.deepEqual(api.ports, ['127.0.0.1:8090:8090']);
  assert.equal(doc.services.db.healthcheck.test[1], 'nc -z 127.0.0.1 5439');
  assert.equal(doc.services.db.stop_signal, 'SIGINT');
  assert.equal(doc.services.migrate.restart, 'no');
  assert.deepEqual(doc.services.worker.deploy, { replicas: 2 });
  assert.equal(doc.services.worker.depends_on, undefined);
  assert.ok(out.unmapped.some((u) => u.startsWith('services.worker.wants.api')));
  assert.deepEqual(doc.services.report.profiles, ['jobs']);
  assert.match(out.files[0]?.text ?? '', /restart: "no"/);
  assert.ok(out.unmapped.some((u) => u.startsWith('cron.cleanup')));
});
