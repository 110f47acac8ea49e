/** The Kubernetes export of tend's jobs and cron jobs: a Job spec, and the schedule forms a CronJob takes. */
import type { CronConfig, JobConfig } from '../../config/schema.ts';
import type { ExportContext } from './exporter.ts';
import { labelsOf, type Obj, shell, workingDir } from './k8s-pod.ts';
import { argvOf, dnsName, envOf } from './model.ts';

export function jobSpec(
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
