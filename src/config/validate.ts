/**
 * Validates parsed config data against the schema, collecting every problem (hostile names
 * included) into one located error, and produces the kernel's service specs.
 */

import type { CronSpec } from '../core/cron.ts';
import type { JobSpec } from '../core/job-spec.ts';
import { nameProblem } from '../core/names.ts';
import { setProblems } from '../core/service-set.ts';
import type { ServiceSpec } from '../core/service-spec.ts';
import { type ConfigIssue, configError, describeIssue, toConfigIssues } from './issues.ts';
import type { Locator } from './locate.ts';
import { type Config, configSchema } from './schema.ts';
import { cronSpecOf, jobSpecOf, toServiceSpec } from './to-spec.ts';

/**
 * `otherServices`: services defined outside this data (the `services/` folder), which groups
 * may name too.
 */
export function validateConfig(
  data: unknown,
  file: string,
  locate: Locator | null,
  otherServices: readonly string[] = [],
): Config {
  const found: { path: PropertyKey[]; message: string }[] = [];
  const services = (data as { services?: unknown } | null)?.services;
  if (services && typeof services === 'object' && !Array.isArray(services)) {
    // names are checked on their own: the schema's refinements run only once all else is valid
    for (const name of Object.keys(services)) {
      const why = nameProblem(name);
      if (why)
        found.push({
          path: ['services', name],
          message: `invalid service name ${JSON.stringify(name)}: ${why}`,
        });
    }
  }
  const result = configSchema.safeParse(data ?? {}, { reportInput: true });
  if (!result.success) {
    for (const issue of result.error.issues) {
      if (issue.code === 'custom' && issue.message.startsWith('invalid service name')) continue;
      found.push(...describeIssue(issue));
    }
  }
  if (found.length > 0 || !result.success) throw configError(file, toConfigIssues(file, locate, found));
  const graph = [
    ...dependencyEntryIssues(result.data),
    ...groupIssues(result.data, otherServices),
    ...jobNameIssues(result.data, otherServices),
  ];
  if (graph.length > 0) throw configError(file, toConfigIssues(file, locate, graph));
  return result.data;
}

/** Jobs and cron jobs share the services' namespace (their runs' logs sit beside services'). */
function jobNameIssues(
  config: Config,
  otherServices: readonly string[],
): { path: PropertyKey[]; message: string }[] {
  const services = new Set([...Object.keys(config.services), ...otherServices]);
  const out: { path: PropertyKey[]; message: string }[] = [];
  for (const [table, names] of [
    ['jobs', Object.keys(config.jobs)],
    ['cron', Object.keys(config.cron)],
  ] as const) {
    for (const name of names) {
      const why = nameProblem(name);
      if (why) out.push({ path: [table, name], message: `invalid name ${JSON.stringify(name)}: ${why}` });
      if (services.has(name))
        out.push({ path: [table, name], message: `"${name}" is already a service's name` });
      if (table === 'cron' && Object.hasOwn(config.jobs, name)) {
        out.push({ path: [table, name], message: `"${name}" is already a job's name` });
      }
    }
  }
  return out;
}

/** Group names are names, never a service's; members must be services. */
function groupIssues(
  config: Config,
  otherServices: readonly string[],
): { path: PropertyKey[]; message: string }[] {
  const services = new Set([...Object.keys(config.services), ...otherServices]);
  const out: { path: PropertyKey[]; message: string }[] = [];
  for (const [name, g] of Object.entries(config.groups)) {
    const why = nameProblem(name);
    if (why)
      out.push({ path: ['groups', name], message: `invalid group name ${JSON.stringify(name)}: ${why}` });
    if (services.has(name))
      out.push({ path: ['groups', name], message: `"${name}" is already a service's name` });
    g.members.forEach((m, i) => {
      if (!services.has(m))
        out.push({ path: ['groups', name, 'members', i], message: `unknown service "${m}"` });
    });
  }
  return out;
}

/** `restart = true` belongs to a requirement: on `wants` it would mean nothing. */
function dependencyEntryIssues(config: Config): { path: PropertyKey[]; message: string }[] {
  const out: { path: PropertyKey[]; message: string }[] = [];
  for (const [name, s] of Object.entries(config.services)) {
    if (!s.wants || Array.isArray(s.wants)) continue;
    for (const [dep, entry] of Object.entries(s.wants)) {
      if (typeof entry === 'object' && entry.restart !== undefined)
        out.push({
          path: ['services', name, 'wants', dep, 'restart'],
          message: 'restart is for requires entries only',
        });
    }
  }
  return out;
}

/**
 * The whole-set rules (core/service-set.ts) over a config's services, located in the file
 * that defines each: unknown names, cycles, conflicts pulled in, conflicting autostart
 * services. `where` gives the file and locator of each service.
 */
export function setIssues(
  specs: readonly ServiceSpec[],
  where: (service: string) => { file: string; locate: Locator | null },
): ConfigIssue[] {
  return setProblems(specs, { bringUp: true }).flatMap((p) => {
    const { file, locate } = where(p.service);
    return toConfigIssues(file, locate, [{ path: ['services', p.service, p.field], message: p.message }]);
  });
}

export function jobSpecsOf(config: Config, baseDir: string): JobSpec[] {
  return Object.entries(config.jobs).map(([name, j]) => jobSpecOf(name, j, baseDir));
}

export function cronSpecsOf(config: Config, baseDir: string): CronSpec[] {
  return Object.entries(config.cron).map(([name, c]) => cronSpecOf(name, c, baseDir));
}

export function specsOf(config: Config, baseDir: string, file: string): ServiceSpec[] {
  return Object.entries(config.services).map(([name, s]) => toServiceSpec(name, s, baseDir, file));
}
