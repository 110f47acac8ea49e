/**
 * Kubernetes: a Deployment per service (a oneshot becomes a Job), a Service per port a service
 * is probed on, a ConfigMap of its environment, Jobs and CronJobs with the same fields tend
 * took from Kubernetes. The config's folder is /app in the image.
 */
import { stringify } from 'yaml';
import type { ServiceConfig } from '../../config/schema.ts';
import { type ExportContext, type Exported, type Exporter, headerLines } from './exporter.ts';
import { jobSpec, kubeSchedule } from './k8s-jobs.ts';
import {
  type Built,
  envObjects,
  hookScript,
  initContainers,
  labelsOf,
  type Obj,
  probe,
  securityContext,
  shell,
  workingDir,
} from './k8s-pod.ts';
import { argvOf, conditionOf, depNames, dnsName, portsOf, unmappedKeys } from './model.ts';

export { kubeSchedule } from './k8s-jobs.ts';

const serviceMapped = new Set([
  'command',
  'args',
  'cwd',
  'env',
  'env_file',
  'instances',
  'ready',
  'health',
  'stop_timeout',
  'stop_signal',
  'max_memory',
  'hooks',
  'requires',
  'user',
  'group',
  'autostart',
  'oneshot',
  'restart',
]);
const serviceWhy: Record<string, string> = {
  wants: 'Kubernetes starts every Deployment at once',
  after: 'Kubernetes has no start order between Deployments',
  conflicts: 'Kubernetes runs every Deployment',
  watch: 'a pod restarts on a new image, not on file changes',
  cron_restart: 'no scheduled restarts of a Deployment (kubectl rollout restart from a CronJob would do)',
  logs: 'the cluster collects container output',
  restart_delay: 'the kubelet backs off on its own (10s doubling to 5m)',
  backoff: 'the kubelet backs off on its own (10s doubling to 5m)',
  max_restarts: 'a Deployment restarts without limit',
  restart_window: 'a Deployment restarts without limit',
  success_exit_codes: 'a Deployment restarts every exit',
  start_seconds: 'use a readiness probe',
  start_timeout: 'a startupProbe would need a check',
  critical: 'no equivalent',
  class: 'no equivalent',
  controller: "tend's event stream does not exist there",
  max_memory_check: 'the kernel enforces the memory limit',
};

function serviceObjects(name: string, s: ServiceConfig, ctx: ExportContext): Built {
  const where = `services.${name}`;
  const unmapped = unmappedKeys(where, s as Obj, serviceMapped, serviceWhy);
  const labels = labelsOf(ctx, name);
  const { configMap, envFrom } = envObjects(name, s, ctx, labels);
  const container: Obj = {
    name: dnsName(name),
    image: ctx.image,
    command: argvOf(s),
    workingDir: workingDir(s.cwd),
    ...(envFrom ? { envFrom } : {}),
    ...(s.max_memory ? { resources: { limits: { memory: memoryQuantity(s.max_memory) } } } : {}),
  };
  const ready = probe(s.ready, `${where}.ready`, unmapped);
  if (ready) container.readinessProbe = ready;
  const live = probe(s.health, `${where}.health`, unmapped);
  if (live) container.livenessProbe = live;
  const ports = portsOf(s);
  if (ports.length) container.ports = ports.map((p) => ({ containerPort: p }));
  const lifecycle: Obj = {};
  if (s.hooks?.post_start?.length)
    lifecycle.postStart = { exec: { command: shell(hookScript(s.hooks.post_start)) } };
  const preStop = [
    ...(s.hooks?.pre_stop?.length ? [hookScript(s.hooks.pre_stop)] : []),
    // the kubelet sends SIGTERM; a service that stops on another signal gets it first, here
    ...(s.stop_signal && s.stop_signal !== 'SIGTERM'
      ? [`kill -s ${s.stop_signal.replace(/^SIG/, '')} 1`]
      : []),
  ];
  if (preStop.length) lifecycle.preStop = { exec: { command: shell(preStop.join('; ')) } };
  if (Object.keys(lifecycle).length) container.lifecycle = lifecycle;
  if (s.hooks?.post_stop?.length)
    unmapped.push(`${where}.hooks.post_stop: nothing runs after a container ends`);
  const sc = securityContext(s, where, unmapped);
  if (sc) container.securityContext = sc;
  const podSpec: Obj = {
    containers: [container],
    ...(s.stop_timeout !== undefined
      ? { terminationGracePeriodSeconds: Math.ceil(s.stop_timeout / 1000) }
      : {}),
  };
  const inits = initContainers(name, s, ctx, where, unmapped);
  if (inits.length) podSpec.initContainers = inits;
  const objects: Obj[] = configMap ? [configMap] : [];
  const meta = {
    name: dnsName(name),
    labels,
    ...(s.description ? { annotations: { 'tend/description': s.description } } : {}),
  };
  const awaited = Object.values(ctx.config.services).some(
    (other) =>
      depNames(other.requires).includes(name) && conditionOf(other.requires, name).startsWith('completed'),
  );
  if (s.oneshot && awaited) {
    // it runs as an init container of the services that wait for it (see initContainers)
  } else if (s.oneshot) {
    objects.push({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta,
      spec: {
        backoffLimit: 0,
        template: { metadata: { labels }, spec: { ...podSpec, restartPolicy: 'Never' } },
      },
    });
  } else {
    if (s.restart && s.restart !== 'always')
      unmapped.push(`${where}.restart: a Deployment restarts its pods on every exit ("${s.restart}" here)`);
    if (s.autostart === false) unmapped.push(`${where}.autostart: false became replicas = 0`);
    objects.push({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta,
      spec: {
        replicas: s.autostart === false ? 0 : (s.instances ?? 1),
        selector: {
          matchLabels: {
            'app.kubernetes.io/name': dnsName(name),
            'app.kubernetes.io/part-of': dnsName(ctx.project),
          },
        },
        template: { metadata: { labels }, spec: podSpec },
      },
    });
  }
  if (ports.length) {
    objects.push({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: dnsName(name), labels },
      spec: {
        selector: {
          'app.kubernetes.io/name': dnsName(name),
          'app.kubernetes.io/part-of': dnsName(ctx.project),
        },
        ports: ports.map((p) => ({ name: `port-${p}`, port: p, targetPort: p })),
      },
    });
  }
  return { objects, unmapped };
}

