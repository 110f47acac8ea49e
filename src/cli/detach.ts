/**
 * `tend daemon -d` and `tend up -d`: the same command started again without -d in a session of
 * its own, its output in the home's tend.log; this process waits until the new tend answers
 * and exits. The new tend writes its PID file (pid-file.ts).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../client/client.ts';
import { waitForTend } from '../client/wait-for-tend.ts';
import { TendError } from '../core/errors.ts';
import type { HomeLayout } from '../daemon/home.ts';
import { selfArgs } from '../native/single-executable.ts';
import type { ResultOf } from '../protocol/methods.ts';

export interface Detached {
  readonly version: ResultOf<'system.version'>;
  readonly log: string;
}

export async function detach(home: HomeLayout, env: NodeJS.ProcessEnv = process.env): Promise<Detached> {
  // a tend that already answers here would answer the wait below: refuse at once instead
  const running = await connect({ socket: home.socket, timeoutMs: 1000 }).catch(() => null);
  if (running) {
    const v = await running.system.version().catch(() => null);
    running.close();
    throw new TendError('TEND_DAEMON_RUNNING', { socket: home.socket, pid: v?.pid });
  }
  mkdirSync(home.dir, { recursive: true, mode: 0o700 });
  const log = path.join(home.dir, 'tend.log');
  const out = openSync(log, 'a', 0o600);
  // selfArgs: the same tend again, from source, the bundle or the single executable
  const args = selfArgs().filter((a) => a !== '-d' && a !== '--detach');
  const child = spawn(process.execPath, args, {
    detached: true,
    stdio: ['ignore', out, out],
    env,
  });
  child.unref();
  const unreachable = () =>
    new TendError('TEND_DAEMON_UNREACHABLE', {
      socket: home.socket,
      why: `the detached tend did not answer; see ${log}`,
    });
  const version = await waitForTend(home.socket, {
    timeoutMs: 20_000,
    what: 'the detached tend',
    giveUp: () => (child.exitCode !== null ? unreachable() : null),
  }).catch((e: unknown) => {
    throw e instanceof TendError && e.code === 'TEND_TIMEOUT' ? unreachable() : e;
  });
  return { version, log };
}
