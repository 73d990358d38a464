// Issue 14: one wasm per app. The call screen (index.html), practice, the supervisor's console and
// review are each their own page with their own wasm: a page loads only its own, so adding a screen
// to one app never adds to another. Review says what is coming, by keyboard, axe clean, and
// reflows at 320 CSS pixels (the console is tested in console.spec.mjs).
import { test, expect } from '@playwright/test';
import { StandalonePage, expectNoAxeViolations } from './pages.mjs';

const APPS = [{ page: 'review.html', title: 'Review', wasm: 'incident-desk-review_bg.wasm' }];
const ALL_WASM = [
  'incident-desk_bg.wasm',
  'incident-desk-practice_bg.wasm',
  'incident-desk-console_bg.wasm',
  ...APPS.map((a) => a.wasm),
];

/** The wasm files a page fetched. */
function wasmFetched(page) {
  const fetched = [];
  page.on('request', (request) => {
    const name = new URL(request.url()).pathname.split('/').pop();
    if (name.endsWith('.wasm')) fetched.push(name);
  });
  return fetched;
}

test('the call screen loads its own wasm and no other app', async ({ page }) => {
  const fetched = wasmFetched(page);
  await new StandalonePage(page).open();
  await expect(page.getByRole('button', { name: 'Answer call' })).toBeVisible();
  expect(fetched).toEqual(['incident-desk_bg.wasm']);
});

for (const app of APPS) {
  test(`${app.page}: its own wasm, says what is coming, and leads back to the call screen by keyboard`, async ({ page }) => {
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    const fetched = wasmFetched(page);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`/${app.page}`);
    await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(app.title);
    await expect(page.getByRole('heading', { name: 'Coming next' })).toBeVisible();
    await expect(page.getByRole('listitem').first()).toBeVisible();
    expect(fetched).toEqual([app.wasm]);
    expect(ALL_WASM.filter((w) => w !== app.wasm).some((w) => fetched.includes(w))).toBe(false);
    await expectNoAxeViolations(page);

    // By keyboard: the first Tab reaches the link to the call screen, and Enter follows it.
    await page.keyboard.press('Tab');
    const link = page.getByRole('link', { name: 'call screen' });
    await expect(link).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/index\.html$/);
    await expect(page.getByRole('button', { name: 'Answer call' })).toBeVisible();

    // Reflow (WCAG 1.4.10): at 320 CSS pixels nothing scrolls sideways.
    await page.setViewportSize({ width: 320, height: 640 });
    await page.goto(`/${app.page}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(app.title);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(errors).toEqual([]);
  });
}

// The procedures (the pack preview) are their own wasm: procedures.html shows them on a page of
// their own, and the call screen loads that wasm only when a handler first opens them (so the
// preview weighs nothing on the call screen until then, issue 14's budget).
test('procedures.html: the pack at ?pack= on a page of its own, its own wasm, by keyboard, axe clean, reflows at 320', async ({ page }) => {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const fetched = wasmFetched(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/procedures.html?pack=packs/water-incident-line.json');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Procedures');
  await expect(page.getByRole('heading', { level: 2 })).toHaveText('Procedures: Aldermoor Water');
  expect(fetched).toEqual(['incident-desk-procedures_bg.wasm']);
  // By keyboard: the link back to the call screen, then each section's summary opens with Enter.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'call screen' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('summary').first()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('details').first()).toHaveAttribute('open', '');
  await expectNoAxeViolations(page);
  await page.setViewportSize({ width: 320, height: 640 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);

  // A pack that cannot be used says what and where, as the call screen does.
  await page.goto('/procedures.html?pack=fixtures/packs/not-json.json');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'pack-error');
  await expect(page.getByRole('alert')).toContainText('not valid JSON');
  expect(errors).toEqual([]);
});

test('the call screen loads the procedures only when opened; offline, it says so and Try again brings them with focus on their heading', async ({ page }) => {
  const fetched = wasmFetched(page);
  const widget = await new StandalonePage(page).open();
  expect(fetched).toEqual(['incident-desk_bg.wasm']);
  // The network drops before the handler opens the procedures.
  await page.route('**/incident-desk-procedures*', (route) => route.abort());
  await widget.browseProcedures().press('Enter');
  const problem = page.getByRole('alert').filter({ hasText: 'The procedures could not be opened' });
  await expect(problem).toBeVisible();
  await expect(problem.getByRole('button', { name: 'Try again' })).toBeVisible();
  await expectNoAxeViolations(page);
  // Back online: Try again, by keyboard; focus follows to the procedures' heading.
  await page.unroute('**/incident-desk-procedures*');
  await problem.getByRole('button', { name: 'Try again' }).focus();
  await page.keyboard.press('Enter');
  await expect(widget.preview()).toBeVisible();
  await expect(page.getByRole('heading', { name: /^Procedures: Northbridge/ })).toBeFocused();
  await expect(problem).toHaveCount(0);
  expect(fetched.filter((w) => w === 'incident-desk-procedures_bg.wasm')).toHaveLength(1);
  // Closed and opened again: drawn again from the module already loaded.
  await widget.browseProcedures().press('Enter');
  await expect(widget.preview()).toHaveCount(0);
  await widget.browseProcedures().press('Enter');
  await expect(widget.preview()).toBeVisible();
  expect(fetched.filter((w) => w === 'incident-desk-procedures_bg.wasm')).toHaveLength(1);
  // Reflow: at 320 CSS pixels an open section's table scrolls in its own box, not the page.
  await page.setViewportSize({ width: 320, height: 640 });
  await widget.previewSection('Services').locator('summary').click();
  await expect(widget.previewSection('Services').getByRole('table')).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
});
