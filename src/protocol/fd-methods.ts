/**
 * The protocol table's methods for named handles, on-demand proxies and what controllers
 * have of daemonproxy's protocol (signals, statedump, the exit guard and exec-on-exit);
 * spread into methods.ts's table. docs/fds.md describes each.
 */
import { z } from 'zod';

const ok = z.object({ ok: z.literal(true) });
const handleName = z
  .string()
  .min(1)
  .max(110)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.@-]*$/, { message: 'use letters, digits, "_", "-", "." and "@"' })
  .describe('a handle name (a pipe declared "p" has the handles "p.r" and "p.w")');

export const fdView = z.object({
  name: z.string(),
  declared: z.string().describe('the declared name: a pipe "p" for "p.r" and "p.w"'),
  kind: z.enum(['pipe', 'file', 'socket', 'null', 'taken']),
  fd: z.number().int().describe("the fd in tend's own table"),
  readable: z.boolean(),
  writable: z.boolean(),
  socket: z.boolean().describe('a bound socket, which `sockets` may name'),
  detail: z.string().describe('the address (with the port bound, for :0), path, or what the fd is'),
  origin: z.enum(['config', 'runtime', 'controller', 'on_demand']),
  at: z.number().describe('when it was opened, ms since the epoch'),
  users: z
    .array(
      z.object({
        service: z.string(),
        fd: z.number().int().describe("the fd number in the service's processes"),
        instances: z.array(z.object({ name: z.string(), pid: z.number().int().nullable() })),
      }),
    )
    .describe('the services whose fds or sockets name it, and their processes now'),
});
export type FdView = z.infer<typeof fdView>;

export const proxyView = z.object({
  service: z.string(),
  listen: z.string().describe('where tend listens'),
  backend: z.string().nullable().describe('where connections go; null: the service takes the socket itself'),
  state: z.enum(['idle', 'starting', 'active', 'draining']),
  connections: z.number().int().describe('connections now'),
  total: z.number().int().describe('connections since tend started'),
  bytes_in: z.number().int().describe('bytes from clients to the backend'),
  bytes_out: z.number().int().describe('bytes from the backend to clients'),
  last_use: z.number().nullable().describe('when the last connection ended or began, ms since the epoch'),
  starts: z.number().int().describe('starts of the service this proxy caused'),
  failures: z.number().int().describe('connections dropped because the backend did not come up'),
});
export type ProxyView = z.infer<typeof proxyView>;

export const fdMethods = {
  'fd.list': {
    summary: 'Every named handle tend holds, with the services that use it.',
    params: z.object({}).strict().optional(),
    result: z.array(fdView),
  },
  'fd.add': {
    summary:
      "Open a handle as a config's [fds.NAME] table does (type pipe, file, socket or null); saved across restarts of the daemon.",
    params: z
      .object({
        name: handleName,
        handle: z.record(z.string(), z.unknown()).describe('the fields of one [fds.NAME] table'),
      })
      .strict(),
    result: z.array(fdView),
  },
  'fd.remove': {
    summary: 'Close a handle (both ends of a pipe by its declared name); refused while a service names it.',
    params: z.object({ name: handleName }).strict(),
    result: z.object({ removed: z.array(z.string()) }),
  },
  'fd.take': {
    summary:
      "A controller hands tend a descriptor (SCM_RIGHTS with the command, over its control socket) to hold as a handle; the name's old handle is closed.",
    params: z.object({ name: handleName }).strict(),
    result: z.array(fdView),
  },
  'service.fds': {
    summary:
      "Give handles to a service (daemonproxy's service.fds): its fds from the next start, or at once with restart.",
    params: z
      .object({
        name: z.string().min(1),
        fds: z
          .record(z.string().regex(/^(stdin|stdout|stderr|\d{1,4})$/), handleName)
          .describe('fd → handle, as in a config: { "stdin": "in.r", "3": "secret" }'),
        restart: z.boolean().default(false).describe('restart running instances now'),
      })
      .strict(),
    result: z.object({ ok: z.literal(true), fds: z.record(z.string(), z.string()) }),
  },
  'proxy.status': {
    summary: 'The on-demand proxies: connections now and in total, bytes each way, last use, starts caused.',
    params: z
      .object({ name: z.string().min(1).optional() })
      .strict()
      .optional(),
    result: z.array(proxyView),
  },
  'signal.list': {
    summary: 'Signals tend received since a controller last cleared them, with their counts.',
    params: z.object({}).strict().optional(),
    result: z.record(z.string(), z.number().int()),
  },
  'signal.clear': {
    summary: "Take COUNT off a signal's count (daemonproxy's signal.clear): it was dealt with.",
    params: z.object({ signal: z.string().min(1), count: z.number().int().min(1).default(1) }).strict(),
    result: z.record(z.string(), z.number().int()),
  },
  'events.statedump': {
    summary:
      "Send every state again on the caller's event subscriptions (services, handles, signals), ending with statedump-end.",
    params: z.object({}).strict().optional(),
    result: ok,
  },
  'system.exit_guard': {
    summary:
      "Set (enable) or clear the exit guard at run time (daemonproxy's terminate.guard): a guarded tend ends only on a shutdown carrying the code.",
    params: z
      .object({
        enable: z.boolean().describe('true sets the guard; false clears it (the code must match)'),
        code: z.number().int(),
      })
      .strict(),
    result: z.object({ guarded: z.boolean() }),
  },
  'system.exec_on_exit': {
    summary:
      "Set the command tend execs into whenever it would exit (daemonproxy's terminate.exec_args); an empty list clears it.",
    params: z.object({ args: z.array(z.string()).max(1000) }).strict(),
    result: z.object({ args: z.array(z.string()).nullable() }),
  },
} as const;
