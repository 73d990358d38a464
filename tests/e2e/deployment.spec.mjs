// Issue 12: the deployment, not the page, decides where entries may go (docs/deployment.md).
//
// - The widget's page is sent with a Content-Security-Policy header: its meta policy plus
//   frame-ancestors naming 'self' and the hosts in the served deployment.json.
// - A page on an origin not in that list cannot frame the widget at all: Chromium blocks the frame
//   (the widget never loads in it, so it never says hello); the same page on an allowed origin can.
// - Deployment settings that cannot be used (invalid, missing) allow no host: the widget works,
//   says `data-incident-desk-deployment="error"` on its page, and a host on the list gets no hello.
// - The release build holds only what a deployment serves: its own deployment.json allows nothing
//   (the test server serves deployment.dev.json in its place), it has no demo page (the test
//   server mounts demo/ from the source tree), and no file in it names a development origin.
import { test, expect } from '@playwright/test';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DemoHostPage, StandalonePage } from './pages.mjs';

const ROOT = new URL('../../', import.meta.url);
const DIST = new URL('dist/', ROOT);
const HOSTS = ['http://127.0.0.1:4173', 'http://127.0.0.1:8080', 'http://localhost:8080'];
const FRAME_TITLE = 'Incident Desk call handling';

/** The Content-Security-Policy of the built index.html's meta element. */
function metaPolicy() {
  const page = readFileSync(new URL('index.html', DIST), 'utf8');
  return page.match(/http-equiv="Content-Security-Policy"\s+content="([^"]*)"/)[1];
}

test.beforeEach(async ({ page }, testInfo) => {
  testInfo.errors = [];
  page.on('pageerror', (error) => testInfo.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    // A refused frame and a missing file are the browser's own reports of what these tests do.
    const expected = /frame-ancestors|Failed to load resource/.test(message.text());
    if (message.type() === 'error' && !expected) testInfo.errors.push(`console: ${message.text()}`);
  });
});

test.afterEach(async ({}, testInfo) => {
  expect(testInfo.errors, 'page errors').toEqual([]);
});

test('the widget page is sent with frame-ancestors naming the deployment\'s hosts', async ({ request }) => {
  const expected = `${metaPolicy()}; frame-ancestors 'self' ${HOSTS.join(' ')}`;
  for (const path of ['/', '/index.html', '/index.html?pack=packs/housing-repairs.json']) {
    const answer = await request.get(path);
    expect(answer.status(), path).toBe(200);
    expect(answer.headers()['content-security-policy'], path).toBe(expected);
  }
  // The settings themselves are served beside the page, as the widget reads them.
  const settings = await (await request.get('/deployment.json')).json();
  expect(settings).toMatchObject({ format: 'incident-desk/deployment@1', hosts: HOSTS });
  // The meta tag of old is gone: the page names no hosts of its own.
  expect(readFileSync(new URL('index.html', DIST), 'utf8')).not.toContain('incident-desk-hosts');
  // Other files (the demo host page, a pack) are not the widget's page.
  for (const path of ['/demo/host.html', '/packs/council-out-of-hours.json']) {
    expect((await request.get(path)).headers()['content-security-policy'], path).toBeUndefined();
  }
});

/**
 * Opens the bare host page (tests/fixtures/hosts/frame.html, no policy of its own) on `hostOrigin`,
 * framing the widget page on `widgetOrigin`. Returns a function giving the frame's address, and
 * the browser's reports of refused frames. (The host page must come from the server, not from a
 * test's route: Chromium's local network access checks block a loopback frame in a page of
 * unknown address.)
 */
async function frameFrom(page, hostOrigin, widgetOrigin) {
  const refusals = [];
  page.on('console', (message) => {
    if (/frame-ancestors/.test(message.text())) refusals.push(message.text());
  });
  // The page's load event waits for its frame, whether the widget or the browser's error page.
  await page.goto(`${hostOrigin}/fixtures/hosts/frame.html?widget=${widgetOrigin}/index.html`);
  return { url: () => page.frames().find((f) => f !== page.mainFrame())?.url(), refusals };
}

