/**
 * The words of the lifecycle, with nothing else: the protocol, the web page and the TUI read
 * them without the kernel that uses them (lifecycle.ts re-exports them).
 */
export const serviceStates = [
  'inactive',
  'blocked',
  'starting',
  'running',
  'stopping',
  'backoff',
  'exited',
  'failed',
] as const;
export type ServiceState = (typeof serviceStates)[number];

/** What started a spawn that is not a service's first: the label of its restart count. */
export const restartCauses = [
  'exit',
  'health',
  'memory',
  'watch',
  'cron',
  'requested',
  'dependency',
] as const;
export type RestartCause = (typeof restartCauses)[number];
