/**
 * The config's side of named handles (docs/fds.md): `[fds.NAME]` declarations, and a
 * service's `fds`, `sockets` and `[services.NAME.on_demand]`. Part of the one config schema.
 */
import { z } from 'zod';
import { parseDuration } from '../core/units.ts';
import { parseAddress } from '../process/fds.ts';

const fileFlag = z.enum(['read', 'write', 'append', 'create', 'truncate']);

/** `"0660"`, `"660"` or a number (TOML's 0o660). */
const fileMode = z.union([
  z.number().int().min(0).max(0o7777),
  z.string().regex(/^0?[0-7]{3,4}$/, { message: 'expected an octal file mode such as "0660"' }),
]);

export const fdSchema = z
  .strictObject({
    type: z
      .enum(['pipe', 'file', 'socket', 'null'])
      .describe('pipe (NAME.r and NAME.w), file, socket (bound and listening) or null (/dev/null)'),
    path: z.string().min(1).optional().describe('file: the path, relative to the config'),
    listen: z
      .string()
      .optional()
      .describe('socket: "tcp://HOST:PORT", "udp://HOST:PORT" or "unix:///PATH" (port 0: any free port)'),
    backlog: z.number().int().min(1).max(65535).optional().describe('socket: the listen queue (4096)'),
    mode: z
      .union([fileFlag, z.array(fileFlag).min(1), fileMode])
      .optional()
      .describe(
        'file: read (default), write, append, create, truncate (or a list); unix socket: its file mode',
      ),
    owner: z.string().min(1).optional().describe('unix socket: "user" or "user:group" of the socket file'),
  })
  .superRefine((f, ctx) => {
    const only = (keys: readonly string[], kind: string) => {
      for (const key of ['path', 'listen', 'backlog', 'mode', 'owner'] as const) {
        if (f[key] !== undefined && !keys.includes(key))
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} is not for a ${kind} handle` });
      }
    };
    if (f.type === 'pipe' || f.type === 'null') only([], f.type);
    if (f.type === 'file') {
      only(['path', 'mode'], 'file');
      if (f.path === undefined)
        ctx.addIssue({ code: 'custom', path: ['path'], message: 'a file handle needs a path' });
      if (f.mode !== undefined && (typeof f.mode === 'number' || /^[0-7]/.test(String(f.mode))))
        ctx.addIssue({
          code: 'custom',
          path: ['mode'],
          message: 'expected "read", "write", "append", "create", "truncate" or a list of them',
        });
    }
    if (f.type === 'socket') {
      only(['listen', 'backlog', 'mode', 'owner'], 'socket');
      if (f.listen === undefined) {
        ctx.addIssue({ code: 'custom', path: ['listen'], message: 'a socket handle needs listen' });
        return;
      }
      const a = parseAddress(f.listen);
      if ('problem' in a) ctx.addIssue({ code: 'custom', path: ['listen'], message: a.problem });
      const unix = 'scheme' in a && a.scheme === 'unix';
      for (const key of ['mode', 'owner'] as const) {
        if (f[key] !== undefined && !unix)
          ctx.addIssue({ code: 'custom', path: [key], message: `${key} is for a unix socket only` });
      }
      if (f.mode !== undefined && typeof f.mode !== 'number' && !/^0?[0-7]{3,4}$/.test(String(f.mode)))
        ctx.addIssue({
          code: 'custom',
          path: ['mode'],
          message: 'expected an octal file mode such as "0660"',
        });
    }
  });
export type FdConfig = z.output<typeof fdSchema>;

/** `{ stdin = "in.r", 3 = "http" }` or a list given fds 3, 4… (after `sockets`). */
export const serviceFdsSchema = z
  .union([
    z.array(z.string().min(1)).max(1000),
    z.record(
      z.string().regex(/^(stdin|stdout|stderr|\d{1,4})$/, {
        message: 'expected "stdin", "stdout", "stderr" or an fd number',
      }),
      z.string().min(1),
    ),
  ])
  .describe(
    'handles the service gets: { stdin = "logpipe.r", 3 = "http" } or a list (fds 3, 4… after sockets)',
  );

export const socketsSchema = z
  .array(z.string().min(1))
  .max(100)
  .describe("socket handles passed as systemd's LISTEN_FDS from fd 3 (LISTEN_PID, LISTEN_FDNAMES set)");

const backendTarget = z.string().superRefine((v, ctx) => {
  if (v.startsWith('/') || v.startsWith('unix://')) return;
  if (!/^(\[[0-9a-fA-F:]+\]|[^:\s]+):\d{1,5}$/.test(v))
    ctx.addIssue({
      code: 'custom',
      message: `expected "HOST:PORT" or a unix socket path, got ${JSON.stringify(v)}`,
    });
});

const timeout = z
  .union([z.number(), z.string()])
  .refine((v) => parseDuration(v) !== null, { message: 'expected a duration such as "30s" or "5m"' });

export const onDemandSchema = z
  .strictObject({
    listen: z
      .string()
      .min(1)
      .optional()
      .describe('where tend listens: "tcp://HOST:PORT", "unix:///PATH", or the name of a socket handle'),
    backend: backendTarget
      .optional()
      .describe(
        '"HOST:PORT" or a unix path the service listens on; absent: the service takes the socket itself',
      ),
    idle_timeout: timeout
      .optional()
      .describe('stop the service after this long without a connection (0: never)'),
    connect_timeout: timeout.optional().describe('how long a first connection waits for the backend (30s)'),
    single_connection: z
      .boolean()
      .optional()
      .describe('one connection at a time; the next waits in the backlog'),
  })
  .describe("zinit's xinit: the first connection starts the service; idle, it is stopped again");
export type OnDemandConfig = z.output<typeof onDemandSchema>;
