/**
 * Opens the TUI on the terminal: Ink in the alternate screen, the store and the log feed on
 * one connection, and the terminal put back as it was however the TUI ends (q, Ctrl-C, a
 * signal, a crash).
 */
import chalk from 'chalk';
import { render } from 'ink';
import React from 'react';
import type { Client } from '../../client/client.ts';
import { App } from './app.ts';
import { LogFeed } from './log-feed.ts';
import { TuiStore } from './store.ts';

export interface TuiOptions {
  /** Connects to tend; called again after the connection is lost. */
  readonly connect: () => Promise<Client>;
  /** The socket path or URL, as the header shows it. */
  readonly where: string;
  readonly color: boolean;
}

/** Leave the alternate screen, show the cursor, end bracketed paste and mouse reporting. */
const resetTerminal = '\u001b[?1049l\u001b[?25h\u001b[?2004l\u001b[?1000l';

export async function runTui(o: TuiOptions): Promise<number> {
  // Ink paints through chalk, whose own guess turns off every attribute when CI is set, even
  // on a terminal; the TUI has already decided (o.color), and inverse and bold are wanted
  // without colour too (NO_COLOR), so chalk is told at least the basic level
  chalk.level = Math.max(chalk.level, 1) as typeof chalk.level;
  const store = new TuiStore({ connect: o.connect, where: o.where });
  const feed = new LogFeed();
  store.onClient((client) => feed.setClient(client));
  // Ink puts the terminal back when it unmounts; this covers an exit that skips the unmount
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    if (process.stdin.isTTY) process.stdin.setRawMode(false);
    process.stdout.write(resetTerminal);
  };
  process.once('exit', restore);
  const app = render(React.createElement(App, { store, feed, theme: { color: o.color } }), {
    alternateScreen: true,
    // is-in-ci would make Ink draw only the last frame when CI is set, even on a terminal
    interactive: true,
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: 30,
    incrementalRendering: true,
  });
  const running = store.start();
  try {
    await app.waitUntilExit();
  } finally {
    feed.close();
    await store.close();
    await running;
    restored = true;
    process.off('exit', restore);
  }
  return 0;
}
