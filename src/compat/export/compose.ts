/**
 * Compose (compose.yaml) for a containerised dev stack: each service and job a container of
 * one image with the project folder mounted at /app, depends_on with Compose's conditions, a
 * healthcheck from the readiness check (what service_healthy waits for), and ports published
 * on loopback.
 */
import path from 'node:path';
import { stringify } from 'yaml';
import type { JobConfig, ServiceConfig } from '../../config/schema.ts';
import { type ExportContext, type Exporter, headerLines } from './exporter.ts';
import { argvOf, conditionOf, depNames, dnsName, envOf, portsOf, probeOf, unmappedKeys } from './model.ts';

type Obj = Record<string, unknown>;

const serviceMapped = new Set([
  'command',
  'args',
  'cwd',
  'env',
  'env_file',
  'instances',
  'restart',
  'max_restarts',
  'oneshot',
  'requires',
  'wants',
  'ready',
  'health',
  'stop_signal',
  'stop_timeout',
  'user',
  'group',
  'max_memory',
  'autostart',
]);
const serviceWhy: Record<string, string> = {
  after: 'Compose orders only by depends_on',
  conflicts: 'Compose runs every service',
  hooks: 'no lifecycle hooks in this Compose schema',
  restart_delay: 'the engine picks the delay',
  backoff: 'the engine picks the delay',
  restart_window: 'no window for restart counts',
  success_exit_codes: 'only exit code 0 is a success',
  watch: 'Compose watch (develop.watch) is not generated',
  cron_restart: 'no scheduled restarts',
  logs: 'the engine keeps the output (docker compose logs)',
  start_seconds: 'the healthcheck decides',
  start_timeout: 'the healthcheck decides',
  critical: 'no equivalent',
  class: 'no equivalent',
  controller: "tend's event stream does not exist there",
  max_memory_check: 'the kernel enforces mem_limit at once',
};

const dur = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);

function workingDir(cwd: string | undefined): string {
  if (!cwd) return '/app';
  return path.posix.isAbsolute(cwd) ? cwd : path.posix.join('/app', cwd);
}

/** A readiness (or liveness) check as a Compose healthcheck, run inside the container. */
function healthcheck(s: ServiceConfig): Obj | null {
  const check = s.ready ?? s.health;
  const p = probeOf(check);
  if (!p || !check) return null;
  const test =
    p.kind === 'exec'
      ? ['CMD-SHELL', p.command]
      : p.kind === 'http'
        ? ['CMD-SHELL', `curl -fsS -o /dev/null '${p.url}' || wget -q -O /dev/null '${p.url}'`]
        : ['CMD-SHELL', `nc -z ${p.url.slice(0, p.url.lastIndexOf(':')).replace(/^\[|\]$/g, '')} ${p.port}`];
  const h = s.health;
  return {
    test,
    interval: dur(check.interval ?? (s.ready ? 1000 : 10_000)),
    ...(h?.timeout !== undefined ? { timeout: dur(h.timeout) } : {}),
    ...(h?.retries !== undefined ? { retries: h.retries } : {}),
    ...(h?.start_period !== undefined ? { start_period: dur(h.start_period) } : {}),
  };
}

function base(
  p: {
    command?: string;
    args?: string[];
    cwd?: string;
    env?: Record<string, string>;
    env_file?: string | string[];
  },
  ctx: ExportContext,
): Obj {
  const env = envOf({ env: p.env }, ctx.dir);
  const files = p.env_file === undefined ? [] : Array.isArray(p.env_file) ? p.env_file : [p.env_file];
  return {
    image: ctx.image,
    command: argvOf(p),
    working_dir: workingDir(p.cwd),
    volumes: ['.:/app'],
    ...(Object.keys(env).length ? { environment: env } : {}),
    ...(files.length
      ? { env_file: files.map((f) => path.relative(ctx.dir, path.resolve(ctx.dir, f)) || f) }
      : {}),
  };
}

