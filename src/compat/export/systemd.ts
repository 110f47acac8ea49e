/**
 * systemd: a .service per service (a template unit when it has instances), a .service and a
 * .timer per cron job, a .service per job, a .target per group and one for the whole config.
 * A readiness check becomes a wait in ExecStartPost=, so After= dependents start once it passes.
 */
import path from 'node:path';
import type { CronConfig, JobConfig } from '../../config/schema.ts';
import { type ExportContext, type ExportedFile, type Exporter, headerLines } from './exporter.ts';
import { commandLine, envLines, execArgv, hookLines, readinessWait, secs } from './systemd-lines.ts';
import { timerOf } from './systemd-timer.ts';

export { unitWord } from './systemd-lines.ts';
export { timerOf } from './systemd-timer.ts';

import { argvOf, conditionOf, depNames, dnsName, unmappedKeys } from './model.ts';

const serviceMapped = new Set([
  'command',
  'args',
  'cwd',
  'env',
  'env_file',
  'user',
  'group',
  'instances',
  'autostart',
  'restart',
  'restart_delay',
  'backoff',
  'max_restarts',
  'restart_window',
  'success_exit_codes',
  'stop_signal',
  'stop_timeout',
  'oneshot',
  'requires',
  'wants',
  'after',
  'conflicts',
  'ready',
  'start_timeout',
  'hooks',
  'max_memory',
]);
const serviceWhy: Record<string, string> = {
  health: 'systemd has no liveness checks (WatchdogSec= needs sd_notify)',
  logs: 'the journal keeps the output (journalctl -u UNIT)',
  watch: 'a .path unit could restart it; not generated',
  cron_restart: 'a timer could restart it; not generated',
  start_seconds: 'no equivalent: the unit is started once ExecStartPost= finishes',
  critical: 'no equivalent',
  class: 'no equivalent',
  controller: "tend's event stream does not exist there",
  max_memory_check: 'the kernel enforces MemoryMax= at once',
};

interface Unit {
  readonly name: string;
  readonly sections: Record<string, string[]>;
}

