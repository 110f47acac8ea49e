/**
 * A real terminal for tests and benchmarks of full-screen programs: a private tmux server
 * (its own socket, no user config, no status line), keys sent with send-keys, the screen read
 * with capture-pane. Whoever creates one registers its `kill()` right after.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export class Tmux {
  readonly #socket: string;
  readonly #env: NodeJS.ProcessEnv;

  /**
   * Starts a detached session of `width`×`height` running `command` (a shell command line)
   * in `dir`, with `env` as its environment.
   */
  constructor(dir: string, env: NodeJS.ProcessEnv, command: string, { width = 120, height = 40 } = {}) {
    this.#socket = path.join(dir, 'tmux.sock');
    this.#env = env;
    const conf = path.join(dir, 'tmux.conf');
    // the status line would take a row of the terminal the program is given
    writeFileSync(conf, 'set -g status off\nset -g remain-on-exit off\n');
    this.#tmux(
      '-f',
      conf,
      'new-session',
      '-d',
      '-x',
      String(width),
      '-y',
      String(height),
      '-c',
      dir,
      command,
    );
  }

  #tmux(...args: string[]): string {
    return execFileSync('tmux', ['-S', this.#socket, ...args], {
      env: this.#env,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /** Keys by tmux's names (`Enter`, `Escape`, `C-c`, `PPage`) or single characters. */
  keys(...keys: string[]): void {
    this.#tmux('send-keys', '-t', '0', ...keys);
  }

  /** Text typed as it is, with no key names. */
  type(text: string): void {
    this.#tmux('send-keys', '-t', '0', '-l', text);
  }

  /** The screen as text, one string per row; with `escapes`, with its colours and attributes as SGR codes. */
  screen({ escapes = false } = {}): string[] {
    return this.#tmux('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', '0')
      .replace(/\n$/, '')
      .split('\n');
  }

  resize(width: number, height: number): void {
    this.#tmux('resize-window', '-t', '0', '-x', String(width), '-y', String(height));
  }

  /** The PID of the program running in the pane. */
  panePid(): number {
    return Number(this.#tmux('display-message', '-p', '-t', '0', '#{pane_pid}').trim());
  }

  kill(): void {
    try {
      this.#tmux('kill-server');
    } catch {
      // the session ended with its program, and the server with it
    }
  }
}
