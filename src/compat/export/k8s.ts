/**
 * Kubernetes: a Deployment per service (a oneshot becomes a Job), a Service per port a service
 * is probed on, a ConfigMap of its environment, Jobs and CronJobs with the same fields tend
 * took from Kubernetes. The config's folder is /app in the image.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import type { CronConfig, JobConfig, ServiceConfig } from '../../config/schema.ts';
import { type ExportContext, type Exported, type Exporter, headerLines } from './exporter.ts';
import {
  argvOf,
  conditionOf,
  depNames,
  dnsName,
  envOf,
  type HookConfig,
  portsOf,
  probeOf,
  seconds,
  unmappedKeys,
} from './model.ts';

type Obj = Record<string, unknown>;

/** A small image with nc and wget, for the init containers that wait for a dependency. */
export const waitImage = 'busybox:1.36';

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

function workingDir(cwd: string | undefined): string {
  if (!cwd) return '/app';
  return path.posix.isAbsolute(cwd) ? cwd : path.posix.join('/app', cwd);
}

function shell(command: string): string[] {
  return ['/bin/sh', '-c', command];
}

function hookScript(hooks: readonly HookConfig[]): string {
  return hooks.map((h) => (h.failure_mode === 'ignore' ? `(${h.command}) || true` : h.command)).join(' && ');
}

function probe(
  p: ServiceConfig['ready'] | ServiceConfig['health'],
  where: string,
  unmapped: string[],
): Obj | null {
  const parsed = probeOf(p);
  if (!p) return null;
  if (!parsed) {
    unmapped.push(`${where}: only tcp, http and exec checks exist there`);
    return null;
  }
  const check: Obj =
    parsed.kind === 'tcp'
      ? { tcpSocket: { port: parsed.port } }
      : parsed.kind === 'http'
        ? {
            httpGet: {
              path: parsed.path || '/',
              port: parsed.port,
              ...(parsed.url.startsWith('https') ? { scheme: 'HTTPS' } : {}),
            },
          }
        : { exec: { command: shell(parsed.command) } };
  if (
    parsed.kind !== 'exec' &&
    !/^(127\.0\.0\.1|localhost|\[::1\]|0\.0\.0\.0)$/.test(
      new URL(parsed.kind === 'tcp' ? `tcp://${parsed.url}` : parsed.url).hostname,
    )
  ) {
    unmapped.push(`${where}: the probe goes to the pod's own address, not to ${parsed.url}`);
  }
  const h = p as NonNullable<ServiceConfig['health']>;
  const isHealth = 'retries' in h || 'timeout' in h || 'start_period' in h || where.endsWith('health');
  const periodMs = p.interval ?? (isHealth ? 10_000 : 1000);
  return {
    ...check,
    periodSeconds: seconds(periodMs),
    ...(isHealth
      ? {
          timeoutSeconds: seconds(h.timeout ?? 2000),
          failureThreshold: h.retries ?? 3,
          initialDelaySeconds: Math.ceil((h.start_period ?? periodMs) / 1000),
        }
      : {}),
  };
}

interface Built {
  readonly objects: Obj[];
  readonly unmapped: string[];
}

function envObjects(
  name: string,
  p: { env?: Record<string, string>; env_file?: string | string[] },
  ctx: ExportContext,
  labels: Obj,
) {
  const env = envOf(p, ctx.dir);
  if (!Object.keys(env).length) return { configMap: null, envFrom: undefined };
  const cm = `${dnsName(name)}-env`;
  return {
    configMap: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: cm, labels }, data: env },
    envFrom: [{ configMapRef: { name: cm } }],
  };
}

function labelsOf(ctx: ExportContext, name: string): Record<string, string> {
  const labels: Record<string, string> = {
    'app.kubernetes.io/name': dnsName(name),
    'app.kubernetes.io/part-of': dnsName(ctx.project),
    'app.kubernetes.io/managed-by': 'tend-export',
  };
  for (const [g, group] of Object.entries(ctx.config.groups)) {
    if (group.members.includes(name)) labels[`tend.group/${dnsName(g)}`] = 'true';
  }
  return labels;
}

function securityContext(
  p: { user?: string; group?: string },
  where: string,
  unmapped: string[],
): Obj | undefined {
  const sc: Obj = {};
  if (p.user !== undefined) {
    if (/^\d+$/.test(p.user)) sc.runAsUser = Number(p.user);
    else unmapped.push(`${where}.user: runAsUser takes a numeric uid, not "${p.user}"`);
  }
  if (p.group !== undefined) {
    if (/^\d+$/.test(p.group)) sc.runAsGroup = Number(p.group);
    else unmapped.push(`${where}.group: runAsGroup takes a numeric gid, not "${p.group}"`);
  }
  return Object.keys(sc).length ? sc : undefined;
}

