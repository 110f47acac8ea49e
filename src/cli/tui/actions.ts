/**
 * What the action keys do to the selected row, each one SDK call; the answer is a line for the
 * status bar. The table then changes through the event stream, never from here.
 */
import type { Client } from '../../client/client.ts';
import { unreachable } from '../../core/errors.ts';
import type { Target } from './rows.ts';

export type RowAction =
  | { readonly kind: 'start' }
  | { readonly kind: 'stop' }
  | { readonly kind: 'restart' }
  | { readonly kind: 'kill'; readonly signal: string }
  | { readonly kind: 'scale'; readonly instances: number; readonly from: number };

/** Signals offered by `K`, the usual ones first. */
export const signals = [
  'SIGTERM',
  'SIGINT',
  'SIGHUP',
  'SIGQUIT',
  'SIGUSR1',
  'SIGUSR2',
  'SIGKILL',
  'SIGSTOP',
  'SIGCONT',
] as const;

/**
 * Keys that end or disturb a process ask first on a `system` service, or on one whose class
 * is not known yet (its details are still on the way).
 */
export function needsConfirmation(target: Target, action: RowAction): boolean {
  if (target.kind !== 'service') return false;
  const destructive = action.kind === 'scale' ? action.instances < action.from : action.kind !== 'start';
  return destructive && (target.system || !target.detailed);
}

export function describe(target: Target, action: RowAction): string {
  const what =
    target.kind === 'service'
      ? target.name
      : `${target.kind === 'job' ? 'job run' : 'cron job'} ${target.name}`;
  switch (action.kind) {
    case 'start':
      return `start ${what}`;
    case 'stop':
      return target.kind === 'job'
        ? `delete ${what}`
        : target.kind === 'cron'
          ? `suspend ${what}`
          : `stop ${what}`;
    case 'restart':
      return `restart ${what}`;
    case 'kill':
      return `send ${action.signal} to ${what}`;
    case 'scale':
      return `scale ${target.kind === 'service' ? target.base : target.name} to ${action.instances}`;
    default:
      return unreachable(action);
  }
}

export async function perform(client: Client, target: Target, action: RowAction): Promise<string> {
  const done = `${describe(target, action)}: done`;
  if (target.kind === 'job') {
    if (action.kind === 'start' || action.kind === 'restart') {
      const run = await client.job.run({ name: target.job });
      return `job ${target.job} started as ${run.name}`;
    }
    if (action.kind === 'stop') {
      await client.job.remove({ name: target.name });
      return done;
    }
    return `${action.kind} does not apply to a job run`;
  }
  if (target.kind === 'cron') {
    if (action.kind === 'stop') {
      await client.cron.suspend({ name: target.name });
      return done;
    }
    if (action.kind === 'start' && target.suspended) {
      await client.cron.resume({ name: target.name });
      return `cron job ${target.name} resumed`;
    }
    if (action.kind === 'start' || action.kind === 'restart') {
      const run = await client.cron.trigger({ name: target.name });
      return run
        ? `cron job ${target.name} triggered: ${run.name}`
        : `cron job ${target.name}: skipped (Forbid, a run is active)`;
    }
    return `${action.kind} does not apply to a cron job`;
  }
  const names = [target.name];
  switch (action.kind) {
    case 'start':
      await client.service.start({ names });
      return done;
    case 'stop':
      await client.service.stop({ names });
      return done;
    case 'restart':
      await client.service.restart({ names });
      return done;
    case 'kill': {
      const { signalled } = await client.service.kill({ names, signal: action.signal });
      return signalled.length
        ? `${action.signal} sent to ${signalled.join(', ')}`
        : `${target.name} has no process to signal`;
    }
    case 'scale':
      await client.service.scale({ name: target.base, instances: action.instances });
      return done;
    default:
      return unreachable(action);
  }
}
