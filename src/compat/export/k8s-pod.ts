/**
 * The pod pieces of the Kubernetes export: a container's probes, environment, security
 * context, labels, and the init containers that run pre_start hooks, wait for dependencies
 * and run the oneshot steps a service waits for.
 */
import path from 'node:path';
import type { ServiceConfig } from '../../config/schema.ts';
import type { ExportContext } from './exporter.ts';
import { argvOf, conditionOf, depNames, dnsName, envOf, type HookConfig, probeOf, seconds } from './model.ts';

export type Obj = Record<string, unknown>;

/** A small image with nc and wget, for the init containers that wait for a dependency. */
export const waitImage = 'busybox:1.36';

export function workingDir(cwd: string | undefined): string {
  if (!cwd) return '/app';
  return path.posix.isAbsolute(cwd) ? cwd : path.posix.join('/app', cwd);
}

export function shell(command: string): string[] {
  return ['/bin/sh', '-c', command];
}

export function hookScript(hooks: readonly HookConfig[]): string {
  return hooks.map((h) => (h.failure_mode === 'ignore' ? `(${h.command}) || true` : h.command)).join(' && ');
}

export function probe(
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

export interface Built {
  readonly objects: Obj[];
  readonly unmapped: string[];
}

export function envObjects(
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

export function labelsOf(ctx: ExportContext, name: string): Record<string, string> {
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

export function securityContext(
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
export function initContainers(
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
