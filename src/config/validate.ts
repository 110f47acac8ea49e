/**
 * Validates parsed config data against the schema, collecting every problem (hostile names
 * included) into one located error, and produces the kernel's service specs.
 */

import type { CronSpec } from '../core/cron.ts';
import { describeProblem, graphProblems } from '../core/graph.ts';
import type { JobSpec } from '../core/job-spec.ts';
import { nameProblem } from '../core/names.ts';
import type { ServiceSpec } from '../core/service-spec.ts';
import { configError, describeIssue, toConfigIssues } from './issues.ts';
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
    ...graphIssues(result.data),
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

/** Dependencies on services that do not exist, and cycles, located at the field that names them. */
function graphIssues(config: Config): { path: PropertyKey[]; message: string }[] {
  const keysOf = (d: readonly string[] | Readonly<Record<string, string>> | undefined) =>
    Array.isArray(d) ? d : Object.keys(d ?? {});
  const fields = ['requires', 'wants', 'after', 'conflicts'] as const;
  const names = new Set(Object.keys(config.services));
  const out: { path: PropertyKey[]; message: string }[] = [];
  for (const [name, s] of Object.entries(config.services)) {
    for (const field of fields) {
      for (const dep of keysOf(s[field])) {
        if (!names.has(dep))
          out.push({ path: ['services', name, field], message: `unknown service "${dep}"` });
      }
    }
  }
  const nodes = Object.entries(config.services).map(([name, s]) => ({
    name,
    dependsOn: [...keysOf(s.requires), ...keysOf(s.wants), ...(s.after ?? [])],
  }));
  for (const p of graphProblems(nodes)) {
    if (p.kind === 'cycle') out.push({ path: ['services', p.path[0] ?? ''], message: describeProblem(p) });
  }
  return out;
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
