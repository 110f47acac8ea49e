/**
 * One running tend: a Supervisor with its config, its jobs and cron jobs, the control socket,
 * log files and, for the daemon, the services saved at run time. `tend up`, `tend daemon` and
 * `tend init` are three ways of starting this same thing.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { type HttpSettings, loadConfig, serviceSpecFromObject } from '../config/index.ts';
import { CronJobs, type CronSpec } from '../core/cron.ts';
import { TendError } from '../core/errors.ts';
import { HandleTable } from '../core/handles.ts';
import { resolveIdentity } from '../core/identity.ts';
import type { JobSpec } from '../core/job-spec.ts';
import { Jobs } from '../core/jobs.ts';
import { assertValidName, splitInstanceName } from '../core/names.ts';
import type { ProcessDriver } from '../core/process-driver.ts';
import { describeSetProblem, setProblems } from '../core/service-set.ts';
import type { ServiceSpec } from '../core/service-spec.ts';
import { type ServiceStatus, Supervisor } from '../core/supervisor.ts';
import { LogHub } from '../logs/log-hub.ts';
import { selfArgv } from '../native/single-executable.ts';
import { isAdoptable } from '../process/adopt.ts';
import { readStat } from '../process/proc.ts';
import { reaper } from '../process/reaper.ts';
import { openControlSocket } from './controller-socket.ts';
import { CronState } from './cron-state.ts';
import type { Dispatcher } from './dispatcher.ts';
import { ExitControl, type ExitHooks } from './exit-control.ts';
import { HandleState, openAll, type PassedState } from './handle-state.ts';
import { makeHandlers } from './handlers.ts';
import { defaultRetention, History } from './history.ts';
import type { HomeLayout } from './home.ts';
import { OnDemandProxies } from './proxy.ts';
import { RpcServer } from './rpc-server.ts';
import { type RunRecord, RunState } from './run-state.ts';
import { ServiceStore } from './service-store.ts';
import { SignalCounts } from './signal-counts.ts';
import { stopGroups, strayGroups, supervisedBy } from './strays.ts';
import { rememberUserStops, UserStops } from './user-stops.ts';

export interface RuntimeOptions {
  readonly home: HomeLayout;
  /** The config file, or null to start with no configured services. */
  readonly configPath: string | null;
  /** Run only these configured services (`tend up --only`). */
  readonly only?: readonly string[];
  /** Save services added at run time and bring them back (the daemon does). */
  readonly persist: boolean;
  /** Stop everything and end with status 1 when a critical service fails. */
  readonly exitOnCriticalFailure: boolean;
  readonly version: string;
  /** Called with the supervisor before any service starts, to see every event from the first. */
  readonly attach?: (sup: Supervisor, services: readonly ServiceSpec[]) => void;
  /** Problems that do not stop tend (a corrupt state file) are reported here. */
  readonly warn?: (error: TendError) => void;
  /** With `--exit-guard`: the code a shutdown request must carry. */
  readonly exitGuard?: number | null;
  /** `--exec-on-exit`, and how the CLI carries out the exit settings changed at run time. */
  readonly execOnExit?: readonly string[] | null;
  readonly exitHooks?: ExitHooks;
  /** How services' processes are run; the real driver unless a test gives its own. */
  readonly driver?: ProcessDriver;
}

export interface Runtime {
  readonly sup: Supervisor;
  readonly handles: HandleTable;
  /** Signals tend received, counted for controllers (the modes report each one here). */
  readonly signals: SignalCounts;
  readonly logs: LogHub;
  readonly home: HomeLayout;
  /** The version of tend this runtime reports (system.version). */
  readonly version: string;
  /** The protocol's dispatch, for other transports (HTTP) to serve. */
  readonly dispatcher: Dispatcher;
  /** `[server.http]` of the config, or null. */
  readonly http: HttpSettings | null;
  /** Runs before tend shuts down or re-executes itself: other listeners close here. */
  onClose(fn: () => Promise<void> | void): void;
  /** Resolves with the exit status once tend has shut down. */
  readonly done: Promise<number>;
  shutdown(code?: number): void;
  reload(): Promise<{ added: string[]; updated: string[]; removed: string[] }>;
  /** Saves the state and re-executes tend in place (same PID): services keep running. */
  hotRestart(): void;
}

