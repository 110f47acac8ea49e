/**
 * A whole tend in-process for fuzzing its protocol: a Supervisor on the fake process driver
 * (test/fake-driver.ts, so thousands of requests take seconds), its jobs and cron jobs on a
 * fake clock (nothing a request defines ever runs), a log hub in a temp dir, the real
 * handlers and the real dispatcher. Shutdown and hot restart are only counted.
 */
import path from 'node:path';
import { FakeClock } from '../src/core/clock.ts';
import { CronJobs } from '../src/core/cron.ts';
import { isTendError } from '../src/core/errors.ts';
import { HandleTable } from '../src/core/handles.ts';
import { Jobs } from '../src/core/jobs.ts';
import { makeServiceSpec } from '../src/core/service-spec.ts';
import { Supervisor } from '../src/core/supervisor.ts';
import { Dispatcher, type Handlers } from '../src/daemon/dispatcher.ts';
import { ExitControl } from '../src/daemon/exit-control.ts';
import { HandleState } from '../src/daemon/handle-state.ts';
import { makeHandlers } from '../src/daemon/handlers.ts';
import { History } from '../src/daemon/history.ts';
import { SignalCounts } from '../src/daemon/signal-counts.ts';
import { LogHub } from '../src/logs/log-hub.ts';
import { FakeDriver } from './fake-driver.ts';

export interface World {
  readonly sup: Supervisor;
  readonly dispatcher: Dispatcher;
  readonly driver: FakeDriver;
  readonly logs: LogHub;
  /** shutdown and restart requests taken (they would end this tend). */
  readonly ended: { shutdown: number; restart: number };
  /** Handler failures that were not a TendError (each would be a -32603 answer), with the method. */
  readonly internalErrors: string[];
  /**
   * Names, definitions and states: what bad input must leave as it was. An instance on its
   * way (backoff, starting, stopping) after an earlier accepted request moves on by itself,
   * so only a change from one state at rest to another counts.
   */
  snapshot(): Snapshot;
  /** What changed from `before` to now among things at rest; empty when nothing did. */
  changedSince(before: Snapshot): string[];
  close(): Promise<void>;
}

const atRest = new Set<string>(['running', 'inactive', 'exited', 'failed']);

export interface Snapshot {
  readonly set: string;
  readonly states: ReadonlyMap<string, string>;
}

export function makeWorld(logDir: string): World {
  const driver = new FakeDriver();
  driver.prompt = true;
  const sup = new Supervisor({ driver, env: {} });
  const clock = new FakeClock();
  const jobs = new Jobs({ clock, baseEnv: {}, emit: () => {}, log: () => {} });
  const cron = new CronJobs(jobs, { clock, emit: () => {} });
  const logs = new LogHub(logDir);
  const history = new History(path.join(logDir, 'state'));
  sup.events.add((e) => history.event(e));
  sup.logs.add((l) => logs.push(l));
  sup.addAll(
    [
      makeServiceSpec({ name: 'db', argv: ['db'] }),
      makeServiceSpec({ name: 'web', argv: ['web'], requires: { db: 'started' }, instances: 2 }),
      makeServiceSpec({ name: 'ops', argv: ['ops'], class: 'system' }),
    ],
    { start: true, bringUp: true },
  );
  const ended = { shutdown: 0, restart: 0 };
  const snapshot = (): Snapshot => ({
    set: JSON.stringify({
      specs: sup.specs().map((s) => [s.name, s.commandText, s.instances]),
      instances: sup.list().map((s) => s.name),
      cron: cron.names(),
    }),
    states: new Map(sup.list().map((s) => [s.name, s.state])),
  });
  const handlers = makeHandlers({
    sup,
    jobs,
    cron,
    logs,
    store: null,
    baseDir: logDir,
    version: '0.0.0-fuzz',
    reload: async () => ({ added: [], updated: [], removed: [] }),
    groups: () => ({ front: ['web'], gone: ['nothing'] }),
    shutdown: () => {
      ended.shutdown++;
    },
    hotRestart: () => {
      ended.restart++;
    },
    history,
    fd: {
      sup,
      handles: new HandleTable(),
      handleState: new HandleState(path.join(logDir, 'state')),
      store: null,
      baseDir: logDir,
      signals: new SignalCounts((e) => sup.events.emit(e)),
      exit: new ExitControl(
        { guard: null, execOnExit: null },
        { setExecOnExit: () => {}, setGuarded: () => {} },
      ),
      proxies: () => [],
    },
  });
  const internalErrors: string[] = [];
  // every handler watched: a failure that is not a TendError is a bug whatever the transport
  // makes of it (provisr's routes answer it as a 400)
  const watched = Object.fromEntries(
    Object.entries(handlers).map(([method, fn]) => [
      method,
      async (p: never, ctx: never) => {
        try {
          return await (fn as (p: never, c: never) => unknown)(p, ctx);
        } catch (e) {
          if (!isTendError(e)) internalErrors.push(`${method}: ${e instanceof Error ? e.stack : String(e)}`);
          throw e;
        }
      },
    ]),
  ) as unknown as Handlers;
  const dispatcher = new Dispatcher({ handlers: watched, maxLineBytes: 256 * 1024 });
  return {
    sup,
    dispatcher,
    driver,
    logs,
    ended,
    internalErrors,
    snapshot,
    changedSince: (before) => {
      const now = snapshot();
      const changes: string[] = [];
      if (now.set !== before.set) changes.push(`the set: ${before.set} → ${now.set}`);
      for (const [name, state] of now.states) {
        const was = before.states.get(name);
        if (was && atRest.has(was) && atRest.has(state) && was !== state)
          changes.push(`${name}: ${was} → ${state}`);
      }
      return changes;
    },
    close: async () => {
      cron.stopAll();
      sup.killAll();
      await sup.shutdown({ timeoutMs: 1000 }).catch(() => {});
      await logs.close();
      history.close();
    },
  };
}