function service(name: string, s: ServiceConfig, ctx: ExportContext, unmapped: string[]): Obj {
  const where = `services.${name}`;
  unmapped.push(...unmappedKeys(where, s as Obj, serviceMapped, serviceWhy));
  const out = base(s, ctx);
  const restart = s.oneshot ? 'no' : (s.restart ?? 'on-failure');
  out.restart =
    restart === 'never'
      ? 'no'
      : restart === 'on-failure' && s.max_restarts !== undefined
        ? `on-failure:${s.max_restarts}`
        : restart;
  const n = s.instances ?? 1;
  if (n > 1 || s.autostart === false) out.deploy = { replicas: s.autostart === false ? 0 : n };
  if (s.autostart === false) unmapped.push(`${where}.autostart: false became replicas: 0`);
  const depends: Obj = {};
  for (const dep of depNames(s.requires)) {
    const target = ctx.config.services[dep] ?? null;
    const c = conditionOf(s.requires, dep);
    const condition =
      c === 'completed' || c === 'completed_successfully'
        ? 'service_completed_successfully'
        : c === 'ready' && target && healthcheck(target)
          ? 'service_healthy'
          : 'service_started';
    if (c === 'completed')
      unmapped.push(`${where}.requires.${dep}: "completed" became service_completed_successfully`);
    depends[dnsName(dep)] = { condition };
  }
  // the compose-spec schema the output is checked by has no optional dependency (required: false)
  for (const dep of depNames(s.wants))
    unmapped.push(`${where}.wants.${dep}: Compose starts it anyway; no optional depends_on in this schema`);
  if (Object.keys(depends).length) out.depends_on = depends;
  const hc = healthcheck(s);
  if (hc) out.healthcheck = hc;
  else if (s.ready || s.health)
    unmapped.push(`${where}.ready: only tcp, http and exec checks become a healthcheck`);
  if (s.ready && s.health)
    unmapped.push(`${where}.health: Compose has one healthcheck; it is the readiness check`);
  const ports = portsOf(s);
  if (ports.length)
    out[n > 1 ? 'expose' : 'ports'] = ports.map((p) => (n > 1 ? String(p) : `127.0.0.1:${p}:${p}`));
  if (s.stop_signal) out.stop_signal = s.stop_signal;
  if (s.stop_timeout !== undefined) out.stop_grace_period = dur(s.stop_timeout);
  if (s.user) out.user = s.group ? `${s.user}:${s.group}` : s.user;
  if (s.max_memory) out.mem_limit = s.max_memory;
  const groups = Object.entries(ctx.config.groups).filter(([, g]) => g.members.includes(name));
  if (groups.length) out.labels = Object.fromEntries(groups.map(([g]) => [`tend.group.${g}`, 'true']));
  if (s.description) out.labels = { ...((out.labels as Obj) ?? {}), 'tend.description': s.description };
  return out;
}

function job(name: string, j: JobConfig, ctx: ExportContext, unmapped: string[]): Obj {
  const where = `jobs.${name}`;
  const out = base(j, ctx);
  out.restart = j.restart_policy === 'OnFailure' ? `on-failure:${j.backoff_limit ?? 6}` : 'no';
  if ((j.completions ?? 1) > 1 || (j.parallelism ?? 1) > 1)
    unmapped.push(`${where}: completions and parallelism: the container runs once`);
  for (const k of [
    'active_deadline_seconds',
    'ttl_seconds_after_finished',
    'hooks',
    'backoff_delay',
    'completion_mode',
  ] as const) {
    if (j[k] !== undefined) unmapped.push(`${where}.${k}: no Compose equivalent`);
  }
  if (j.autostart === false) out.profiles = ['jobs'];
  return out;
}

export const compose: Exporter = {
  target: 'compose',
  run(ctx) {
    const unmapped: string[] = [];
    const services: Obj = {};
    for (const [name, s] of Object.entries(ctx.config.services))
      services[dnsName(name)] = service(name, s, ctx, unmapped);
    for (const [name, j] of Object.entries(ctx.config.jobs))
      services[dnsName(name)] = job(name, j, ctx, unmapped);
    for (const name of Object.keys(ctx.config.cron))
      unmapped.push(
        `cron.${name}: Compose has no schedules (run it from the host's cron or a systemd timer)`,
      );
    if (ctx.config.server?.http)
      unmapped.push("server.http: tend's HTTP API does not exist there; docker compose takes its place");
    // the project's name is the folder's, as Compose derives it itself
    const doc = { services };
    const head = headerLines('compose', ctx, unmapped)
      .map((l) => `# ${l}`)
      .join('\n');
    return {
      files: [
        {
          name: 'compose.yaml',
          // "no" is quoted: a YAML 1.1 reader (as Compose's docs warn) takes a bare no for false
          text: `${head}\n${stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false }).replace(/^(\s+restart: )no$/gm, '$1"no"')}`,
        },
      ],
      unmapped,
    };
  },
};
