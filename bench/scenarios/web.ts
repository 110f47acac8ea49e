/**
 * web: the dashboard in Debian's chromium against a tend daemon (`--http`) with N idle
 * services. The page's transfer size on first load (what the browser received for the page's
 * files, compressed), the time from navigation until the table of N rows is on screen (the
 * page marks `tend-interactive`), and, while the page watches a stop-all of N, how long until
 * it shows every row inactive and the longest gap between two frames meanwhile: medians of
 * three. tend only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { firstPage, launchBrowser } from '../../test/browser.ts';
import { median, now, round, waitFor } from '../lib/timing.ts';
import { exec } from '../peers/peer.ts';
import { tendBin } from '../peers/tend.ts';
import { type Figures, type Scenario, sleepers } from './scenario.ts';

/** Loads and stop-alls measured at each size; the figures are their medians. */
const trials = 3;

/** The little of the DOM read in the page, typed here as the bench has no DOM library. */
type InPage = { document: { querySelectorAll(selector: string): { length: number } } };

interface Served {
  readonly url: string;
  readonly token: string;
  tend(...args: string[]): string;
  close(): void;
}

/** `tend daemon --http` on a private home, with N sleepers added and running. */
async function serve(dir: string, n: number): Promise<Served> {
  // the page dist/web holds, as users get it: never one a developer points TEND_WEB_DIR at
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TEND_HOME: path.join(dir, 'home'),
    NO_COLOR: '1',
    TEND_SOCKET: '',
  };
  delete env.TEND_WEB_DIR;
  const bin = tendBin();
  const tend = (...args: string[]) => exec(process.execPath, [bin, ...args], { env });
  const daemon: ChildProcess = spawn(process.execPath, [bin, 'daemon', '--http', '127.0.0.1:0'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let log = '';
  daemon.stdout?.on('data', (d) => {
    log += d;
  });
  daemon.stderr?.on('data', (d) => {
    log += d;
  });
  const close = () => {
    exec(process.execPath, [bin, 'shutdown'], { env, allowFail: true });
    try {
      if (daemon.pid) process.kill(-daemon.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  };
  try {
    const url = await waitFor(
      'the HTTP API to listen',
      () => /HTTP API on (http:\/\/[^\s"]+)/.exec(log)?.[1],
      {
        timeoutMs: 20_000,
      },
    );
    const file = path.join(dir, 'services.toml');
    writeFileSync(
      file,
      sleepers(n)
        .map((s) => `[services.${s.name}]\nargs = ${JSON.stringify(s.cmd)}\nrestart_delay = 0`)
        .join('\n\n'),
    );
    tend('add', '-f', file, '--no-wait');
    await waitFor(
      `${n} services running`,
      () =>
        (JSON.parse(tend('ls', '--json')) as { state: string }[]).filter((s) => s.state === 'running')
          .length >= n,
      { timeoutMs: 300_000, everyMs: 100 },
    );
    return { url, token: tend('token').trim(), tend, close };
  } catch (e) {
    close();
    throw e;
  }
}

/** Every page script and style the browser fetched, and how many bytes came over the wire. */
const transferScript = `(() => {
  const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
  return all.filter((e) => !new URL(e.name).pathname.startsWith('/api/')).reduce((n, e) => n + e.encodedBodySize, 0);
})()`;

/** The longest time between two frames from now on, read with `stopFrames`. */
const startFrames = `(() => {
  let last = performance.now();
  globalThis.__longestFrame = 0;
  globalThis.__framesOn = true;
  const frame = (t) => {
    globalThis.__longestFrame = Math.max(globalThis.__longestFrame, t - last);
    last = t;
    if (globalThis.__framesOn) requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})()`;
const stopFrames = '(globalThis.__framesOn = false, globalThis.__longestFrame)';

async function measure(n: number, firstLoad: boolean): Promise<Figures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tend-bench-web-'));
  const cleanups: (() => unknown)[] = [];
  const owner = { after: (fn: () => unknown) => void cleanups.push(fn) };
  let served: Served | null = null;
  try {
    served = await serve(dir, n);
    const context = await launchBrowser(owner);
    // the token as a signed-in tab keeps it: the time measured is the page's, not typing
    await context.addInitScript(`sessionStorage.setItem('tend.token', ${JSON.stringify(served.token)})`);
    const page = await firstPage(context);
    // every load is a first visit: nothing comes from the browser's cache
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const allRows = (state: string) =>
      // a function, not a string: the page's CSP forbids evaluating strings
      page.waitForFunction(
        ([count, wanted]) =>
          (globalThis as unknown as InPage).document.querySelectorAll(
            `[data-service][data-state="${wanted}"]`,
          ).length === count,
        [n, state] as const,
        { timeout: 120_000, polling: 'raf' },
      );
    const tti: number[] = [];
    let transfer = 0;
    for (let i = 0; i < trials; i++) {
      await page.goto(i === 0 ? served.url : `${served.url}/?again=${i}`);
      await page
        .locator('[role="row"][data-service]')
        .nth(n - 1)
        .waitFor({ timeout: 120_000 });
      tti.push(
        await page.evaluate<number>(
          "performance.getEntriesByName('tend-interactive')[0]?.startTime ?? Number.NaN",
        ),
      );
      if (i === 0) transfer = await page.evaluate<number>(transferScript);
    }
    const figures: Figures = { [`web_tti_ms@${n}`]: round(median(tti)) };
    if (firstLoad) figures.web_first_load_kb = round(transfer / 1024, 1);

    // the whole table changes at once: how soon the page shows it, and whether it stutters
    const seen: number[] = [];
    const frames: number[] = [];
    for (let i = 0; i < trials; i++) {
      await page.evaluate(startFrames);
      const t0 = now();
      served.tend('stop', 'all', '--no-wait');
      await allRows('inactive');
      seen.push(now() - t0);
      frames.push(await page.evaluate<number>(stopFrames));
      served.tend('start', 'all');
      await allRows('running');
    }
    figures[`web_stopall_seen_ms@${n}`] = round(median(seen));
    figures[`web_longest_frame_ms@${n}`] = round(median(frames));
    return figures;
  } finally {
    for (const fn of cleanups.reverse()) await fn();
    served?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export const web: Scenario = {
  name: 'web',
  description:
    'the web page in chromium with N services: first-load bytes, time to interactive, a stop-all seen live',
  peers: ['tend'],
  async run({ options }) {
    const figures: Figures = {};
    for (const [i, n] of options.sizes.entries()) Object.assign(figures, await measure(n, i === 0));
    return figures;
  },
};
