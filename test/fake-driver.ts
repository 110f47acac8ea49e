/**
 * A process driver whose processes the test ends: for the model-based kernel test, which runs
 * thousands of generated histories on a fake clock. A process gets the signals sent to its
 * group, and acts on them when the test delivers them (SIGKILL always ends it; SIGTERM unless
 * it is stubborn); it exits with a code when the test says so. Nothing here replaces
 * child_process: the kernel's own driver is tested with real processes elsewhere.
 */
import { PassThrough } from 'node:stream';
import type { ProcessDriver } from '../src/core/process-driver.ts';
import type { ProcessEnd, SpawnRequest } from '../src/process/spawn.ts';

export class FakeProcess {
  readonly pid: number;
  readonly name: string;
  readonly notify: PassThrough | null;
  readonly stubborn: boolean;
  alive = true;
  readonly pending: NodeJS.Signals[] = [];
  readonly #onEnd: (end: ProcessEnd) => void;

  constructor(pid: number, req: SpawnRequest, stubborn: boolean, onEnd: (end: ProcessEnd) => void) {
    this.pid = pid;
    this.name = req.name;
    this.stubborn = stubborn;
    this.notify = req.channel === 'notify' ? new PassThrough() : null;
    this.#onEnd = onEnd;
  }

  end(end: { code: number | null; signal: NodeJS.Signals | null }): void {
    if (!this.alive) return;
    this.alive = false;
    this.#onEnd({ kind: 'exit', ...end });
  }
}

export class FakeDriver implements ProcessDriver {
  #nextPid = 1000;
  readonly live = new Map<number, FakeProcess>();
  /** Spawn attempts per instance name (reset when the instance is dropped). */
  readonly spawns = new Map<string, number>();
  /** Live processes per instance name: more than one is a bug. */
  readonly peak = new Map<string, number>();
  probeOk = true;
  hooksOk = true;
  /** Processes act on a signal as soon as it is sent (for tests that only need them to stop). */
  prompt = false;
  stubborn = false;

  spawn = (req: SpawnRequest, onEnd: (end: ProcessEnd) => void) => {
    this.spawns.set(req.name, (this.spawns.get(req.name) ?? 0) + 1);
    const p = new FakeProcess(this.#nextPid++, req, this.stubborn, (end) => {
      this.live.delete(p.pid);
      onEnd(end);
    });
    this.live.set(p.pid, p);
    const count = [...this.live.values()].filter((x) => x.name === req.name).length;
    this.peak.set(req.name, Math.max(this.peak.get(req.name) ?? 0, count));
    return {
      pid: p.pid,
      stdout: null,
      stderr: null,
      notify: p.notify,
      onMessage: () => {},
      get running() {
        return p.alive;
      },
    };
  };

  signalGroup = (pgid: number, signal: NodeJS.Signals): boolean => {
    const p = this.live.get(pgid);
    if (!p) return false;
    p.pending.push(signal);
    if (this.prompt) queueMicrotask(() => this.deliver());
    return true;
  };

  isGroupAlive = (pgid: number): boolean => this.live.has(pgid);
  isAdoptable = (): boolean => false;
  adopt = (): never => {
    throw new Error('the fake driver adopts nothing');
  };
  probe = async () => ({ ok: this.probeOk, detail: this.probeOk ? 'ok' : 'refused' });
  hooks = async (): Promise<{ ok: true } | { ok: false; why: string }> =>
    this.hooksOk ? { ok: true } : { ok: false, why: 'a hook failed' };

  /** Every process acts on the signals sent to it so far. */
  deliver(): void {
    for (const p of [...this.live.values()]) {
      const signals = p.pending.splice(0);
      const fatal =
        signals.find((s) => s === 'SIGKILL') ?? signals.find((s) => s !== 'SIGKILL' && !p.stubborn);
      if (fatal) p.end({ code: null, signal: fatal });
    }
  }
}
