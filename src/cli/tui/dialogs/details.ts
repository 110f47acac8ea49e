/**
 * `enter`: what tend knows of the selected row, read when the page opens: a service's command,
 * env, restart policy, dependencies with `why`, health and last exits; a job run's or a cron
 * job's counts and times.
 */
import type { Client } from '../../../client/client.ts';
import type { ServiceView, SpecView, WhyView } from '../../../protocol/methods.ts';
import { formatDuration } from '../../output/format.ts';
import type { Target } from '../rows.ts';
import type { Line, Tint } from '../theme.ts';
import type { ExitRecord, ViewModel } from '../view-model.ts';

const label = (name: string, text: string, tint?: Tint): Line => ({
  text: `${name.padEnd(11)}${text}`,
  tint,
});
const more = (text: string, tint?: Tint): Line => ({ text: `${' '.repeat(11)}${text}`, tint });
const clock = (at: number) => new Date(at).toLocaleTimeString('en-GB');
const exitText = (e: ExitRecord | ServiceView['last_exit']) =>
  e ? `${e.signal ?? `code ${e.code}`} at ${clock(e.at)}` : '-';
const verdictTint: Record<string, Tint> = { met: 'green', waiting: 'yellow', failed: 'red' };
const marks: Record<string, string> = { met: 'ok', waiting: '..', failed: '!!' };

export function serviceLines(
  v: ServiceView,
  spec: SpecView | null,
  why: WhyView | null,
  exits: readonly ExitRecord[],
  now: number,
): Line[] {
  const lines: Line[] = [
    label(
      'state',
      `${v.state} since ${clock(v.since)} (${formatDuration(now - v.since)})${v.reason ? `: ${v.reason}` : ''}`,
    ),
    label('pid', v.pid === null ? '-' : String(v.pid)),
    label('command', v.command || spec?.command || '-'),
  ];
  if (spec) {
    if (spec.argv.join(' ') !== spec.command) lines.push(label('argv', JSON.stringify(spec.argv)));
    lines.push(label('cwd', spec.cwd ?? "tend's own"));
    if (spec.user) lines.push(label('user', `${spec.user}${spec.group ? `:${spec.group}` : ''}`));
    lines.push(
      label(
        'policy',
        `class ${spec.class}${spec.critical ? ' (critical)' : ''} · restart ${spec.restart}${spec.max_restarts === null ? '' : ` (at most ${spec.max_restarts})`} · ${spec.instances} instance${spec.instances === 1 ? '' : 's'} · stop ${spec.stop_signal} then SIGKILL after ${formatDuration(spec.stop_timeout_ms)}`,
      ),
    );
    lines.push(label('checks', `readiness ${spec.ready ?? 'none'} · health ${spec.health ?? 'none'}`));
    const env = Object.entries(spec.env);
    if (env.length === 0) lines.push(label('env', 'nothing added'));
    for (const [i, [k, val]] of env.entries())
      lines.push(i === 0 ? label('env', `${k}=${val}`) : more(`${k}=${val}`));
    const deps = [
      ...Object.entries(spec.requires).map(([d, c]) => `requires ${d} (${c})`),
      ...Object.entries(spec.wants).map(([d, c]) => `wants ${d} (${c})`),
      ...spec.after.map((d) => `after ${d}`),
      ...spec.conflicts.map((d) => `conflicts ${d}`),
    ];
    lines.push(label('depends', deps.length ? deps.join(', ') : 'on nothing'));
  }
  if (why?.dependencies.length) {
    for (const [i, d] of why.dependencies.entries()) {
      const text = `${marks[d.verdict] ?? '  '} ${d.detail}`;
      lines.push(i === 0 ? label('why', text, verdictTint[d.verdict]) : more(text, verdictTint[d.verdict]));
    }
  }
  if (v.health) {
    lines.push(
      label(
        'health',
        `${v.health.ok ? 'healthy' : 'unhealthy'}: ${v.health.detail} (${v.health.passes} passes, ${v.health.failures} failures)`,
        v.health.ok ? 'green' : 'red',
      ),
    );
  }
  lines.push(label('restarts', String(v.restarts)));
  lines.push(label('last exit', exitText(v.last_exit)));
  if (exits.length) lines.push(label('exits seen', exits.map(exitText).join(', ')));
  return lines;
}

export async function loadDetails(
  client: Client,
  target: Target,
  model: ViewModel,
  now: number,
): Promise<{ title: string; lines: Line[] }> {
  if (target.kind === 'job') {
    const run = (await client.job.status({ name: target.name })).find((r) => r.name === target.name);
    if (!run) return { title: `job run ${target.name}`, lines: [{ text: 'gone' }] };
    return {
      title: `job run ${run.name}`,
      lines: [
        label('job', run.job + (run.cron ? ` (cron job ${run.cron})` : '')),
        label('phase', `${run.phase}${run.reason ? `: ${run.reason}` : ''}`),
        label('command', run.command),
        label(
          'pods',
          `${run.active} active, ${run.succeeded} succeeded, ${run.failed} failed of ${run.completions} (parallelism ${run.parallelism})`,
        ),
        label('started', run.start_time === null ? '-' : clock(run.start_time)),
        label('finished', run.completion_time === null ? '-' : clock(run.completion_time)),
      ],
    };
  }
  if (target.kind === 'cron') {
    const c = (await client.cron.list()).find((x) => x.name === target.name);
    if (!c) return { title: `cron job ${target.name}`, lines: [{ text: 'gone' }] };
    return {
      title: `cron job ${c.name}`,
      lines: [
        label(
          'schedule',
          `${c.schedule}${c.time_zone ? ` (${c.time_zone})` : ''} · ${c.concurrency_policy}${c.suspended ? ' · suspended' : ''}`,
        ),
        label('last run', c.last_schedule_time === null ? '-' : clock(c.last_schedule_time)),
        label(
          'next run',
          c.next_schedule_time === null
            ? '-'
            : `${clock(c.next_schedule_time)} (in ${formatDuration(c.next_schedule_time - now)})`,
        ),
        label('runs', `${c.runs} (${c.successes} succeeded, ${c.failures} failed, ${c.skipped} skipped)`),
        label('active', c.active.length ? c.active.join(', ') : 'none'),
        label('last took', c.last_duration_ms === null ? '-' : formatDuration(c.last_duration_ms)),
      ],
    };
  }
  const name = target.name;
  // describe is newer than the rest of the protocol: an older tend answers without it
  const [status, specs, why] = await Promise.all([
    client.service.status({ name }),
    client.service.describe({ name }).catch(() => []),
    client.service.why({ name }).catch(() => []),
  ]);
  const view = status.find((s) => s.name === name) ?? status[0];
  if (!view) return { title: name, lines: [{ text: 'gone' }] };
  return {
    title: `${view.name}${view.class === 'system' ? ' (system)' : ''}`,
    lines: serviceLines(
      view,
      specs[0] ?? null,
      why.find((w) => w.name === view.name) ?? null,
      model.exits.get(name) ?? [],
      now,
    ),
  };
}
