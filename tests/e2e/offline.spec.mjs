// Issue 16, offline: after one visit the practice page works with no network (its service worker,
// sw.js, keeps the page, its wasm, the packs and the scenarios), and a new deployment is picked up
// on the next visit, its old cache removed. Attempts and the record are kept in IndexedDB and
// survive the reload. axe on each screen.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test, expect } from '@playwright/test';
import { CallDesk, expectNoAxeViolations, storedData } from './pages.mjs';

const here = new URL('.', import.meta.url).pathname;
const root = path.resolve(here, '../..');

async function ready(page) {
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
}

async function offlineReady(page) {
  await expect(page.getByRole('status').filter({ hasText: /^Offline use: ready\./ })).toBeVisible({ timeout: 60_000 });
}

test('after one visit, with the network off: the page reloads, a scenario is taken to the end by keyboard, scored, kept, printed', async ({ page, context }) => {
  test.setTimeout(120_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/practice.html');
  await ready(page);
  await offlineReady(page);

  await context.setOffline(true);
  await page.reload();
  await ready(page);
  await expect(page.getByRole('heading', { name: 'Scenarios for Northbridge Borough Council (procedures version 2026.12.1)' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Take the call: / })).toHaveCount(17);
  await offlineReady(page);
  await expectNoAxeViolations(page);

  // Another pack's scenarios, offline too.
  await page.goto('/practice.html?pack=packs/housing-repairs.json');
  await ready(page);
  await expect(page.getByRole('heading', { name: /^Scenarios for Hillside Homes/ })).toBeVisible();
  await page.goto('/practice.html');
  await ready(page);
  // The knowledge check's own page and wasm, offline too.
  await page.getByRole('link', { name: 'Take a knowledge check' }).click();
  await ready(page);
  await expect(page.getByRole('heading', { name: /^Questions from the procedures of Northbridge Borough Council/ })).toBeVisible();
  await page.goto('/practice.html');
  await ready(page);

  // A coaching call by keyboard, to the end.
  await page.getByRole('button', { name: "Take the call: Used needles by the swings in a children's play area" }).focus();
  await page.keyboard.press('Enter');
  const transcript = page.getByRole('list', { name: 'What has been said, newest first' });
  await expect(transcript).toContainText("Hi, I'd like to report some needles.");
  const desk = new CallDesk(page);
  await page.getByRole('button', { name: 'Say the greeting' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('group', { name: 'Ask the caller for' }).getByRole('button', { name: 'Location' }).focus();
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText('The play area at Alder Park, off Linnet Way');
  await desk.type('Location', 'Play area, Alder Park, off Linnet Way');
  // Coaching as the call goes: what was done, then what is still expected with the words to use.
  const coaching = page.getByRole('list', { name: 'Coaching so far' });
  await expect(coaching.getByRole('listitem').first()).toContainText(/^Done: /);
  await expect(coaching).toContainText("Done: Opened with the organisation's greeting.");
  await expect(coaching.getByRole('listitem').filter({ hasText: /^Still expected: .*Words to use: / }).first()).toBeVisible();
  if (process.env.IDK_SCREENS) await page.screenshot({ path: `${process.env.IDK_SCREENS}/22-practice-coaching.png` });
  await desk.type("Caller's name", 'Tom Beckett');
  await desk.type('Callback number', '07700 900695');
  await desk.safetyNet();
  await desk.type('What is happening', 'Used needles dumped under the swings');
  await desk.startSuggested('Hazardous waste, needles or dead animal');
  await desk.press(1);
  await desk.press(1);
  await expect(desk.decision()).toContainText('SC-NDL-01');
  await desk.type('Hazards', 'Five or six used needles under the swings');
  // The in-call reference loads the procedures' own wasm: kept for offline use too.
  await expectNoAxeViolations(page);
  await desk.close({ reason: 'Practice call' });
  await expect(page.getByRole('heading', { name: /^Your score: \d+ of \d+ \(\d+%\)$/ })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Kept in your practice record in this browser.' })).toBeVisible();
  await expectNoAxeViolations(page);

  // Print: the score and its points, not the controls.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { name: /^Your score: / })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Points by area' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Take this call again' })).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  // The record, still offline, after a reload, and on the practice record's page.
  await page.reload();
  await ready(page);
  await expect(page.getByRole('status').filter({ hasText: '1 attempt and 0 knowledge checks kept in this browser.' })).toBeVisible();
  await page.getByRole('link', { name: 'Open your practice record' }).focus();
  await page.keyboard.press('Enter');
  await ready(page);
  const attempts = page.getByRole('table', { name: 'Scores over time, as a table' }).locator('tbody tr');
  await expect(attempts).toHaveCount(1);
  await expect(attempts.first()).toContainText('Coaching');
  expect(JSON.parse((await storedData(page, 'practice:evidence')).value).attempts).toHaveLength(1);
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test('a new deployment is picked up on the next visit, and the old cache removed', async ({ browser }) => {
  test.setTimeout(120_000);
  // A deployment of its own: a copy of the build, served on another port, changed below.
  const dir = mkdtempSync(path.join(tmpdir(), 'idk-offline-'));
  cpSync(path.join(root, 'dist'), dir, { recursive: true });
  const port = 4180 + (test.info().parallelIndex % 10);
  const server = spawn(process.execPath, [path.join(root, 'tests/support/static-server.mjs'), '--port', String(port), '--mount', `/=${dir}`], { stdio: 'ignore' });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const url = `http://127.0.0.1:${port}/practice.html`;
    await expect.poll(async () => (await fetch(url).catch(() => null))?.status ?? 0, { timeout: 10_000 }).toBe(200);
    const marker = () => page.evaluate(() => getComputedStyle(document.documentElement).getPropertyValue('--idk-deployment').trim());
    // Whether the stylesheet applies (a page whose integrity value does not match it has none).
    const styled = () => page.evaluate(() => getComputedStyle(document.body).margin !== '8px');
    const cacheNames = () => page.evaluate(() => caches.keys());

    await page.goto(url);
    await ready(page);
    await offlineReady(page);
    const first = await cacheNames();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^incident-desk-practice-[0-9a-f]{16}$/);
    expect(await marker()).toBe('');

    // The next deployment: a changed stylesheet (kept, so served from the cache until then).
    // (with the page's integrity value for it, as the build writes it).
    const css = path.join(dir, 'main.css');
    const before = `sha384-${createHash('sha384').update(readFileSync(css)).digest('base64')}`;
    appendFileSync(css, '\n:root{--idk-deployment:2}\n');
    const after = `sha384-${createHash('sha384').update(readFileSync(css)).digest('base64')}`;
    const html = path.join(dir, 'practice.html');
    expect(readFileSync(html, 'utf8')).toContain(before);
    writeFileSync(html, readFileSync(html, 'utf8').replace(before, after));
    const built = spawn(process.execPath, [path.join(root, 'scripts/precache.mjs'), dir], { stdio: 'ignore' });
    await new Promise((resolve, reject) => built.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`precache exited ${code}`)))));

    // This visit still runs what was kept; the browser finds the new worker and keeps the new files.
    await page.reload();
    await ready(page);
    expect(await marker()).toBe('');
    expect(await styled()).toBe(true);
    // Once the new worker is active, only its cache is left.
    await expect
      .poll(async () => { const names = await cacheNames(); return names.length === 1 && names[0] !== first[0]; }, { timeout: 30_000 })
      .toBe(true);

    // The visit after runs the new deployment, online and offline.
    await page.reload();
    await ready(page);
    expect(await marker()).toBe('2');
    expect(await styled()).toBe(true);
    await context.setOffline(true);
    await page.reload();
    await ready(page);
    expect(await marker()).toBe('2');
    await expect(page.getByRole('button', { name: /^Take the call: / })).toHaveCount(17);
  } finally {
    await context.close();
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
