// The built widget end to end: standalone, inside a host page's iframe, and with every kind of bad
// pack an organisation might point it at. Every screen is scanned with axe-core.
import { test, expect } from '@playwright/test';
import { DemoHostPage, StandalonePage, expectNoAxeViolations } from './pages.mjs';

const DEFAULT_PACK_PATH = new URL('../../packs/council-out-of-hours.json', import.meta.url).pathname;
const GREETING =
  'Northbridge Borough Council out-of-hours emergency line, [your name] speaking. Is anyone in immediate danger?';

test.beforeEach(async ({ page }, testInfo) => {
  // Any uncaught error or console error fails the test: a handler's widget must not be broken.
  testInfo.errors = [];
  page.on('pageerror', (error) => testInfo.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !testInfo.title.includes('[expects network error]')) {
      testInfo.errors.push(`console: ${message.text()} (${message.location().url})`);
    }
  });
});

test.afterEach(async ({}, testInfo) => {
  expect(testInfo.errors, 'page errors').toEqual([]);
});

test('standalone: shows the organisation and its greeting from the default pack', async ({ page }) => {
  const widget = await new StandalonePage(page).open();
  await expect(widget.organisation()).toHaveText('Northbridge Borough Council');
  await expect(widget.greeting()).toContainText(GREETING);
  await expect(widget.packProblem()).toHaveCount(0);
  await expect(page).toHaveTitle('Incident Desk');
  await expectNoAxeViolations(page);
});

test('demo host: the widget runs inside the host page iframe', async ({ page }) => {
  const host = new DemoHostPage(page);
  const widget = await host.open();
  await expect(host.heading()).toBeVisible();
  await expect(widget.organisation()).toHaveText('Northbridge Borough Council');
  await expect(widget.greeting()).toContainText(GREETING);
  await expectNoAxeViolations(page, { iframes: false });
  await expectNoAxeViolations(host.widgetFrame());
});

const BAD_PACKS = [
  {
    file: 'empty.json',
    title: 'Procedure pack is empty',
    message: 'The procedure pack file is empty.',
  },
  {
    file: 'web-page.html',
    title: 'A web page, not a procedure pack',
    message: 'The pack file is probably missing or the address is wrong.',
  },
  {
    file: 'not-json.json',
    title: 'Procedure pack is not valid JSON',
    message: 'not valid JSON at line 5, column 3: expected `,` or `}`',
    facts: { Line: '5', Column: '3' },
  },
  {
    file: 'wrong-shape.json',
    title: 'Procedure pack has the wrong shape',
    message: 'invalid type: number `42`, expected text in double quotes',
    facts: { 'JSON path': 'organisation.name', Line: '6', Column: '14' },
  },
  {
    file: 'unknown-field.json',
    title: 'Procedure pack has the wrong shape',
    message: 'unknown field `greting`',
    facts: { 'JSON path': 'wording.greting', Line: '5' },
  },
  {
    file: 'wrong-format.json',
    title: 'Procedure pack format not supported',
    message: 'the pack says "incident-desk/pack@9"',
  },
  {
    file: 'bad-placeholder.json',
    title: 'Procedure pack has problems',
    message: 'The procedure pack has 2 problems.',
    problems: [
      'wording.greeting: unknown placeholder {agnet} at character 7; the placeholders are {agent}, {organisation}, {reference}, {caller_name}, {callback}, {location}, {code_title}, {attend_within} and {deploy_within}',
      'wording.closing: must not be empty',
    ],
  },
];

for (const bad of BAD_PACKS) {
  test(`bad pack ${bad.file}: says what is wrong and where`, async ({ page }) => {
    const url = `/fixtures/packs/${bad.file}`;
    const widget = await new StandalonePage(page).open(url);
    const problem = widget.packProblem();
    await expect(problem.getByRole('heading', { level: 2 })).toHaveText(bad.title);
    await expect(problem).toContainText(bad.message);
    await expect(widget.fact('Pack address')).toHaveText(url);
    for (const [term, value] of Object.entries(bad.facts ?? {})) {
      await expect(widget.fact(term)).toHaveText(value);
    }
    if (bad.problems) await expect(widget.problems()).toHaveText(bad.problems);
    await expectNoAxeViolations(page);
  });
}

test('missing pack: not found, with the address it tried [expects network error]', async ({ page }) => {
  const widget = await new StandalonePage(page).open('/packs/no-such-pack.json');
  await expect(widget.packProblem().getByRole('heading')).toHaveText('Procedure pack not found');
  await expect(widget.packProblem()).toContainText('HTTP 404');
  await expect(widget.fact('Pack address')).toHaveText('/packs/no-such-pack.json');
  await expectNoAxeViolations(page);
});

test('oversized pack: refused with the limit [expects network error]', async ({ page }) => {
  await page.route('**/big-pack.json', (route) =>
    route.fulfill({ status: 200, contentType: 'application/json', body: ' '.repeat(5 * 1024 * 1024 + 1) }),
  );
  const widget = await new StandalonePage(page).open('/big-pack.json');
  await expect(widget.packProblem().getByRole('heading')).toHaveText('Procedure pack too large');
  await expect(widget.packProblem()).toContainText('over the limit of 5.0 MB');
});

test('keyboard: Tab reaches "Try again" and Enter fetches the pack again', async ({ page }) => {
  let requests = 0;
  await page.route('**/flaky-pack.json', async (route) => {
    requests += 1;
    if (requests === 1) return route.fulfill({ status: 200, contentType: 'application/json', body: '' });
    return route.fulfill({ path: DEFAULT_PACK_PATH, contentType: 'application/json' });
  });
  const widget = await new StandalonePage(page).open('/flaky-pack.json');
  await expect(widget.packProblem().getByRole('heading')).toHaveText('Procedure pack is empty');
  await page.keyboard.press('Tab');
  await expect(widget.retry()).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(widget.organisation()).toHaveText('Northbridge Borough Council');
  expect(requests).toBe(2);
});

test('browse procedures: the default pack section by section, by keyboard, codes filtered', async ({ page }) => {
  const widget = await new StandalonePage(page).open();
  await widget.browseProcedures().focus();
  await page.keyboard.press('Enter');
  await expect(widget.browseProcedures()).toHaveAttribute('aria-expanded', 'true');
  await expect(widget.preview()).toBeVisible();
  const codes = widget.previewSection('Incident codes');
  await codes.locator('summary').focus();
  await page.keyboard.press('Enter');
  const filter = codes.getByRole('searchbox', { name: 'Filter codes' });
  await filter.fill('gas');
  const rows = codes.getByRole('table', { name: 'Incident codes' }).locator('tbody tr');
  await expect(rows.first()).toBeVisible();
  for (const row of await rows.allInnerTexts()) expect(row.toLowerCase()).toContain('gas');
  const escalation = widget.previewSection('Escalation');
  await escalation.locator('summary').click();
  await expect(escalation.getByRole('table')).toContainText('Duty manager');
  await expectNoAxeViolations(page);
  await widget.browseProcedures().press('Enter');
  await expect(widget.preview()).toHaveCount(0);
});

test('second pack: a housing association, nothing hard-coded', async ({ page }) => {
  const widget = await new StandalonePage(page).open('packs/housing-repairs.json');
  await expect(widget.organisation()).toHaveText('Hillside Homes');
  await expect(widget.greeting()).toContainText('Hillside Homes');
  await expect(widget.greeting()).not.toContainText('Northbridge');
  await widget.browseProcedures().click();
  await expect(widget.previewSection('Incident codes').locator('summary')).toHaveText(/^Incident codes \(\d+\)$/);
  await expectNoAxeViolations(page);
});
