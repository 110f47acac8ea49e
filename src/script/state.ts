/**
 * What the runner and a script's `tend/init` share: the script's arguments and its live
 * children. It lives on globalThis because the runner and the script may load two copies of
 * the module (the CLI bundle's, and the package's `tend/init` that the script imports).
 */

interface Stoppable {
  kill(sig?: NodeJS.Signals): boolean;
  readonly exited: Promise<unknown>;
}

export interface ScriptState {
  args: string[];
  readonly children: Set<Stoppable>;
}

const key = Symbol.for('tend.script');

export function scriptState(): ScriptState {
  const g = globalThis as { [key]?: ScriptState };
  g[key] ??= { args: [], children: new Set() };
  return g[key];
}
