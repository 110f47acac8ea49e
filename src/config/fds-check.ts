/**
 * From `[fds.NAME]` tables to handle declarations, and the checks of services' `fds`,
 * `sockets` and `on_demand` against them, as located config issues: an unknown handle, a
 * handle of the wrong direction, an fd number given twice, a proxy with nothing to listen on.
 */
import path from 'node:path';
import { assignmentProblems, declShapes, type HandleDecl, type HandleShape } from '../core/handles.ts';
import type { ServiceSpec } from '../core/service-spec.ts';
import { type FileFlag, parseAddress } from '../process/fds.ts';
import type { FdConfig } from './fds-schema.ts';
import { type ConfigIssue, toConfigIssues } from './issues.ts';
import type { Locator } from './locate.ts';
import type { Config } from './schema.ts';
import { onDemandHandle } from './to-spec.ts';

const defaultBacklog = 4096;

export function handleDecl(f: FdConfig, baseDir: string): HandleDecl {
  switch (f.type) {
    case 'pipe':
    case 'null':
      return { kind: f.type };
    case 'file': {
      const mode = f.mode === undefined ? ['read'] : Array.isArray(f.mode) ? f.mode : [f.mode];
      return {
        kind: 'file',
        path: path.resolve(baseDir, f.path ?? ''),
        flags: mode.map(String) as FileFlag[],
      };
    }
    case 'socket': {
      const listen = parseAddress(f.listen ?? '');
      if ('problem' in listen) throw new Error(listen.problem);
      const mode =
        f.mode === undefined
          ? null
          : typeof f.mode === 'number'
            ? f.mode
            : Number.parseInt(String(f.mode), 8);
      return { kind: 'socket', listen, backlog: f.backlog ?? defaultBacklog, mode, owner: f.owner ?? null };
    }
  }
}

/** The config's declarations, with a socket handle for each on_demand `listen` address. */
export function declsOf(config: Config, baseDir: string): Map<string, HandleDecl> {
  const decls = new Map<string, HandleDecl>();
  for (const [name, f] of Object.entries(config.fds)) decls.set(name, handleDecl(f, baseDir));
  for (const [name, s] of Object.entries(config.services)) {
    const listen = s.on_demand?.listen;
    if (!listen?.includes('://')) continue;
    const address = parseAddress(listen);
    if ('problem' in address) continue;
    decls.set(onDemandHandle(name), {
      kind: 'socket',
      listen: address,
      backlog: defaultBacklog,
      mode: null,
      owner: null,
    });
  }
  return decls;
}

export function shapesOf(decls: ReadonlyMap<string, HandleDecl>): Map<string, HandleShape> {
  return new Map([...decls].flatMap(([name, decl]) => declShapes(name, decl).map((d) => [d.name, d.shape])));
}

/** Every problem of the services' handles, located in the file that defines each service. */
export function fdIssues(
  specs: readonly ServiceSpec[],
  shapes: ReadonlyMap<string, HandleShape>,
  where: (service: string) => { file: string; locate: Locator | null },
): ConfigIssue[] {
  return specs.flatMap((spec) => {
    const { file, locate } = where(spec.name);
    const found: { path: PropertyKey[]; message: string }[] = assignmentProblems(spec, (n) =>
      shapes.get(n),
    ).map((p) => ({ path: ['services', spec.name, ...p.at], message: p.message }));
    const o = spec.onDemand;
    const at = (field: string) => ['services', spec.name, 'on_demand', field];
    if (o && o.backend === null) {
      if (spec.sockets.length === 0)
        found.push({
          path: at('backend'),
          message: 'give a backend, or `sockets` for the service to take the listening socket itself',
        });
      else if (o.listen !== spec.sockets[0])
        found.push({
          path: at('listen'),
          message: `without a backend, tend watches the service's first socket ("${spec.sockets[0]}")`,
        });
      if (o.idleTimeoutMs !== null)
        found.push({
          path: at('idle_timeout'),
          message:
            "without a backend tend cannot see the service's connections: let the service exit when idle",
        });
    } else if (o && o.listen === '') {
      found.push({
        path: at('listen'),
        message: 'an on_demand proxy needs listen (an address or a socket handle)',
      });
    } else if (o && !shapes.get(o.listen)?.socket) {
      found.push({ path: at('listen'), message: `"${o.listen}" is not a socket handle` });
    }
    return toConfigIssues(file, locate, found);
  });
}
