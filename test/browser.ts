/**
 * A real browser for the web page's tests and benchmark: Debian's chromium (never one
 * downloaded at install) driven by playwright-core, in a fresh empty profile, closed after.
 * Also the page's own build into a temporary folder, and an axe-core scan.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AxeResults } from 'axe-core';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.ts';
import { tempDir } from './helpers.ts';

export const chromiumPath = '/usr/bin/chromium';

/** Flags that keep chromium from reaching out (updates, sync, field trials) and from needing a GPU. */
const flags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

type Owner = { after(fn: () => unknown): void };

export async function launchBrowser(
  t: Owner,
  opts: { width?: number; height?: number } = {},
): Promise<BrowserContext> {
  const profile = tempDir(t, 'tend-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: flags,
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 },
  });
  t.after(() => context.close());
  return context;
}

export async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

/** Builds web/ into a temporary folder, to be served with TEND_WEB_DIR. */
export async function builtPage(t: Owner): Promise<string> {
  const dir = path.join(tempDir(t, 'tend-web-'), 'web');
  await buildWeb(dir);
  return dir;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  readonly id: string;
  readonly impact: string;
  readonly help: string;
  readonly targets: string[];
}

/** axe-core's serious and critical violations on the page as it stands. */
export async function seriousViolations(page: Page): Promise<Violation[]> {
  // evaluated through the DevTools protocol, which the page's CSP does not govern
  await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run(),
  );
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}