/** pre_start hooks and waits for dependencies run before the container, as init containers. */
function initContainers(
  name: string,
  s: ServiceConfig,
  ctx: ExportContext,
  where: string,
  unmapped: string[],
): Obj[] {
  const inits: Obj[] = [];
  for (const dep of depNames(s.requires)) {
    const target = ctx.config.services[dep];
    const condition = conditionOf(s.requires, dep);
    const check = probeOf(target?.ready) ?? probeOf(target?.health);
    if (condition.startsWith('completed') && target?.oneshot) {
      // a step that must finish first runs as an init container of each service that waits for it
      inits.push({
        name: dnsName(`run-${dep}`),
        image: ctx.image,
        command: argvOf(target),
        workingDir: workingDir(target.cwd),
        ...(Object.keys(envOf(target, ctx.dir)).length
          ? { envFrom: [{ configMapRef: { name: `${dnsName(dep)}-env` } }] }
          : {}),
      });
      if (condition === 'completed')
        unmapped.push(
          `${where}.requires.${dep}: "completed" runs it as an init container, which must succeed`,
        );
    } else if (condition.startsWith('completed')) {
      unmapped.push(
        `${where}.requires.${dep}: Kubernetes does not start a Deployment after another completes`,
      );
    } else if (check && check.kind !== 'exec' && check.port) {
      const host = dnsName(dep);
      const wait =
        check.kind === 'tcp'
          ? `until nc -z ${host} ${check.port}; do echo waiting for ${host}; sleep 1; done`
          : `until wget -q -O /dev/null http://${host}:${check.port}${check.path || '/'}; do echo waiting for ${host}; sleep 1; done`;
      inits.push({ name: `wait-for-${host}`.slice(0, 63), image: waitImage, command: shell(wait) });
    } else {
      unmapped.push(`${where}.requires.${dep}: an init container can wait only for a tcp or http check`);
    }
  }
  for (const h of s.hooks?.pre_start ?? []) {
    inits.push({
      name: dnsName(`pre-start-${h.name}`),
      image: ctx.image,
      command: shell(h.failure_mode === 'ignore' ? `(${h.command}) || true` : h.command),
      workingDir: workingDir(s.cwd),
    });
    if (h.run_mode === 'async')
      unmapped.push(`${where}.hooks.pre_start.${h.name}: init containers always finish first`);
  }
  if (name && inits.length === 0) return [];
  return inits;
}

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
    ...(s.max_memory
      ? { resources: { limits: { memory: `${Math.ceil(s.max_memory / 1024 ** 2)}Mi` } } }
      : {}),
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

function jobSpec(
  name: string,
  j: JobConfig,
  ctx: ExportContext,
  where: string,
  unmapped: string[],
  extraHooks?: CronConfig['hooks'],
): Obj {
  const labels = labelsOf(ctx, name);
  const indexed = j.completion_mode === 'Indexed';
  const env = envOf(j, ctx.dir);
  const container: Obj = {
    name: dnsName(name),
    image: ctx.image,
    command: argvOf(j),
    workingDir: workingDir(j.cwd),
    env: [
      ...Object.entries(env).map(([k, value]) => ({ name: k, value })),
      ...(indexed
        ? [
            {
              name: 'TEND_JOB_INDEX',
              valueFrom: {
                fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
              },
            },
          ]
        : []),
    ],
  };
  const hooks = { ...(j.hooks ?? {}), ...(extraHooks ?? {}) };
  const pre = [...(extraHooks?.pre_start ?? []), ...(j.hooks?.pre_start ?? [])];
  const inits = pre.map((h) => ({
    name: dnsName(`pre-start-${h.name}`),
    image: ctx.image,
    command: shell(h.command),
    workingDir: workingDir(j.cwd),
  }));
  for (const phase of ['post_start', 'pre_stop', 'post_stop'] as const) {
    if (hooks[phase]?.length) unmapped.push(`${where}.hooks.${phase}: a Job's pod has no such hook`);
  }
  if (j.backoff_delay !== undefined)
    unmapped.push(`${where}.backoff_delay: the Job controller's delay is fixed (10s doubling)`);
  return {
    ...(j.parallelism !== undefined ? { parallelism: j.parallelism } : {}),
    ...(j.completions !== undefined ? { completions: j.completions } : {}),
    ...(j.completion_mode ? { completionMode: j.completion_mode } : {}),
    ...(j.backoff_limit !== undefined ? { backoffLimit: j.backoff_limit } : {}),
    ...(j.active_deadline_seconds !== undefined
      ? { activeDeadlineSeconds: Math.ceil(j.active_deadline_seconds) }
      : {}),
    ...(j.ttl_seconds_after_finished !== undefined
      ? { ttlSecondsAfterFinished: Math.ceil(j.ttl_seconds_after_finished) }
      : {}),
    template: {
      metadata: { labels },
      spec: {
        restartPolicy: j.restart_policy ?? 'Never',
        ...(inits.length ? { initContainers: inits } : {}),
        containers: [container],
        ...(j.stop_timeout !== undefined
          ? { terminationGracePeriodSeconds: Math.ceil(j.stop_timeout / 1000) }
          : {}),
      },
    },
  };
}

/** Kubernetes takes 5-field schedules and @hourly…; tend's seconds and "@every" map when they can. */
export function kubeSchedule(schedule: string): string | null {
  const s = schedule.trim();
  if (/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(s)) return s;
  const every = /^@every\s+(\d+)(m|h)$/.exec(s);
  if (every) {
    const n = Number(every[1]);
    if (every[2] === 'm' && n > 0 && 60 % n === 0) return n === 1 ? '* * * * *' : `*/${n} * * * *`;
    if (every[2] === 'h' && n > 0 && 24 % n === 0) return n === 1 ? '0 * * * *' : `0 */${n} * * *`;
    return null;
  }
  const fields = s.split(/\s+/);
  if (fields.length === 5) return s;
  if (fields.length === 6 && fields[0] === '0') return fields.slice(1).join(' ');
  return null;
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
