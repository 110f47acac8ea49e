/**
 * The exit guard and exec-on-exit, settable at run time (daemonproxy's terminate.guard and
 * terminate.exec_args) on `tend daemon` as on `tend init`. The values live here; carrying
 * them out at exit (the exec, the fatal-error guard) is the CLI's, through `hooks`.
 */
import { TendError } from '../core/errors.ts';

export interface ExitHooks {
  /** From now on every exit execs into `args` (null: exits are exits again). */
  setExecOnExit(args: readonly string[] | null): void;
  /** A guarded tend logs a fatal error and carries on. */
  setGuarded(on: boolean): void;
}

export class ExitControl {
  #guard: number | null;
  #execOnExit: readonly string[] | null;
  readonly #hooks: ExitHooks;

  constructor(initial: { guard: number | null; execOnExit: readonly string[] | null }, hooks: ExitHooks) {
    this.#guard = initial.guard;
    this.#execOnExit = initial.execOnExit;
    this.#hooks = hooks;
  }

  get guard(): number | null {
    return this.#guard;
  }

  get execOnExit(): readonly string[] | null {
    return this.#execOnExit;
  }

  /** Enabling needs no guard set; clearing needs the code it was set with. */
  setGuard(enable: boolean, code: number): void {
    if (enable && this.#guard !== null && this.#guard !== code)
      throw new TendError('TEND_EXIT_GUARD_CODE', { set: true });
    if (!enable && this.#guard !== null && this.#guard !== code)
      throw new TendError('TEND_EXIT_GUARD_CODE', {});
    this.#guard = enable ? code : null;
    this.#hooks.setGuarded(enable);
  }

  setExecOnExit(args: readonly string[] | null): void {
    this.#execOnExit = args?.length ? [...args] : null;
    this.#hooks.setExecOnExit(this.#execOnExit);
  }
}
