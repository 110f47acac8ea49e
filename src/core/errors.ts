/**
 * Every error tend reports, declared once: its code, the sentence built from its data, the
 * JSON-RPC error code, the HTTP status and the CLI exit status. Adapters render a TendError;
 * they never invent their own wording. docs/errors.md mirrors this table (a test checks it).
 */

type Data = Readonly<Record<string, unknown>>;

interface ErrorEntry {
  readonly message: (data: Data) => string;
  readonly rpc: number;
  readonly http: number;
  /** CLI exit status: 1 failed, 2 bad usage, 3 not found, 4 timed out. */
  readonly exit: 1 | 2 | 3 | 4;
  /** What to do next, shown as `hint:`; docs/errors.md's "how to fix" is this with no data. */
  readonly hint: (data: Data) => string;
}

const q = (v: unknown) => JSON.stringify(v);
/** The name in a hint, or NAME when the error carries none (as the docs show it). */
const name = (d: Data) => (typeof d.name === 'string' ? d.name : 'NAME');

export const errors = {
  TEND_CONFIG_INVALID: {
    message: (d) => String(d.details ?? `invalid config ${String(d.file)}`),
    rpc: -32602,
    http: 400,
    exit: 1,
    hint: () => 'fix the named fields; "tend config check FILE" validates without running anything',
  },
  TEND_CONFIG_NOT_FOUND: {
    message: (d) => `no config found: ${String(d.detail)}`,
    rpc: -32001,
    http: 404,
    exit: 3,
    hint: () => 'create a tend.toml in this folder (see the Quick start), or pass the config file',
  },
  TEND_NAME_INVALID: {
    message: (d) => `invalid name ${q(d.name)}: ${String(d.why)}`,
    rpc: -32602,
    http: 400,
    exit: 2,
    hint: () =>
      'use letters, digits, underscores, dashes, dots and @, starting with a letter, a digit or an underscore',
  },
  TEND_SERVICE_NOT_FOUND: {
    message: (d) => `service ${q(d.name)} not found`,
    rpc: -32004,
    http: 404,
    exit: 3,
    // a script's name (`tend start api.js`) that is no file either: say how a command becomes one
    hint: (d) =>
      typeof d.file === 'string'
        ? `there is no file ${d.file} either; "tend add ${String(d.as ?? 'NAME')} -- CMD" adds a command as a service, and "tend start FILE" a script that exists`
        : 'run "tend ls" to see the services of this tend',
  },
  TEND_GROUP_NOT_FOUND: {
    message: (d) => `group ${q(d.name)} not found`,
    rpc: -32025,
    http: 404,
    exit: 3,
    hint: () => 'run "tend group ls" to see the groups',
  },
  TEND_JOB_NOT_FOUND: {
    message: (d) => `job ${q(d.name)} not found`,
    rpc: -32026,
    http: 404,
    exit: 3,
    hint: () => 'run "tend job ls" to see the jobs and their runs',
  },
  TEND_JOB_ACTIVE: {
    message: (d) =>
      `job ${q(d.name)} is still running; wait for it, or "tend job rm ${String(d.name)}" first`,
    rpc: -32027,
    http: 409,
    exit: 1,
    hint: (d) => `wait for it ("tend job status ${name(d)}"), or "tend job rm ${name(d)}" first`,
  },
  TEND_CRON_NOT_FOUND: {
    message: (d) => `cron job ${q(d.name)} not found`,
    rpc: -32028,
    http: 404,
    exit: 3,
    hint: () => 'run "tend cron ls" to see the cron jobs',
  },
  TEND_SERVICE_EXISTS: {
    message: (d) => `service ${q(d.name)} already exists${d.detail ? `: ${String(d.detail)}` : ''}`,
    rpc: -32009,
    http: 409,
    exit: 1,
    hint: (d) => `choose another name, or "tend rm ${name(d)}" first`,
  },
  TEND_SAVED_SERVICE_SKIPPED: {
    message: (d) => `the saved service ${q(d.name)} was not started: ${String(d.why)}`,
    rpc: -32030,
    http: 409,
    exit: 1,
    hint: (d) => `fix the config, or "tend rm ${name(d)}" to forget the saved service`,
  },
  TEND_SERVICE_CONFLICT: {
    message: (d) => `${q(d.a)} and ${q(d.b)} conflict: they cannot be started together`,
    rpc: -32029,
    http: 409,
    exit: 1,
    hint: () => 'start one of them; "tend why NAME" shows its conflicts',
  },
  TEND_USER_NEEDS_ROOT: {
    message: (d) =>
      `service ${q(d.name)} sets user/group, which needs tend to run as root (it runs as uid ${String(d.uid)})`,
    rpc: -32011,
    http: 400,
    exit: 1,
    hint: () => 'run tend as root, or remove user/group from the service',
  },
  TEND_USER_UNKNOWN: {
    message: (d) => `service ${q(d.name)}: unknown ${String(d.kind)} ${q(d.value)}`,
    rpc: -32011,
    http: 400,
    exit: 1,
    hint: () => 'create the user or group, or use a numeric id',
  },
  TEND_SIGNAL_INVALID: {
    message: (d) => `unknown signal ${q(d.signal)} (signals are names like "SIGTERM", "TERM" or numbers)`,
    rpc: -32602,
    http: 400,
    exit: 2,
    hint: () => 'use a name such as SIGTERM, TERM or HUP, or a number',
  },
  TEND_SPAWN_FAILED: {
    message: (d) => `could not start ${q(d.name)}: ${String(d.why)}`,
    rpc: -32012,
    http: 500,
    exit: 1,
    hint: (d) => `check the command and the folder it runs in ("tend status ${name(d)}" shows both)`,
  },
  TEND_SHUTTING_DOWN: {
    message: () => 'tend is shutting down',
    rpc: -32013,
    http: 503,
    exit: 1,
    hint: () => 'wait until it has ended, then start tend again',
  },
  TEND_DAEMON_RUNNING: {
    message: (d) => `another tend already serves ${String(d.socket)} (pid ${String(d.pid ?? 'unknown')})`,
    rpc: -32014,
    http: 409,
    exit: 1,
    // a project's socket is a tend up's: "tend down" there is the way to stop it
    hint: (d) =>
      typeof d.socket === 'string' && d.socket.endsWith('/.tend/tend.sock')
        ? `it is the tend up of ${d.socket.slice(0, -'/.tend/tend.sock'.length)}: "tend ls" there shows what it runs, "tend down" there stops it`
        : 'stop it with "tend shutdown", or use another --home',
  },
  TEND_DAEMON_UNREACHABLE: {
    message: (d) => `no tend is running at ${String(d.socket)}${d.why ? ` (${String(d.why)})` : ''}`,
    rpc: -32015,
    http: 503,
    exit: 3,
    hint: () =>
      'start one with "tend daemon -d" (or "tend up -d" in a project folder), or point --socket at one',
  },
  TEND_STATE_CORRUPT: {
    message: (d) =>
      `state file ${String(d.file)} is corrupt (${String(d.why)}); moved aside to ${String(d.movedTo)}`,
    rpc: -32016,
    http: 500,
    exit: 1,
    hint: () => 'look at the moved-aside file; add its services again',
  },
  TEND_STATE_VERSION: {
    message: (d) =>
      `state file ${String(d.file)} is in format ${q(d.found)}${d.writer ? ` (written by tend ${String(d.writer)})` : ''}; tend ${String(d.self)} reads format ${String(d.supported)}: run the tend that wrote it, or move the file away to start afresh (its services are not adopted then)`,
    rpc: -32016,
    http: 500,
    exit: 1,
    hint: () => 'run the tend that wrote it (named in the message), or move the file away',
  },
  TEND_STATE_UNSAVED: {
    message: (d) =>
      `could not save ${String(d.file)} (${String(d.why)}); what it holds is kept in memory and the save is tried again`,
    rpc: -32056,
    http: 500,
    exit: 1,
    hint: () => 'free disk space or file descriptors; tend saves the file by itself once it can',
  },
  TEND_STATE_SAVED: {
    message: (d) => `${String(d.file)} is saved again`,
    rpc: -32057,
    http: 200,
    exit: 1,
    hint: () => 'nothing to do',
  },
  TEND_PID_REUSED: {
    message: (d) =>
      `service ${q(d.name)}: pid ${String(d.pid)} from the saved state now belongs to another process (its start time differs); not adopted`,
    rpc: -32018,
    http: 409,
    exit: 1,
    hint: () => 'nothing to do: the service is started afresh',
  },
  TEND_EXIT_GUARDED: {
    message: () => 'this tend runs with --exit-guard: a shutdown request must carry its code',
    rpc: -32019,
    http: 403,
    exit: 1,
    hint: () => 'run "tend shutdown --guard CODE" with the code tend was started with',
  },
  TEND_UNAUTHORIZED: {
    message: (d) => String(d.why ?? 'a valid bearer token is required'),
    rpc: -32020,
    http: 401,
    exit: 1,
    hint: () => 'pass --token (or TEND_TOKEN); "tend token" on the server shows it',
  },
  TEND_BODY_TOO_LARGE: {
    message: (d) => `the request body is over ${String(d.limit)} bytes`,
    rpc: -32021,
    http: 413,
    exit: 2,
    hint: () => 'send less: add services in several requests',
  },
  TEND_ROUTE_NOT_FOUND: {
    message: (d) =>
      `no route ${String(d.method)} ${String(d.path)}${d.allowed ? ` (it takes ${String(d.allowed)})` : ''}`,
    rpc: -32022,
    http: 404,
    exit: 3,
    hint: () => 'see docs/http.md; every method is also at POST /api/rpc',
  },
  TEND_TLS_REQUIRED: {
    message: (d) => `this port speaks TLS: use https://${String(d.host ?? 'HOST:PORT')}`,
    rpc: -32023,
    http: 400,
    exit: 1,
    hint: () => 'use https://',
  },
  TEND_TLS_INVALID: {
    message: (d) => `TLS for the HTTP API: ${String(d.why)}`,
    rpc: -32024,
    http: 500,
    exit: 1,
    hint: () => 'check the cert and key files, or set auto_generate = true',
  },
  TEND_FORBIDDEN: {
    message: (d) =>
      `${String(d.who)} has the ${String(d.scope)} scope; ${String(d.method)} needs ${String(d.needs)}`,
    rpc: -32050,
    http: 403,
    exit: 1,
    hint: () => 'use a token with the scope named; `tend token add NAME --scope SCOPE` makes one',
  },
  TEND_TOKEN_NOT_FOUND: {
    message: (d) =>
      `no token named ${q(d.name)}${d.names ? ` (there are: ${String(d.names) || 'none'})` : ''}`,
    rpc: -32051,
    http: 404,
    exit: 3,
    hint: () => '`tend token ls` lists them',
  },
  TEND_TOKEN_EXISTS: {
    message: (d) => `a token named ${q(d.name)} exists already (tend token rm ${String(d.name)} first)`,
    rpc: -32052,
    http: 409,
    exit: 1,
    hint: () => 'choose another name, or `tend token rm` the old one',
  },
  TEND_AUTH_RATE_LIMITED: {
    message: (d) =>
      `too many failed authentications from ${String(d.address)}; try again in ${String(d.retryS)} s`,
    rpc: -32053,
    http: 429,
    exit: 1,
    hint: () => 'use the right token; wait for the time named',
  },
  TEND_SOCKET_GROUP_UNKNOWN: {
    message: (d) => `[server.socket] group ${q(d.group)} does not exist on this machine`,
    rpc: -32054,
    http: 500,
    exit: 1,
    hint: () => 'create the group, or fix the name (a numeric gid works too)',
  },
  TEND_STRAYS_STOPPED: {
    message: (d) =>
      `stopped ${String(d.count)} process group(s) (${String(d.pgids)}) a killed tend had started but not recorded, or of services removed meanwhile`,
    rpc: -32055,
    http: 500,
    exit: 1,
    hint: () => 'nothing: no service runs twice or unsupervised',
  },
  TEND_FD_NOT_FOUND: {
    message: (d) =>
      `handle ${q(d.name)} not found${d.service ? ` (service ${q(d.service)} names it)` : ''}; "tend fd ls" lists handles`,
    rpc: -32031,
    http: 404,
    exit: 3,
    hint: () => '"tend fd ls" lists handles; declare it in [fds.NAME] or with "tend fd add"',
  },
  TEND_FD_EXISTS: {
    message: (d) => `handle ${q(d.name)} already exists`,
    rpc: -32032,
    http: 409,
    exit: 1,
    hint: () => 'choose another name, or "tend fd rm NAME" first',
  },
  TEND_FD_OPEN_FAILED: {
    message: (d) => `could not open handle ${q(d.name)}: ${String(d.why)}`,
    rpc: -32033,
    http: 500,
    exit: 1,
    hint: () => 'free the address or the path, or fix the declaration; the message names the cause',
  },
  TEND_FD_IN_USE: {
    message: (d) =>
      `handle ${q(d.name)} is named by ${String(d.users)}; change or remove those services first`,
    rpc: -32034,
    http: 409,
    exit: 1,
    hint: () => 'change or remove those services first',
  },
  TEND_FD_INVALID: {
    message: (d) => `service ${q(d.service)}: ${String(d.why)}`,
    rpc: -32035,
    http: 400,
    exit: 1,
    hint: () => "fix the service's fds or sockets; see docs/fds.md",
  },
  TEND_FD_TAKE_FAILED: {
    message: (d) => `fd.take ${String(d.name)}: ${String(d.why)}`,
    rpc: -32036,
    http: 400,
    exit: 1,
    hint: () => 'send the fd with the command (SCM_RIGHTS), for example with "tend fd send"',
  },
  TEND_PROXY_NOT_FOUND: {
    message: (d) => `service ${q(d.name)} has no on_demand proxy`,
    rpc: -32037,
    http: 404,
    exit: 3,
    hint: () => '"tend proxy ls" lists the proxies',
  },
  TEND_EXIT_GUARD_CODE: {
    message: (d) =>
      d.set
        ? 'an exit guard is already set; clear it with its code first'
        : "that is not the exit guard's code",
    rpc: -32038,
    http: 403,
    exit: 1,
    hint: () => 'clear it with the code it was set with',
  },
  TEND_TIMEOUT: {
    message: (d) => `timed out after ${String(d.ms)} ms waiting for ${String(d.what)}`,
    rpc: -32017,
    http: 504,
    exit: 4,
    hint: () => 'raise --timeout, or see where it stands with "tend status NAME" and "tend why NAME"',
  },
  TEND_NODE_TOO_OLD: {
    message: (d) =>
      `${String(d.what)} needs Node.js ${String(d.need)} or newer (it runs TypeScript and resolves "tend" imports); this is Node.js ${String(d.have)}`,
    rpc: -32039,
    http: 500,
    exit: 1,
    hint: () => 'install Node.js 22.18 or newer (for example "nvm install 22"), and run tend with it',
  },
  TEND_RPC_ERROR: {
    message: (d) => String(d.message),
    rpc: -32603,
    http: 500,
    exit: 1,
    hint: () => "a bug in tend: report it with the request and tend's log",
  },
  TEND_USAGE: {
    message: (d) => String(d.message),
    rpc: -32602,
    http: 400,
    exit: 2,
    hint: () => 'see "tend --help", or "tend COMMAND --help"',
  },
} as const satisfies Record<string, ErrorEntry>;

export type ErrorCode = keyof typeof errors;

export class TendError extends Error {
  readonly code: ErrorCode;
  readonly data: Data;

  constructor(code: ErrorCode, data: Data = {}, options?: { cause?: unknown }) {
    super(errors[code].message(data), options);
    this.name = 'TendError';
    this.code = code;
    this.data = data;
  }
}

export function isTendError(e: unknown): e is TendError {
  return e instanceof TendError;
}

export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && Object.hasOwn(errors, code);
}

/** The total that makes a `switch` on a union fail to compile when a case is missing. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