export const k8s: Exporter = {
  target: 'k8s',
  run(ctx) {
    const objects: Obj[] = [];
    const unmapped: string[] = [];
    for (const [name, s] of Object.entries(ctx.config.services)) {
      const b = serviceObjects(name, s, ctx);
      objects.push(...b.objects);
      unmapped.push(...b.unmapped);
    }
    for (const [name, j] of Object.entries(ctx.config.jobs)) {
      const where = `jobs.${name}`;
      const spec = jobSpec(name, j, ctx, where, unmapped);
      if (j.autostart === false) spec.suspend = true;
      for (const k of ['stop_signal'] as const)
        if (j[k] && j[k] !== 'SIGTERM') unmapped.push(`${where}.${k}: a Job's pod is stopped with SIGTERM`);
      objects.push({
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: dnsName(name), labels: labelsOf(ctx, name) },
        spec,
      });
    }
    for (const [name, c] of Object.entries(ctx.config.cron)) {
      const where = `cron.${name}`;
      const schedule = kubeSchedule(c.schedule);
      if (!schedule) {
        unmapped.push(
          `${where}: schedule "${c.schedule}" has no Kubernetes form (5 fields, @hourly…); no CronJob written`,
        );
        continue;
      }
      objects.push({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: dnsName(name), labels: labelsOf(ctx, name) },
        spec: {
          schedule,
          ...(c.time_zone ? { timeZone: c.time_zone } : {}),
          ...(c.concurrency_policy ? { concurrencyPolicy: c.concurrency_policy } : {}),
          ...(c.suspend !== undefined ? { suspend: c.suspend } : {}),
          ...(c.successful_jobs_history_limit !== undefined
            ? { successfulJobsHistoryLimit: c.successful_jobs_history_limit }
            : {}),
          ...(c.failed_jobs_history_limit !== undefined
            ? { failedJobsHistoryLimit: c.failed_jobs_history_limit }
            : {}),
          ...(c.starting_deadline_seconds !== undefined
            ? { startingDeadlineSeconds: Math.ceil(c.starting_deadline_seconds) }
            : {}),
          jobTemplate: {
            spec: jobSpec(name, c.job_template, ctx, `${where}.job_template`, unmapped, c.hooks),
          },
        },
      });
    }
    if (ctx.config.server?.http)
      unmapped.push(
        "server.http: tend's HTTP API does not exist there; kubectl and the API server take its place",
      );
    const head = headerLines('k8s', ctx, unmapped)
      .map((l) => `# ${l}`)
      .join('\n');
    const docs = objects.map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false }).trimEnd());
    return {
      files: [{ name: 'kubernetes.yaml', text: `${head}\n---\n${docs.join('\n---\n')}\n` }],
      unmapped,
    } satisfies Exported;
  },
};

/** A Kubernetes quantity that says the same number: "256M" for 256MB, "1Gi" for 1GiB, else bytes. */
function memoryQuantity(bytes: number): string {
  for (const [unit, size] of [
    ['Gi', 1024 ** 3],
    ['Mi', 1024 ** 2],
    ['G', 1e9],
    ['M', 1e6],
    ['Ki', 1024],
    ['k', 1e3],
  ] as const)
    if (bytes % size === 0) return `${bytes / size}${unit}`;
  return String(bytes);
}
