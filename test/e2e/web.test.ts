/**
 * The web page in a real browser (Debian's chromium) against a real daemon with three
 * services: the login and its refusals, the live table, actions and their effect on the
 * page, logs that follow and search, every view scanned by axe-core, and a screenshot of each
 * view in test-results/ for a reviewer to look at.
 */
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import type { Page } from 'playwright-core';
import { builtPage, firstPage, launchBrowser, seriousViolations } from '../browser.ts';
import { type Env, root, startDaemon, tend, testEnv } from '../cli.ts';
import { waitFor } from '../helpers.ts';

/** What the page's elements give the test, without the DOM types in the test's own build. */
interface Attributed {
  getAttribute(name: string): string | null;
}

const shots = path.join(root, 'test-results', 'web');

const config = `
[services.db]
args = ["sleep", "1000"]

[services.api]
command = "tail -n +1 -F input.txt"
requires = ["db"]

[services.worker]
command = "trap 'echo got-usr1' USR1; echo worker up; echo worker warning >&2; while :; do sleep 1 & wait $!; done"

[cron.nightly]
schedule = "0 3 * * *"
job_template = { command = "echo nightly" }
`;

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

async function assertAccessible(page: Page, view: string): Promise<void> {
  const found = await seriousViolations(page);
  assert.deepEqual(found, [], `${view}: axe found serious or critical violations`);
}

/** The text of an instance's row cell, as the page shows it now. */
function cell(page: Page, service: string, which: 'pid' | 'state'): Promise<string> {
  const row = page.locator(`[role="row"][data-service="${service}"]`);
  return which === 'pid'
    ? row
        .locator('[data-pid]')
        .textContent()
        .then((s) => s ?? '')
    : row.getAttribute('data-state').then((s) => s ?? '');
}

async function navigate(page: Page, label: string, heading: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: label }).click();
  await page.getByRole('heading', { level: 1, name: heading }).waitFor();
}

