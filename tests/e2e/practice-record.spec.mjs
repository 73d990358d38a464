// Issue 16: the practice record (practice-record.html), for a trainee and their assessor. An
// assessor opens a trainee's record from its file, reads the scores over time as a chart (each
// point focusable, its value named) and as a table, the criteria evidenced, records an observation
// and signs an attempt off (final), and downloads the record with it; the opened record survives a
// reload until it is closed; a damaged file is named with the place of its mistake. Printable, axe
// clean, and it reflows at 320 px. With IDK_SCREENS=<dir>, the screens are saved there.
import { test, expect } from '@playwright/test';
import { expectNoAxeViolations } from './pages.mjs';

const FIXTURES = new URL('../fixtures/evidence/', import.meta.url).pathname;

async function screen(page, name) {
  const dir = process.env.IDK_SCREENS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png`, fullPage: true });
}

async function ready(page) {
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
}

test("an assessor opens a trainee's record, reads the chart and its table, observes and signs off, and downloads it", async ({ page }) => {
  test.setTimeout(90_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/practice-record.html');
  await ready(page);
  await expect(page.getByText('Nothing yet: take a practice call or a knowledge check on the')).toBeVisible();
  await expectNoAxeViolations(page);

  await page.getByLabel("Open a trainee's practice record (JSON)").setInputFiles(`${FIXTURES}record.json`);
  const heading = page.getByRole('heading', { name: 'Practice record of Sam Okafor' });
  await expect(heading).toBeFocused();
  await expect(page.getByText('3 attempts (1 signed off) and 1 knowledge check.')).toBeVisible();
  await expect(page.getByText(/^Opened from a file\./)).toBeVisible();

  // The chart: one point per attempt, in order, each reached by Tab and named with its value.
  const chart = page.getByRole('group', { name: 'Scores over time' });
  const points = chart.getByRole('img');
  await expect(points).toHaveCount(3);
  await expect(points.nth(0)).toHaveAccessibleName(/^Attempt 1, .*: Used needles by the swings in a children's play area, coaching, 52%$/);
  await expect(points.nth(2)).toHaveAccessibleName(/^Attempt 3, .*assessment, 92%$/);
  await points.nth(0).focus();
  await page.keyboard.press('Tab');
  await expect(points.nth(1)).toBeFocused();
  await expect(page.locator('.idk-chart-readout')).toHaveText(/^Attempt 2, .*, coaching, 76%$/);
  const table = page.getByRole('table', { name: 'Scores over time, as a table' });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(table.locator('tbody tr').nth(2)).toContainText('Assessment');
  await expect(table.locator('tbody tr').nth(2)).toContainText('92%');
  const criteria = page.getByRole('table', { name: 'Evidence by criterion' });
  await expect(criteria.getByRole('row', { name: /^L2 1\.6 2 0 0$/ })).toBeVisible();
  await expect(criteria.getByRole('row', { name: /^L2 1\.1 3 1 0$/ })).toBeVisible();
  await expect(criteria.getByRole('row', { name: /^L2 3\.1 0 0 1$/ })).toBeVisible();
  // Attempt 1 was signed off before: final, its observation read only.
  await expect(page.getByText(/^Signed off by Priya Shah on /)).toBeVisible();
  await expect(page.getByLabel('Assessor\'s observation')).toHaveCount(2);
  await expectNoAxeViolations(page);
  await screen(page, '21-practice-record');

  // Attempt 3 (the newest, first): an observation, then the sign-off, by keyboard.
  await page.getByLabel('Assessor\'s observation').first().focus();
  await page.keyboard.type('Took control early; gave the needle advice word for word.');
  await page.getByLabel("Assessor's name").first().focus();
  await page.keyboard.type('Priya Shah');
  await page.getByRole('button', { name: 'Sign off attempt 3 (final)' }).focus();
  await page.keyboard.press('Enter');
  const signed = page.getByText(/^Signed off by Priya Shah on /);
  await expect(signed).toHaveCount(2);
  await expect(page.locator('#idk-signed-3')).toBeFocused();
  await expect(page.getByText('Took control early; gave the needle advice word for word.')).toBeVisible();
  await expect(page.getByText('3 attempts (2 signed off) and 1 knowledge check.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign off attempt 3 (final)' })).toHaveCount(0);
  // A sign-off needs the assessor's name: refused, and said so.
  await page.getByRole('button', { name: 'Sign off attempt 2 (final)' }).focus();
  await page.getByLabel("Assessor's name").first().fill('');
  await page.getByRole('button', { name: 'Sign off attempt 2 (final)' }).click();
  // Said beside the button, and focus on the name it needs.
  await expect(page.locator('#idk-assessor-2-problem')).toHaveText("Not signed off: the assessor's name is needed to sign off.");
  await expect(page.locator('#idk-assessor-2')).toBeFocused();
  await expect(page.locator('#idk-assessor-2')).toHaveAttribute('aria-invalid', 'true');

  // Kept until closed: a reload shows it again, signed off.
  await page.reload();
  await ready(page);
  await expect(page.getByRole('heading', { name: 'Practice record of Sam Okafor' })).toBeVisible();
  await expect(page.getByText(/^Signed off by Priya Shah on /)).toHaveCount(2);

  // Downloaded, the file holds the sign-off and the observation.
  const href = await page.getByRole('link', { name: 'Download the record (JSON)' }).getAttribute('href');
  expect(await page.getByRole('link', { name: 'Download the record (JSON)' }).getAttribute('download')).toBe('practice-record-sam-okafor.json');
  const file = JSON.parse(decodeURIComponent(href.replace(/^data:application\/json;charset=utf-8,/, '')));
  expect(file.attempts[2].signed_off.assessor).toBe('Priya Shah');
  expect(file.attempts[2].observation).toBe('Took control early; gave the needle advice word for word.');
  expect(file.attempts[1].signed_off ?? null).toBeNull();

  // Print: the record, not the controls or the file picker.
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('heading', { name: 'Practice record of Sam Okafor' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'For assessors' })).toBeHidden();
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(page.getByLabel("Assessor's name")).toBeHidden();
  await expect(page.getByText(/^Tab to a point|Each attempt's score/)).toBeHidden();
  await page.emulateMedia({ media: 'screen' });

  // 320 px: nothing wider than the page.
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await page.setViewportSize({ width: 1366, height: 768 });

  // Closing a changed record asks first: kept open, focus goes to the download.
  await page.getByRole('button', { name: 'Close the opened record' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#idk-evidence-close-warning')).toBeFocused();
  await page.getByRole('button', { name: 'Keep it open' }).focus();
  await page.keyboard.press('Enter');
  const download = page.getByRole('link', { name: 'Download the record (JSON)' });
  await expect(download).toBeFocused();
  const saved = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  expect((await saved).suggestedFilename()).toBe('practice-record-sam-okafor.json');
  // Downloaded, it closes at once; this browser's own record is shown again, focus on its heading.
  await page.getByRole('button', { name: 'Close the opened record' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Practice record', exact: true, level: 2 })).toBeFocused();
  await expect(page.getByText('Nothing yet: take a practice call or a knowledge check on the')).toBeVisible();
  expect(errors).toEqual([]);
});

test('a damaged record file is named with the place of its mistake, and nothing is lost', async ({ page }) => {
  await page.goto('/practice-record.html');
  await ready(page);
  await page.getByLabel("Open a trainee's practice record (JSON)").setInputFiles(`${FIXTURES}bad-record.json`);
  const alert = page.getByRole('alert').filter({ hasText: 'bad-record.json cannot be opened' });
  await expect(alert).toBeFocused();
  await expect(alert).toContainText(/attempts\[1\]\.earned \(line 76, column \d+\)/);
  await expect(page.getByRole('heading', { name: 'Practice record', exact: true, level: 2 })).toBeVisible();
  await expectNoAxeViolations(page);
});