/**
 * How far a follower (`tend logs -f`, `tend events`) may fall behind before lines are dropped
 * for it (and counted): TEND_FOLLOW_BUFFER bytes, default 64 MiB per connection.
 */
function followBuffer(): { notifyHighWater?: number } {
  const v = Number(process.env.TEND_FOLLOW_BUFFER);
  return Number.isFinite(v) && v > 0 ? { notifyHighWater: v } : {};
}

/** Set in the environment of the image a hot restart executes. */
const hotRestartMark = 'TEND_HOT_RESTARTED';

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  // read first: nothing started from here on may inherit it
  const hotRestarted = process.env[hotRestartMark] === '1';
  delete process.env[hotRestartMark];
  const { home } = options;
  // every process started from here on carries the mark a later tend finds strays by
  process.env[supervisedBy] = home.dir;
  mkdirSync(home.dir, { recursive: true, mode: 0o700 });
  const config = options.configPath ? await loadConfig(options.configPath) : null;
  const baseDir = config?.dir ?? home.dir;
  const pick = (specs: readonly ServiceSpec[]) =>
    options.only ? specs.filter((s) => options.only?.includes(s.name)) : [...specs];
  let configured = pick(config?.services ?? []);
  let groups: Readonly<Record<string, readonly string[]>> = config?.groups ?? {};

  // services a killed tend left running are adopted, never started twice
  const runState = new RunState(home.stateDir, options.warn);
  const orphans = runState.load();
  for (const [name, r] of orphans) {
    if (r.pid === 0 || isAdoptable(r.pid, r.startTicks)) continue;
    orphans.delete(name);
    if (readStat(r.pid)) {
      options.warn?.(new TendError('TEND_PID_REUSED', { name, pid: r.pid }));
    }
  }
  const history = new History(home.stateDir, { ...defaultRetention, ...config?.history });
  // handles first: what a hot restart passed is taken back, then the config's are opened
  const handles = new HandleTable();
  const handleState = new HandleState(home.stateDir);
  const passed: PassedState | null = hotRestarted ? handleState.takePassed() : null;
  const lostHandles = passed ? handles.adoptPassed(passed.handles, new Map(passed.decls)) : [];
  await openAll(handles, config?.fds ?? new Map(), 'config', (name, e) => {
    const implicit = name.startsWith('on_demand.');
    const at = implicit
      ? ['services', name.slice('on_demand.'.length), 'on_demand', 'listen']
      : ['fds', name, String(e.data.field ?? 'type')];
    return config?.issueAt(at, e.message) ?? e;
  });
  if (options.persist) {
    const saved = new Map(Object.entries(handleState.loadDeclared()));
    for (const [name, decl] of saved) {
      await openAll(handles, new Map([[name, decl]]), 'runtime', (_n, e) => e).catch((e: unknown) => {
        if (e instanceof TendError) options.warn?.(e);
      });
    }
  }
  // the hub exists before the supervisor: services' pipes drain straight into its files
  let hub: LogHub | null = null;
  const sup = new Supervisor({
    handles,
    ...(options.driver ? { driver: options.driver } : {}),
    pipeDir: path.join(home.stateDir, 'pipes'),
    adoptable: orphans,
    drainPipe: (service, stream, fd, readBack) => hub?.drainPipe(service, stream, fd, readBack) ?? null,
    readTail: (service, stream, maxBytes) => hub?.readTail(service, stream, maxBytes) ?? Buffer.alloc(0),
    // a printer (tend up, tend init) shows every line; a daemon only owes them to followers
    everyLineWanted: options.attach ? () => true : (service) => hub?.isFollowed(service) ?? false,
    attachController: (service, format, io) => {
      const access = { scope: 'admin', who: `controller ${service}`, from: `controller ${service}` } as const;
      if ('output' in io) return server?.dispatcher.serveController(io, format, access);
      const control = openControlSocket(io.socket);
      if (control) server?.dispatcher.serveController(control, format, access);
    },
  });
  sup.events.add((e) => history.event(e));
  const signals = new SignalCounts((e) => sup.events.emit(e));
  const exit = new ExitControl(
    { guard: options.exitGuard ?? null, execOnExit: options.execOnExit ?? null },
    options.exitHooks ?? { setExecOnExit: () => {}, setGuarded: () => {} },
  );
  if (passed) {
    // what was set at run time outlives the old image
    signals.restore(passed.signals);
    if (passed.exitGuard !== exit.guard) {
      if (passed.exitGuard === null) exit.setGuard(false, exit.guard ?? 0);
      else exit.setGuard(true, passed.exitGuard);
    }
    exit.setExecOnExit(passed.execOnExit);
  }
  for (const name of lostHandles)
    options.warn?.(new TendError('TEND_FD_OPEN_FAILED', { name, why: 'it did not survive the hot restart' }));
  handles.onChange((c) =>
    sup.events.emit(
      c.change === 'open'
        ? {
            type: 'fd',
            service: '',
            name: c.handle.name,
            state: 'open',
            kind: c.handle.kind,
            detail: c.handle.detail,
            at: Date.now(),
          }
        : {
            type: 'fd',
            service: '',
            name: c.name,
            state: 'closed',
            kind: null,
            detail: null,
            at: Date.now(),
          },
    ),
  );
  sup.events.add((e) => {
    if (e.type === 'state' && e.to === 'running' && e.from !== 'running' && e.pid !== null) {
      const status = sup.status(e.service)[0];
      runState.set(e.service, {
        pid: e.pid,
        // read from /proc when the state is written: a process in the middle of its exec
        // makes that read wait, and this is the path from an exit to the next start
        startTicks: null,
        startedAt: status?.startedAt ?? e.at,
        ...(status ? countersOf(status) : { restarts: 0 }),
      });
    } else if (e.type === 'state' && (e.to === 'exited' || e.to === 'failed') && e.from !== e.to) {
      // a one-shot that completed stays completed when a new tend takes over
      const status = sup.status(e.service)[0];
      if (status) runState.set(e.service, endedRecord(status));
    } else if (e.type === 'exit' || e.type === 'removed') {
      runState.set(e.service, null);
    }
  });
  const userStops = new UserStops(orphans);
  const userStopped = rememberUserStops(sup, runState, userStops);
  const jobs = new Jobs({
    clock: sup.clock,
    baseEnv: process.env,
    emit: (e) => sup.events.emit(e),
    log: (l) => sup.logs.emit(l),
  });
  const cronState = new CronState(home.stateDir, options.warn);
  const cron = new CronJobs(jobs, {
    clock: sup.clock,
    emit: (e) => sup.events.emit(e),
    scheduled: (name, at) => cronState.set(name, at),
  });
  const logs = new LogHub(home.logDir, {
    onError: (service, file, error) =>
      sup.events.emit({ type: 'log-error', service, file, error: error.message, at: Date.now() }),
    onResume: (service, file, error, dropped) =>
      sup.events.emit({
        type: 'log-error',
        service,
        file,
        error: error.message,
        resumed: true,
        dropped,
        at: Date.now(),
      }),
  });
  hub = logs;
  sup.logs.add((line) => logs.push(line));
  // each service's log options are known to the hub before its first line
  sup.events.add((e) => {
    if (e.type === 'added') logs.configure(e.service, sup.spec(e.service).logs);
  });
  options.attach?.(sup, configured);
  const store = options.persist ? new ServiceStore(home.stateDir, options.warn) : null;
  const saved = store?.load();
  if (saved?.problem) options.warn?.(saved.problem);
  const savedSpecs = Object.entries(saved?.services ?? {}).map(([name, def]) =>
    serviceSpecFromObject(name, def, baseDir),
  );

  let resolveDone: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    resolveDone = resolve;
  });
  let closing = false;
  const closers: (() => Promise<void> | void)[] = [];
  const runClosers = () => Promise.all(closers.map(async (fn) => fn())).then(() => {});

  /**
   * The saved services that fit beside the config's; one that does not (it requires a
   * service the config no longer has, say) is reported and left out, and stays saved.
   */
  function fitting(specs: readonly ServiceSpec[]): ServiceSpec[] {
    const base = configured.filter((s) => !savedNames.has(s.name));
    const taken = new Set(base.map((s) => s.name));
    const bad = new Map<string, string>();
    for (const spec of specs) {
      try {
        assertValidName(spec.name);
        resolveIdentity(spec);
        sup.assertFds(spec);
      } catch (e) {
        bad.set(spec.name, e instanceof Error ? e.message : String(e));
      }
      if (taken.has(spec.name)) bad.set(spec.name, `service "${spec.name}" already exists`);
    }
    for (;;) {
      const kept = specs.filter((s) => !bad.has(s.name));
      const problems = setProblems([...base, ...kept], { only: new Set(kept.map((s) => s.name)) });
      const blamed = problems.flatMap((p) => {
        const who = p.involves.find((n) => kept.some((s) => s.name === n));
        return who ? [[who, describeSetProblem(p)] as const] : [];
      });
      if (blamed.length === 0) break;
      for (const [name, why] of blamed) bad.set(name, why);
    }
    for (const [name, why] of bad) options.warn?.(new TendError('TEND_SAVED_SERVICE_SKIPPED', { name, why }));
    return specs.filter((s) => !bad.has(s.name));
  }

  const server = new RpcServer({
    socketPath: home.socket,
    group: config?.socket ?? null,
    audit: history.action,
    ...followBuffer(),
    handlers: makeHandlers({
      sup,
      jobs,
      cron,
      logs,
      store,
      baseDir,
      version: options.version,
      reload,
      groups: () => groups,
      shutdown: (code) => shutdown(code),
      hotRestart,
      history,
      userStopped,
      fd: {
        sup,
        handles,
        handleState,
        store,
        baseDir,
        signals,
        exit,
        proxies: (name) => proxies.status(name),
      },
    }),
  });
  const savedNames = new Set(savedSpecs.map((s) => s.name));
  // one bring-up: the config's services and those saved at run time, checked as one set
  // before anything listens, so a refusal ends tend at once with the located message
  const bringUp = [...configured.filter((s) => !savedNames.has(s.name)), ...fitting(savedSpecs)];
  sup.check(bringUp, { bringUp: true });
  // listen before anything starts: a second tend on the same home must refuse, not race
  await server.listen();

  if (options.exitOnCriticalFailure) {
    sup.events.add((e) => {
      if (e.type === 'state' && e.to === 'failed' && sup.status(e.service)[0]?.critical) shutdown(1);
    });
  }

  const proxies = new OnDemandProxies(sup, handles);
  closers.push(() => proxies.close());
  const bringUpNames = new Set(bringUp.map((s) => s.name));
  const kept = new Set(
    [...orphans]
      .filter(([n, r]) => r.pid !== 0 && bringUpNames.has(splitInstanceName(n).base))
      .map(([, r]) => r.pid),
  );
  const strays = strayGroups(home.dir, kept);
  if (strays.length) {
    options.warn?.(new TendError('TEND_STRAYS_STOPPED', { count: strays.length, pgids: strays.join(', ') }));
    stopGroups(strays);
  }
  sup.addAll(bringUp, { bringUp: true });
  proxies.sync();
  defineJobs(config?.jobs ?? [], config?.cron ?? [], true, !hotRestarted);
  // orphans re-parented to tend, and services kept across a hot restart, are reaped from now
  // on; not before the adoptions above, which must still see a service that ended during the
  // switch as a zombie, to claim its exit status
  reaper.start();

  /** The config's jobs and cron jobs; at start, jobs with autostart run and missed cron runs are caught up. */
  function defineJobs(
    jobSpecs: readonly JobSpec[],
    cronSpecs: readonly CronSpec[],
    starting: boolean,
    runJobs = starting,
  ): void {
    jobs.define(jobSpecs);
    const saved = cronState.load();
    for (const name of cron.names()) if (!cronSpecs.some((c) => c.name === name)) cron.remove(name);
    for (const c of cronSpecs) cron.set(c, starting ? (saved[c.name] ?? null) : null);
    if (runJobs) for (const j of jobSpecs) if (j.autostart) jobs.run(j.name);
  }

  function shutdown(code = 0): void {
    if (closing) return;
    closing = true;
    void (async () => {
      cron.stopAll();
      await jobs.shutdown();
      await sup.shutdown();
      // a daemon remembers what a user stopped; a tend up starts its whole stack each time
      runState.clear({ keepStopped: options.persist });
      await runClosers();
      await server.close();
      await logs.close();
      handles.closeAll();
      history.close();
      resolveDone(code);
    })();
  }

  /**
   * The new image finds every live instance in the run state and adopts it: same PID (the
   * services stay tend's children), same named pipes, uptime, restart count and last exit
   * kept. The state is written in the same turn of the event loop as the exec, so no exit can
   * be reaped in between: an exit the old image saw is in the state, a later one is a zombie
   * the new image reaps and accounts for.
   */
  function hotRestart(): void {
    // Node >= 22.15 and 23.11 have execve; engines asks for 22.18
    if (closing || !process.execve) return;
    closing = true;
    void (async () => {
      // a job's pods are not adopted by the new image: they are stopped first
      cron.stopAll();
      await jobs.shutdown();
      await runClosers();
      await server.close();
      await logs.flushed();
      runState.replace(switchRecords(sup, userStops));
      // the handles cross the execve as plain fds; the new image checks each before taking it
      handleState.writePassed({
        handles: handles.passAcrossExec(),
        decls: [...handles.declarations()],
        exitGuard: exit.guard,
        execOnExit: exit.execOnExit,
        signals: signals.snapshot(),
      });
      // committed before the exec; the new image opens the same database
      history.flush();
      try {
        process.execve?.(process.execPath, selfArgv(), {
          ...process.env,
          // the new image must not run the config's jobs again: they ran when tend first started
          [hotRestartMark]: '1',
        });
      } catch (e) {
        handles.keepFromExec();
        throw e;
      }
    })();
  }

  /** Re-reads the config; only services whose definition changed are touched, all checked as one change. */
  async function reload() {
    if (!options.configPath) return { added: [], updated: [], removed: [] };
    const loaded = await loadConfig(options.configPath);
    const next = pick(loaded.services);
    const before = new Map(configured.map((s) => [s.name, s]));
    const add: ServiceSpec[] = [];
    const update: ServiceSpec[] = [];
    for (const spec of next) {
      if (store?.has(spec.name)) continue;
      const old = before.get(spec.name);
      if (!old) add.push(spec);
      else if (!isDeepStrictEqual(old, spec)) update.push(spec);
      before.delete(spec.name);
    }
    const remove = [...before.keys()].filter(
      (name) => !store?.has(name) && sup.specs().some((s) => s.name === name),
    );
    await sup.apply({ add, update, remove });
    configured = next;
    groups = loaded.groups;
    defineJobs(loaded.jobs, loaded.cron, false);
    return { added: add.map((s) => s.name), updated: update.map((s) => s.name), removed: remove };
  }

  return {
    sup,
    handles,
    signals,
    logs,
    home,
    version: options.version,
    dispatcher: server.dispatcher,
    http: config?.http ?? null,
    onClose: (fn) => closers.push(fn),
    done,
    shutdown,
    reload,
    hotRestart,
  };
}

