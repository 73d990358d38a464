// Issue 15: a call on the third shipped pack (a water company's 24-hour incident line), keyboard
// only, in the host page: a burst main whose water floods a sewer continues into the flooding
// tree, an outcome adds the Environment Agency to notify, two specialist routes apply, a field of
// the company's own is required for the final code and refused when it does not fit, the closing
// words fill the code's title, and the host receives the entry with all of it. axe on each screen.
// With IDK_SCREENS=<dir>, the screens are saved there at 1366×768.
import { test, expect } from '@playwright/test';
import { CallDesk, CrmHostPage, DemoHostPage, expectNoAxeViolations } from './pages.mjs';

const PACK = '?pack=packs/water-incident-line.json';

/**
 * Saves the page to $IDK_SCREENS/<name>.png when asked to (the committed screenshots), with
 * `shown` scrolled into view first if given.
 */
async function screen(page, name, shown) {
  const dir = process.env.IDK_SCREENS;
  if (!dir) return;
  if (shown) await shown.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${dir}/${name}.png` });
}

test('a burst main into a sewer, continued into flooding, with a route, a notification and a field of the pack\'s own', async ({ page }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  const host = new DemoHostPage(page);
  const widget = await host.open(PACK);
  await expect(widget.organisation()).toHaveText('Aldermoor Water');
  const desk = host.callDesk();
  const scan = async () => expectNoAxeViolations(host.widgetFrame());

  await desk.answer();
  await desk.safetyNet();
  await desk.type('What is happening', 'Water gushing out of the road from a burst main, going down the drain');
  await desk.type('Location', 'Outside 3 Mill Lane, Aldermoor');
  await desk.startSuggested('Burst main or leak');
  await desk.press(1); // from the road
  await desk.press(3); // no gas, no cables
  // Into a sewer: the burst's code so far, and the flooding tree's first question.
  await desk.press(2);
  await expect(desk.question()).toHaveText(/^Is the water clean, or is it sewage/);
  await expect(desk.question()).toBeFocused();
  await expect(desk.decision()).toContainText('BM-BUR-01');
  await expect(desk.why().filter({ hasText: 'Continued with: Flooding from our mains or sewers' })).toHaveCount(1);
  await screen(page, '12-continued-into-flooding');
  await scan();

  await desk.press(2); // sewage
  await desk.press(2); // in the garden
  await desk.press(1); // yes, into a stream
  await desk.typeAnswer('Alder Brook, about 20 metres away');
  await expect(desk.decision()).toContainText('WW-FLD-02');
  await expect(desk.decision()).toContainText('priority P1');
  // "Why this code": both trees' answers, and where the first continued.
  const why = desk.why();
  await expect(why.first()).toHaveText('Burst main or leak:');
  await expect(why.filter({ hasText: 'Flooding from our mains or sewers:' })).toHaveCount(1);
  await expect(why.last()).toContainText('Alder Brook, about 20 metres away');
  // The code's named deadlines, then the burst's, each with when it falls.
  const deadlines = desk.decision().getByRole('list', { name: 'Deadlines' }).getByRole('listitem');
  await expect(deadlines.first()).toHaveText(/^Attend sewage flooding outside a property: by \d+ \w+ \d{4}, \d\d:\d\d \(within 4 hours\)$/);
  await expect(deadlines.last()).toContainText('Restore the supply');
  await screen(page, '16-code-with-its-deadlines', deadlines.first());

  // The outcome adds the Environment Agency to notify.
  const organisations = desk.organisations();
  await expect(organisations.getByText('Environment Agency incident hotline (to notify for this code)')).toBeVisible();
  // Both trees' routes apply: network control (the burst) and the environment officer (the stream).
  const routes = desk.region.getByRole('region', { name: 'Specialist routes for this call' });
  await expect(routes.locator('summary')).toHaveText([/^Network control/, /^Environment/]);
  await routes.getByRole('textbox').last().focus();
  await page.keyboard.type('Jo on call');
  const contact = routes.getByRole('button', { name: /^Record contacted by / }).last();
  await contact.focus();
  await page.keyboard.press('Enter');
  await expect(routes.getByRole('heading', { name: 'Specialist routes for this call' })).toBeFocused();
  await expect(routes.locator('summary').last()).toContainText('(contacted)');
  await screen(page, '13-routes-and-notify-for-the-outcome');
  await scan();

  // The pack's own field, required for this code: a number, refused when it is not one.
  const properties = desk.region.getByLabel(/^Properties affected/);
  await expect(desk.region.locator('label', { hasText: /^Properties affected/ })).toContainText('(required)');
  await properties.focus();
  await page.keyboard.type('a few');
  await page.keyboard.press('Tab');
  await expect(desk.alert()).toContainText('"a few" is not a number');
  await screen(page, '14-own-field-refused-in-words', properties);
  await properties.focus();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('3');
  await page.keyboard.press('Tab');
  await expect(desk.alert()).toHaveCount(0);
  await screen(page, '15-own-field-recorded', properties);
  await scan();

  await desk.type('Callback number', '07700 900456');
  await desk.type("Caller's name", 'Robin Hale');
  await desk.declineProposals('Network control already told');
  // The closing words fill the code's title; the reference waits for the CRM.
  await desk.close();
  await expect(desk.closeDialog()).toContainText("I've logged this as Sewage flooding outside");
  await expect(desk.closeDialog()).toContainText('[incident reference from the CRM]');
  await scan();
  await desk.keepOpen();
  await desk.close({ reason: 'Caller rang off before the advice' });
  await expect(desk.closeDialog()).toBeHidden({ timeout: 15_000 });
  await expect(desk.region).toContainText('Call closed.');

  await expect(host.receivedEntries()).toHaveCount(1);
  const entry = JSON.parse(await host.receivedEntries().first().locator('pre').textContent());
  expect(entry.decision).toMatchObject({ code: 'WW-FLD-02', priority: 'P1' });
  expect(entry.tree).toBe('flooding');
  expect(entry.stages).toEqual([{ tree: 'burst-leak', outcome: 'o-bm-into-sewer', code: 'BM-BUR-01', priority: 'P1' }]);
  expect(entry.custom_fields).toEqual({ properties_affected: 3 });
  expect(entry.notify).toEqual(['environment-agency']);
  expect(entry.routes).toEqual(['network-control', 'env-officer']);
  expect(entry.events.find((e) => e.type === 'tree_continued')).toMatchObject({ from: 'burst-leak', to: 'flooding' });
  expect(entry.events.find((e) => e.type === 'route_contacted')).toMatchObject({ route: 'env-officer', spoken_to: 'Jo on call' });
  expect(entry.events.filter((e) => e.type === 'custom_field')).toEqual([
    expect.objectContaining({ field: 'properties_affected', value: '3' }),
  ]);
});

test('the pack preview shows the sections a water company adds', async ({ page }) => {
  const host = new DemoHostPage(page);
  const widget = await host.open(PACK);
  await widget.browseProcedures().click();
  for (const title of [/^Log fields of the organisation's own \(9\)$/, /^Specialist routes \(5\)$/, /^Outcomes that continue, notify or route \(\d+\)$/, /^Kinds of live notice \(3\)$/, /^Working calendar \(1\)$/]) {
    await expect(widget.preview().locator('summary').filter({ hasText: title })).toHaveCount(1);
  }
  const fields = widget.previewSection("Log fields of the organisation's own");
  await fields.locator('summary').click();
  await expect(fields.getByRole('table')).toContainText('Priority Services Register');
  await expectNoAxeViolations(host.widgetFrame());
});

test('a boil-water notice the CRM sends applies to a call in its area: shown, its advice due, its limit in force', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  const host = new CrmHostPage(page);
  const widget = await host.open(PACK);
  await expect(widget.organisation()).toHaveText('Aldermoor Water');
  await host.connected();
  await host.send('notices.set', {
    notices: [
      { id: 'BWN-2027-04', kind: 'boil-water', title: 'Boil water notice: Alderbury', areas: ['AL2'], text: 'Boil and cool all tap water you might swallow.' },
      { id: 'DND-2027-01', kind: 'do-not-drink', title: 'Do not drink notice: Hill End', areas: ['AL9'] },
    ],
  });
  const desk = new CallDesk(page, host.widget.root);
  await desk.answer();
  await desk.safetyNet();
  // Not in the area yet: nothing shown.
  const notices = desk.region.getByRole('region', { name: 'Notices in force here' });
  await expect(notices).toHaveCount(0);
  await desk.type('Location', '12 High Street, Alderbury, AL2 4XY');
  await expect(notices.getByRole('listitem')).toHaveCount(1);
  await expect(notices).toContainText('Boil water notice: Alderbury Boil and cool all tap water you might swallow.');
  // Its advice is due at once, first in "Give now".
  const giveNow = desk.region.getByRole('list', { name: 'Give now' });
  await expect(giveNow).toContainText('There is a boil water notice for your area.');
  await screen(page, '17-boil-water-notice-for-the-callers-area', notices);
  await expectNoAxeViolations(host.widgetFrame());
});