test('the web page, in chromium against a real daemon: login, live table, actions, logs, every view', async (t) => {
  mkdirSync(shots, { recursive: true });
  const base = testEnv(t);
  const webDir = await builtPage(t);
  const e: Env = { ...base, env: { ...base.env, TEND_WEB_DIR: webDir } };
  writeFileSync(path.join(e.dir, 'input.txt'), 'first line\n');
  writeFileSync(path.join(e.dir, 'tend.toml'), config);
  const d = await startDaemon(t, e, ['tend.toml', '--http', '127.0.0.1:0']);
  const url = await waitFor(
    'the HTTP API to listen',
    () => /HTTP API on (http:\/\/[^\s"]+)/.exec(d.output())?.[1],
  );
  const token = (await tend(e, ['token'])).stdout.trim();
  const context = await launchBrowser(t);
  const page = await firstPage(context);
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.stack ?? err.message));

  await t.test('without a token nothing but the login renders', async () => {
    await page.goto(url);
    await page.locator('#login').waitFor();
    assert.equal(await page.locator('#app > *').count(), 1);
    assert.equal(await page.locator('nav, table, header, #main').count(), 0);
    await shot(page, 'login');
    await assertAccessible(page, 'login');
  });

  await t.test('a wrong token shows a clear message and still nothing else', async () => {
    await page.getByLabel('API token').fill('tend_not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    const problem = page.locator('#login-problem');
    await problem.waitFor();
    assert.match(
      String(await problem.textContent()),
      /tend refused this token: the bearer token is wrong.*tend token/,
    );
    assert.equal(await page.locator('nav, table').count(), 0);
    await shot(page, 'login-refused');
    await assertAccessible(page, 'login with a refusal');
  });

  await t.test('the token signs in: the three services are rows, live', async () => {
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('[role="row"][data-service]').nth(2).waitFor();
    const rows = await page
      .locator('[role="row"][data-service]')
      .evaluateAll((trs) => trs.map((r) => (r as unknown as Attributed).getAttribute('data-service')));
    assert.deepEqual(rows, ['api', 'db', 'worker']);
    await waitFor('every row running', async () => (await cell(page, 'worker', 'state')) === 'running');
    // the token is kept for the tab, and only there: never in the URL
    assert.equal(await page.evaluate(() => sessionStorage.getItem('tend.token')), token);
    assert.ok(!page.url().includes(token));
    await shot(page, 'services');
    await assertAccessible(page, 'services');
  });

  await t.test('restart one: its PID changes on the page', async () => {
    const before = await cell(page, 'api', 'pid');
    assert.match(before, /^\d+$/);
    await page.getByRole('button', { name: 'Restart api' }).click();
    await page.getByRole('status').filter({ hasText: 'restarted: api running' }).waitFor();
    await waitFor('a new PID for api', async () => {
      const now = await cell(page, 'api', 'pid');
      return /^\d+$/.test(now) && now !== before;
    });
  });

  await t.test(
    "a line printed after the page opened appears in the service's log view, and search finds it",
    async () => {
      await page.getByRole('link', { name: 'api', exact: true }).first().click();
      await page.getByRole('heading', { level: 1, name: 'api' }).waitFor();
      const log = page.getByRole('log', { name: 'Log lines of api' });
      await log.getByText('first line').first().waitFor();
      const marker = `hello from the test ${Date.now()}`;
      appendFileSync(path.join(e.dir, 'input.txt'), `${marker}\n`);
      await log.getByText(marker).waitFor();
      await page.locator('#log-search').fill('hello from the');
      await page
        .locator('#log-count')
        .filter({ hasText: /^1 of \d+ lines match/ })
        .waitFor();
      assert.deepEqual(await log.locator('.line .text').allInnerTexts(), [marker]);
      assert.equal(await log.locator('mark').textContent(), 'hello from the');
      // the download is fetched with the token and saved from memory: no URL carries it
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download' }).click(),
      ]);
      assert.equal(download.suggestedFilename(), 'api.log');
      const saved = await download.path();
      assert.match(readFileSync(saved, 'utf8'), new RegExp(`^\\S+ api stdout ${marker}$`, 'm'));
      await page.locator('#log-search').fill('');
      await page.locator('.chart').first().waitFor();
      await shot(page, 'service-api');
      await assertAccessible(page, "a service's page");
    },
  );

  await t.test('kill with a signal reaches the service, and stderr can be shown alone', async () => {
    await page.goto(`${url}/#/service/worker`);
    await page.getByRole('heading', { level: 1, name: 'worker' }).waitFor();
    const log = page.getByRole('log', { name: 'Log lines of worker' });
    await log.getByText('worker up').waitFor();
    await page.getByLabel('Signal').selectOption('SIGUSR1');
    await page.getByRole('button', { name: 'Send signal' }).click();
    await page.getByRole('status').filter({ hasText: 'SIGUSR1 sent to worker' }).waitFor();
    await log.getByText('got-usr1').waitFor();
    await page.getByLabel('stderr only').check();
    await page
      .locator('#log-count')
      .filter({ hasText: /^\d+ of \d+ lines match/ })
      .waitFor();
    const streams = await log
      .locator('.line')
      .evaluateAll((ls) => ls.map((l) => (l as unknown as Attributed).getAttribute('data-stream')));
    assert.ok(streams.length > 0 && streams.every((s) => s === 'stderr'), `only stderr lines: ${streams}`);
    assert.ok((await log.locator('.line .text').allInnerTexts()).includes('worker warning'));
    assert.equal(await log.getByText('got-usr1').count(), 0, 'the stdout line is filtered out');
  });

  await t.test('scale changes the instances the page shows', async () => {
    await page.getByRole('spinbutton', { name: 'Instances' }).fill('2');
    await page.getByRole('button', { name: 'Scale' }).click();
    await page.locator('[role="row"][data-service="worker:1"][data-state="running"]').waitFor();
    await page.getByRole('spinbutton', { name: 'Instances' }).fill('1');
    await page.getByRole('button', { name: 'Scale' }).click();
    await page.locator('[role="row"][data-service="worker"]').waitFor();
    assert.equal(await page.locator('[role="row"][data-service^="worker:"]').count(), 0);
  });

  await t.test('stop one: its row turns inactive', async () => {
    await navigate(page, 'Services', 'Services');
    await page.getByRole('button', { name: 'Stop worker' }).click();
    await waitFor(
      'worker inactive on the page',
      async () => (await cell(page, 'worker', 'state')) === 'inactive',
    );
    assert.equal(
      await page.locator('[role="row"][data-service="worker"] .badge').textContent(),
      '○ inactive',
    );
    await page.getByRole('status').filter({ hasText: 'stopped: worker inactive' }).waitFor();
  });

  await t.test('keyboard alone reaches an action and runs it', async () => {
    await page.locator('body').focus();
    let found = false;
    for (let i = 0; i < 80 && !found; i++) {
      await page.keyboard.press('Tab');
      found = await page.evaluate("document.activeElement?.getAttribute('aria-label') === 'Start worker'");
    }
    assert.ok(found, 'Tab reaches the start button of worker');
    const outline = await page.evaluate('getComputedStyle(document.activeElement).outlineStyle');
    assert.equal(outline, 'solid', 'the focused button shows a focus ring');
    await page.keyboard.press('Enter');
    await waitFor('worker running again', async () => (await cell(page, 'worker', 'state')) === 'running');
  });

  await t.test('jobs, graph and events views render live and pass the scan', async () => {
    await navigate(page, 'Jobs', 'Jobs and cron jobs');
    await page.locator('tr[data-cron="nightly"]').waitFor();
    await page.getByRole('button', { name: 'Trigger nightly now' }).click();
    await page.locator('tr[data-run^="nightly-"]').filter({ hasText: 'Succeeded' }).waitFor();
    await page.getByRole('button', { name: 'Suspend nightly' }).click();
    await page.locator('tr[data-cron="nightly"]').filter({ hasText: 'suspended' }).waitFor();
    await shot(page, 'jobs');
    await assertAccessible(page, 'jobs');

    await navigate(page, 'Graph', 'Dependency graph');
    await page.locator('[data-node="api"]').waitFor();
    assert.equal(await page.locator('[data-node]').count(), 3);
    assert.equal(await page.locator('path.edge-requires').count(), 1);
    await shot(page, 'graph');
    await assertAccessible(page, 'graph');

    await navigate(page, 'Events', 'Events');
    await page
      .locator('.events li')
      .filter({ hasText: 'worker' })
      .filter({ hasText: 'inactive' })
      .first()
      .waitFor();
    await shot(page, 'events');
    await assertAccessible(page, 'events');
  });

  await t.test('dark theme from the system, and phone width, stay readable', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await navigate(page, 'Services', 'Services');
    await page.locator('[role="row"][data-service]').nth(2).waitFor();
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    assert.equal(bg, 'rgb(17, 19, 21)');
    await shot(page, 'services-dark');
    await assertAccessible(page, 'services, dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 390, height: 844 });
    await shot(page, 'services-phone');
    const overflow = await page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `the page itself does not scroll sideways at phone width (by ${overflow}px)`);
    await assertAccessible(page, 'services, phone width');
  });

  await t.test('a read token shows the table without a single action button', async () => {
    const viewer = JSON.parse(
      (await tend(e, ['token', 'add', 'viewer', '--scope', 'read', '--json'])).stdout,
    ) as {
      token: string;
    };
    const reader = await context.newPage();
    reader.on('pageerror', (err) => problems.push(err.stack ?? err.message));
    await reader.goto(url);
    await reader.getByLabel('API token').fill(viewer.token);
    await reader.getByRole('button', { name: 'Sign in' }).click();
    await reader.locator('[role="row"][data-service]').nth(2).waitFor();
    assert.equal(await reader.getByRole('button', { name: /^(Start|Stop|Restart|Kill) / }).count(), 0);
    assert.equal(
      await page.getByRole('button', { name: 'Restart api' }).count(),
      1,
      'the admin page keeps its own',
    );
    await reader.close();
  });

  assert.deepEqual(problems, [], 'no script error on the page');
});