function render(u: Unit, header: string[]): ExportedFile {
  const body = Object.entries(u.sections)
    .filter(([, lines]) => lines.length)
    .map(([section, lines]) => `[${section}]\n${lines.join('\n')}`)
    .join('\n\n');
  return { name: u.name, text: `${header.map((l) => `# ${l}`).join('\n')}\n${body}\n` };
}
export const systemd: Exporter = {
  target: 'systemd',
  run(ctx) {
    const project = dnsName(ctx.project);
    const unitOf = (name: string) => {
      const s = ctx.config.services[name];
      const base = `${project}-${dnsName(name)}`;
      const n = s?.instances ?? 1;
      return n > 1 ? Array.from({ length: n }, (_, i) => `${base}@${i}.service`) : [`${base}.service`];
    };
    const units: Unit[] = [];
    const unmapped: string[] = [];
    const wanted: string[] = [];
    for (const [name, s] of Object.entries(ctx.config.services)) {
      const where = `services.${name}`;
      unmapped.push(...unmappedKeys(where, s as Record<string, unknown>, serviceMapped, serviceWhy));
      const n = s.instances ?? 1;
      const file = n > 1 ? `${project}-${dnsName(name)}@.service` : `${project}-${dnsName(name)}.service`;
      const requires = depNames(s.requires).flatMap(unitOf);
      const wants = depNames(s.wants).flatMap(unitOf);
      const unit = [
        `Description=${s.description ?? name}${n > 1 ? ' (instance %i)' : ''}`,
        `PartOf=${project}.target`,
        ...(requires.length ? [`Requires=${requires.join(' ')}`] : []),
        ...(wants.length ? [`Wants=${wants.join(' ')}`] : []),
        ...(requires.length || wants.length || s.after?.length
          ? [`After=${[...requires, ...wants, ...(s.after ?? []).flatMap(unitOf)].join(' ')}`]
          : []),
        ...(s.conflicts?.length ? [`Conflicts=${s.conflicts.flatMap(unitOf).join(' ')}`] : []),
        ...(s.max_restarts !== undefined ? [`StartLimitBurst=${s.max_restarts}`] : []),
        ...(s.restart_window !== undefined ? [`StartLimitIntervalSec=${secs(s.restart_window)}`] : []),
      ];
      for (const dep of depNames(s.requires)) {
        if (conditionOf(s.requires, dep) === 'completed')
          unmapped.push(`${where}.requires.${dep}: "completed" became Requires=, which needs it to succeed`);
      }
      const restart = s.oneshot
        ? 'no'
        : ({ always: 'always', 'on-failure': 'on-failure', never: 'no' } as const)[s.restart ?? 'on-failure'];
      const service = [
        `Type=${s.oneshot ? 'oneshot' : 'exec'}`,
        ...(s.oneshot ? ['RemainAfterExit=yes'] : []),
        `WorkingDirectory=${path.resolve(ctx.dir, s.cwd ?? '.')}`,
        ...envLines(s, ctx, where, unmapped),
        ...(n > 1 ? ['Environment=TEND_INSTANCE=%i'] : []),
        ...(s.user ? [`User=${s.user}`] : []),
        ...(s.group ? [`Group=${s.group}`] : []),
        ...hookLines('ExecStartPre', s.hooks?.pre_start, `${where}.hooks.pre_start`, unmapped),
        `ExecStart=${commandLine(execArgv(argvOf(s), path.resolve(ctx.dir, s.cwd ?? '.')))}`,
      ];
      const wait = readinessWait(s.ready);
      if (wait) service.push(`ExecStartPost=${wait}`);
      else if (s.ready)
        unmapped.push(`${where}.ready: systemd waits only for tcp, http and exec checks here`);
      service.push(...hookLines('ExecStartPost', s.hooks?.post_start, `${where}.hooks.post_start`, unmapped));
      service.push(...hookLines('ExecStop', s.hooks?.pre_stop, `${where}.hooks.pre_stop`, unmapped));
      service.push(...hookLines('ExecStopPost', s.hooks?.post_stop, `${where}.hooks.post_stop`, unmapped));
      service.push(`Restart=${restart}`);
      if (restart !== 'no') {
        service.push(`RestartSec=${secs(s.restart_delay ?? 100)}`);
        if (s.backoff !== false) {
          const first = s.restart_delay ?? 100;
          const max = s.backoff?.max ?? 30_000;
          const factor = s.backoff?.factor ?? 2;
          // systemd grows the delay from RestartSec= to RestartMaxDelaySec= in RestartSteps= steps
          const steps =
            factor > 1 && max > first ? Math.max(1, Math.ceil(Math.log(max / first) / Math.log(factor))) : 1;
          service.push(`RestartSteps=${steps}`, `RestartMaxDelaySec=${secs(max)}`);
        }
      }
      const success = (s.success_exit_codes ?? []).filter((c) => c !== 0);
      if (success.length) service.push(`SuccessExitStatus=${success.join(' ')}`);
      if (s.start_timeout !== undefined) service.push(`TimeoutStartSec=${secs(s.start_timeout)}`);
      service.push(`TimeoutStopSec=${secs(s.stop_timeout ?? 10_000)}`);
      if (s.stop_signal) service.push(`KillSignal=${s.stop_signal}`);
      // like tend, the stop signal and the final SIGKILL reach the whole group, not just the main process
      service.push('KillMode=control-group');
      if (s.max_memory) {
        service.push(`MemoryMax=${s.max_memory}`);
        unmapped.push(
          `${where}.max_memory: MemoryMax= has the kernel kill it (then Restart= applies), tend restarts it gracefully`,
        );
      }
      units.push({
        name: file,
        sections: { Unit: unit, Service: service, Install: [`WantedBy=${project}.target`] },
      });
      if (s.autostart !== false) wanted.push(...unitOf(name));
      else unmapped.push(`${where}.autostart: false: left out of ${project}.target`);
    }
    for (const [name, j] of Object.entries(ctx.config.jobs)) {
      const where = `jobs.${name}`;
      units.push(jobUnit(`${project}-${dnsName(name)}.service`, name, j, ctx, where, unmapped, project));
      if (j.autostart !== false) wanted.push(`${project}-${dnsName(name)}.service`);
    }
    for (const [name, c] of Object.entries(ctx.config.cron)) {
      const where = `cron.${name}`;
      const base = `${project}-${dnsName(name)}`;
      const timer = timerOf(c, where, unmapped);
      if (!timer) continue;
      units.push(
        jobUnit(
          `${base}.service`,
          name,
          c.job_template,
          ctx,
          `${where}.job_template`,
          unmapped,
          project,
          c.hooks,
        ),
      );
      units.push({
        name: `${base}.timer`,
        sections: {
          Unit: [`Description=${c.description ?? `${name} on "${c.schedule}"`}`, `PartOf=${project}.target`],
          Timer: timer,
          Install: [`WantedBy=${project}.target`],
        },
      });
      if (!c.suspend) wanted.push(`${base}.timer`);
      for (const k of [
        'concurrency_policy',
        'starting_deadline_seconds',
        'successful_jobs_history_limit',
        'failed_jobs_history_limit',
      ] as const) {
        if (c[k] !== undefined && !(k === 'concurrency_policy' && c[k] === 'Forbid'))
          unmapped.push(
            `${where}.${k}: a timer never starts a unit that still runs (Forbid); no history is kept`,
          );
      }
    }
    for (const [name, g] of Object.entries(ctx.config.groups)) {
      units.push({
        name: `${project}-${dnsName(name)}.target`,
        sections: {
          Unit: [
            `Description=${g.description ?? `the ${name} group`}`,
            `Wants=${g.members.flatMap(unitOf).join(' ')}`,
            `After=${g.members.flatMap(unitOf).join(' ')}`,
          ],
        },
      });
    }
    if (ctx.config.server?.http)
      unmapped.push("server.http: tend's HTTP API does not exist there; systemctl takes its place");
    units.push({
      name: `${project}.target`,
      sections: {
        Unit: [
          `Description=${ctx.project}: every service of ${path.basename(ctx.file)}`,
          ...(wanted.length ? [`Wants=${wanted.join(' ')}`] : []),
        ],
        Install: ['WantedBy=multi-user.target'],
      },
    });
    const header = headerLines('systemd', ctx, unmapped);
    return { files: units.map((u) => render(u, header)), unmapped };
  },
};

function jobUnit(
  file: string,
  name: string,
  j: JobConfig,
  ctx: ExportContext,
  where: string,
  unmapped: string[],
  project: string,
  extraHooks?: CronConfig['hooks'],
): Unit {
  if ((j.parallelism ?? 1) > 1 || (j.completions ?? 1) > 1)
    unmapped.push(`${where}: parallelism and completions above 1: the unit runs one process`);
  if (j.ttl_seconds_after_finished !== undefined)
    unmapped.push(`${where}.ttl_seconds_after_finished: the journal keeps the runs`);
  const service = [
    'Type=oneshot',
    `WorkingDirectory=${path.resolve(ctx.dir, j.cwd ?? '.')}`,
    ...envLines(j, ctx, where, unmapped),
    ...(j.completion_mode === 'Indexed' ? ['Environment=TEND_JOB_INDEX=0'] : []),
    ...hookLines(
      'ExecStartPre',
      [...(extraHooks?.pre_start ?? []), ...(j.hooks?.pre_start ?? [])],
      `${where}.hooks.pre_start`,
      unmapped,
    ),
    `ExecStart=${commandLine(execArgv(argvOf(j), path.resolve(ctx.dir, j.cwd ?? '.')))}`,
    ...hookLines(
      'ExecStopPost',
      [...(extraHooks?.post_stop ?? []), ...(j.hooks?.post_stop ?? [])],
      `${where}.hooks.post_stop`,
      unmapped,
    ),
    ...(j.restart_policy === 'OnFailure'
      ? ['Restart=on-failure', `RestartSec=${secs(j.backoff_delay ?? 1000)}`]
      : []),
    // a oneshot unit runs in its start phase: its deadline is the start timeout
    ...(j.active_deadline_seconds !== undefined
      ? [`TimeoutStartSec=${Math.ceil(j.active_deadline_seconds)}`]
      : []),
    `TimeoutStopSec=${secs(j.stop_timeout ?? 10_000)}`,
    ...(j.stop_signal ? [`KillSignal=${j.stop_signal}`] : []),
    'KillMode=control-group',
  ];
  const unit = [
    `Description=${j.description ?? name}`,
    `PartOf=${project}.target`,
    ...(j.backoff_limit !== undefined && j.restart_policy === 'OnFailure'
      ? [`StartLimitBurst=${j.backoff_limit + 1}`]
      : []),
  ];
  if (j.backoff_limit !== undefined && j.restart_policy !== 'OnFailure')
    unmapped.push(`${where}.backoff_limit: a failed run is not retried with restart_policy "Never"`);
  for (const phase of ['post_start', 'pre_stop'] as const) {
    if (j.hooks?.[phase]?.length || extraHooks?.[phase]?.length)
      unmapped.push(`${where}.hooks.${phase}: not for a oneshot unit`);
  }
  return { name: file, sections: { Unit: unit, Service: service } };
}
