/**
 * Where a tend instance keeps its socket, state and logs. `tend up` lives in the project's
 * `.tend/`; `tend daemon` in TEND_HOME, else $XDG_RUNTIME_DIR/tend, else /run/tend for root,
 * else a per-user directory in the temp dir.
 */
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface HomeLayout {
  readonly dir: string;
  readonly socket: string;
  readonly stateDir: string;
  readonly logDir: string;
  readonly pidFile: string;
}

export function layout(dir: string): HomeLayout {
  const abs = path.resolve(dir);
  return {
    dir: abs,
    socket: path.join(abs, 'tend.sock'),
    stateDir: path.join(abs, 'state'),
    logDir: path.join(abs, 'logs'),
    pidFile: path.join(abs, 'tend.pid'),
  };
}

export function daemonHomeDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TEND_HOME) return path.resolve(env.TEND_HOME);
  if (env.XDG_RUNTIME_DIR) return path.join(env.XDG_RUNTIME_DIR, 'tend');
  const uid = process.getuid?.() ?? 0;
  return uid === 0 ? '/run/tend' : path.join(tmpdir(), `tend-${uid}`);
}

/** The project home of `tend up`: `.tend/` beside the config file. */
export function projectHomeDir(configDir: string): string {
  return path.join(configDir, '.tend');
}
