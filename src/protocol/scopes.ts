/**
 * What each protocol method needs of a caller: `read` (lists, status, logs, events, metrics),
 * `control` (start, stop, restart, kill, scale) or `admin` (everything else). A method not
 * named here needs `admin`, so a new one is never open to a read token by accident.
 */
export const scopes = ['read', 'control', 'admin'] as const;
export type Scope = (typeof scopes)[number];

export const readMethods = [
  'system.ping',
  'system.version',
  'service.list',
  'service.status',
  'service.stats',
  'service.describe',
  'service.why',
  'service.tree',
  'service.fds',
  'group.list',
  'job.list',
  'job.status',
  'job.logs',
  'cron.list',
  'events.subscribe',
  'events.unsubscribe',
  'events.statedump',
  'logs.get',
  'logs.follow',
  'logs.unfollow',
  'history.query',
  'fd.list',
  'proxy.status',
  'signal.list',
  'rpc.discover',
];

export const controlMethods = [
  'service.start',
  'service.stop',
  'service.restart',
  'service.kill',
  'service.scale',
  'service.start_all',
  'service.stop_all',
  'group.start',
  'group.stop',
  'group.restart',
  'job.run',
  'cron.trigger',
  'cron.suspend',
  'cron.resume',
  'signal.clear',
];

const needed = new Map<string, Scope>([
  ...readMethods.map((m) => [m, 'read'] as const),
  ...controlMethods.map((m) => [m, 'control'] as const),
]);

/** The scope a method needs. */
export function scopeOf(method: string): Scope {
  return needed.get(method) ?? 'admin';
}

/** Whether a caller with `scope` may call `method`: each scope includes those before it. */
export function permits(scope: Scope, method: string): boolean {
  return scopes.indexOf(scope) >= scopes.indexOf(scopeOf(method));
}