/**
 * What the new image needs: every instance with a process, and the counters of those without
 * one (started again only when they were waiting to restart; stopped ones stay stopped).
 */
function switchRecords(sup: Supervisor, userStops: UserStops): Record<string, RunRecord> {
  const records: Record<string, RunRecord> = {};
  for (const s of sup.list()) {
    const stat = s.pid === null ? null : readStat(s.pid);
    const counters = { startedAt: s.startedAt ?? Date.now(), ...countersOf(s) };
    const resting = userStops.restingRecord(s);
    if (s.pid !== null && stat) records[s.name] = { pid: s.pid, startTicks: stat.startTicks, ...counters };
    else if (s.state === 'exited' || s.state === 'failed') records[s.name] = endedRecord(s);
    else if (resting) records[s.name] = resting;
    else {
      const resume = s.state === 'backoff' || s.state === 'starting' || s.state === 'blocked';
      records[s.name] = { pid: 0, startTicks: 0, ...counters, resume };
    }
  }
  return records;
}

/** The counters a new tend carries on. */
function countersOf(
  s: ServiceStatus,
): Pick<RunRecord, 'restarts' | 'restartsByCause' | 'lastRestart' | 'lastExit'> {
  return {
    restarts: s.restarts,
    restartsByCause: { ...s.restartsByCause },
    lastRestart: s.lastRestart,
    lastExit: s.lastExit,
  };
}

/** An instance that ended (a one-shot completed, or one that failed) stays so in the next tend. */
function endedRecord(s: ServiceStatus): RunRecord {
  return {
    pid: 0,
    startTicks: 0,
    startedAt: s.startedAt ?? s.since,
    ...countersOf(s),
    ended: { state: s.state === 'exited' ? 'exited' : 'failed', reason: s.reason },
  };
}
