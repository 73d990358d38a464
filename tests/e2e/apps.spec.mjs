// Issue 14: one wasm per app. The call screen (index.html), practice, the supervisor's console and
// review are each their own page with their own wasm: a page loads only its own, so adding a screen
// to one app never adds to another. Practice, console and review say what is coming, by keyboard,
// axe clean, and reflow at 320 CSS pixels.
import { test, expect } from '@playwright/test';
import { StandalonePage, expectNoAxeViolations } from './pages.mjs';

const APPS = [
  { page: 'practice.html', title: 'Practice', wasm: 'incident-desk-practice_bg.wasm' },
  { page: 'console.html', title: "Supervisor's console", wasm: 'incident-desk-console_bg.wasm' },
  { page: 'review.html', title: 'Review', wasm: 'incident-desk-review_bg.wasm' },
];
const ALL_WASM = ['incident-desk_bg.wasm', ...APPS.map((a) => a.wasm)];

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