test('a page on an origin not in the deployment cannot frame the widget; an allowed one can', async ({ page, context }) => {
  const { port } = new URL(test.info().project.use.baseURL);
  // localhost is this server on another origin than 127.0.0.1, and localhost:<port> is not listed.
  const blocked = await frameFrom(page, `http://localhost:${port}`, `http://127.0.0.1:${port}`);
  // Chromium shows its error page in place of the widget, and says why: nothing of it runs.
  await expect.poll(blocked.url).toBe('chrome-error://chromewebdata/');
  await expect.poll(() => blocked.refusals.length).toBe(1);
  expect(blocked.refusals[0]).toContain(`frame-ancestors 'self' ${HOSTS.join(' ')}`);
  await page.waitForTimeout(1_000);
  await expect(page.frameLocator('iframe').locator('html[data-incident-desk]')).toHaveCount(0);

  // The same page from an allowed origin (127.0.0.1:<port>) frames the widget, which settles.
  const other = await context.newPage();
  const allowed = await frameFrom(other, `http://127.0.0.1:${port}`, `http://localhost:${port}`);
  await expect.poll(allowed.url).toBe(`http://localhost:${port}/index.html`);
  await expect(other.frameLocator('iframe').locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  expect(allowed.refusals).toEqual([]);
});

test('with usable settings the widget page says so and an allowed host gets its hello', async ({ page }) => {
  const host = new DemoHostPage(page);
  await host.open();
  await expect(page.getByRole('status').filter({ hasText: 'Connected to the widget.' })).toHaveCount(1);
  await expect(page.frameLocator(`iframe[title="${FRAME_TITLE}"]`).locator('html')).toHaveAttribute('data-incident-desk-deployment', 'loaded');
});

for (const [what, answer] of [
  ['not JSON', { status: 200, contentType: 'application/json', body: '{"format": "incident-desk/deployment@1", "hosts": [' }],
  ['a host that is not https', { status: 200, contentType: 'application/json', body: JSON.stringify({ format: 'incident-desk/deployment@1', hosts: ['http://127.0.0.1:4173', 'http://crm.example.org'], endpoints: [] }) }],
  ['missing', { status: 404, contentType: 'text/plain', body: 'not found' }],
]) {
  test(`settings that are ${what} allow no host: the widget works and its page says so`, async ({ page }) => {
    await page.route('**/deployment.json', (route) => route.fulfill(answer));
    const host = new DemoHostPage(page);
    const widget = await host.open();
    const frame = page.frameLocator(`iframe[title="${FRAME_TITLE}"]`);
    await expect(frame.locator('html')).toHaveAttribute('data-incident-desk-deployment', 'error');
    // The widget itself works; only the host hears nothing (it is on the list the file would give).
    await expect(widget.organisation()).toHaveText('Northbridge Borough Council');
    await expect(frame.getByRole('button', { name: 'Answer call' })).toBeVisible();
    await page.waitForTimeout(1_500);
    await expect(page.getByRole('status').filter({ hasText: 'Waiting for the widget…' })).toHaveCount(1);

    // The standalone page says so too.
    await new StandalonePage(page).open();
    await expect(page.locator('html')).toHaveAttribute('data-incident-desk-deployment', 'error');
  });
}

/** Every file in the build, as paths relative to dist/ with `/` between folders, sorted. */
function builtFiles() {
  const dist = fileURLToPath(DIST);
  return readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dist, path.join(entry.parentPath ?? entry.path, entry.name)).split(path.sep).join('/'))
    .sort();
}

// This machine by name (localhost, 127.0.0.0/8, [::1]), and an origin on it: a scheme or a port.
const THIS_MACHINE = /localhost|127(?:\.\d{1,3}){3}|\[::1\]/;
const DEVELOPMENT_ORIGIN = /(?:https?:\/\/(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]))|(?:(?:localhost|127(?:\.\d{1,3}){3}|\[::1\]):\d)/;

test('the release build carries no development origin: its deployment.json allows nothing, it holds no demo page, and no file names this machine', async () => {
  const shipped = JSON.parse(readFileSync(new URL('deployment.json', DIST), 'utf8'));
  expect(shipped).toEqual({ format: 'incident-desk/deployment@1', hosts: [], endpoints: [] });

  // Only what a deployment serves: the apps' own pages (each built from a page at the top of the
  // repository: index.html, the call screen, and the other apps'), and no demo host page or file.
  const files = builtFiles();
  expect(files, 'the built files').toContain('index.html');
  const demo = readdirSync(new URL('demo/', ROOT));
  expect(files.filter((file) => file.startsWith('demo/') || demo.includes(path.posix.basename(file))), 'demo files in dist').toEqual([]);
  const pages = files.filter((file) => file.endsWith('.html'));
  expect(pages.filter((file) => file.includes('/') || !existsSync(new URL(file, ROOT))), 'pages in dist that are no app\'s').toEqual([]);

  // No file names this machine: the text files not at all, the wasm not as an origin (its error
  // messages explain the loopback rule by name; their examples use the documentation addresses).
  for (const file of files) {
    const text = readFileSync(new URL(file, DIST), 'latin1');
    if (file.endsWith('.wasm')) {
      expect(text, file).not.toMatch(DEVELOPMENT_ORIGIN);
    } else {
      expect(text, file).not.toMatch(THIS_MACHINE);
    }
  }
});
