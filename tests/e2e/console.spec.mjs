// Issue 17: the supervisor's console, standalone (no host CRM): an incident deployed, tasked and
// monitored until closed, by keyboard only, at 1366×768, with the browser's clock under the
// test's control. Two units (one acknowledging late: the alert, a chase), both clear, and the
// incident closes with its outcome; a refusal says why beside its control; the board survives a
// reload and another tab of the browser sees each change. Its own wasm only; axe clean; reflows
// at 320 px. With IDK_SCREENS=<dir>, the screens are saved there.
import { test, expect } from '@playwright/test';
import { CallDesk, StandalonePage, completeFloodingCall, expectNoAxeViolations, floodingCallToCode } from './pages.mjs';

/** Monday 7 December 2026, 10:00 GMT: within every unit's hours. */
const START = new Date('2026-12-07T10:00:00Z');

async function screen(page, name) {
  const dir = process.env.IDK_SCREENS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

/** Moves focus to `locator` by pressing Tab (at most `limit` times), as a keyboard user would. */
async function tabTo(page, locator, limit = 80) {
  for (let i = 0; i < limit; i += 1) {
    if (await locator.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press('Tab');
  }
  await expect(locator).toBeFocused();
}

function errorsOf(page) {
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return errors;
}

test('an incident from opening to closed: deploy two units, task them, an overdue acknowledgement alerts, chase, both clear, closed with its outcome', async ({ page, context }) => {
  const errors = errorsOf(page);
  const fetched = [];
  page.on('request', (r) => r.url().endsWith('.wasm') && fetched.push(new URL(r.url()).pathname.split('/').pop()));
  await page.clock.install({ time: START });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/console.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Supervisor's console");
  expect(fetched).toEqual(['incident-desk-console_bg.wasm']);
  await expect(page.getByRole('heading', { name: 'Alerts: none' })).toBeVisible();
  await expect(page.getByText('No open incidents.')).toBeVisible();
  await expectNoAxeViolations(page);

  // Open an incident by hand, by keyboard.
  const opener = page.locator('summary', { hasText: 'Open an incident by hand' });
  await tabTo(page, opener);
  await page.keyboard.press('Enter');
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Reference (left blank: the next INC number)')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByLabel('Incident code')).toBeFocused();
  await page.getByLabel('Incident code').selectOption('HW-FLD-01');
  await expect(page.getByLabel('Priority')).toHaveValue('P2');
  await page.getByLabel('Location').fill('B1234 at Mill Lane, Kestle');
  await page.getByLabel('What is happening (no personal data)').fill('Road flooded across both lanes');
  await page.getByLabel('What is happening (no personal data)').press('Enter');
  const heading = page.locator('#idk-incident-heading');
  await expect(heading).toHaveText('INC-0001 · HW-FLD-01 Flooding on the highway · P2');
  await expect(heading).toBeFocused();
  // Opened, the form is empty again: the same incident is not one Enter from opening twice.
  await expect(page.getByLabel('Location')).toHaveValue('');
  await expect(page.getByLabel('Incident code')).toHaveValue('');
  await expect(page.getByRole('button', { name: /^INC-0001/ })).toHaveAttribute('aria-current', 'true');
  // The clocks come from the priority: a unit tasked within 30 minutes, on scene within 120.
  const clocks = page.getByRole('table', { name: "Clocks, from the procedures' targets" });
  await expect(clocks.getByRole('row', { name: /a unit to be tasked/ })).toContainText(/in (30:00|29:\d\d)/);

  // The zone first: units there are proposed first, each with why.
  await page.getByLabel('Zone (units there are proposed first)').selectOption('North');
  await page.getByRole('button', { name: 'Set the zone' }).press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'Zone set to North' })).toBeVisible();
  const plan = page.getByRole('table', { name: /Highways crew: the plan asks for 1, 0 out/ });
  await expect(plan.getByRole('row').nth(1)).toContainText('HIGHWAYS 1');
  await expect(plan.getByRole('row').nth(1)).toContainText('available, in zone North');
  await expect(plan.getByRole('row', { name: /HIGHWAYS 3/ })).toContainText('committed elsewhere');
  await screen(page, '23-console-incident');

  // Deploy HIGHWAYS 1: focus goes to its tasking, on the channel proposed, with the message.
  await plan.getByRole('button', { name: 'Deploy HIGHWAYS 1' }).press('Enter');
  const channel1 = page.locator('#idk-compose-1');
  await expect(channel1).toBeFocused();
  // The council's rule: radio first for P2, and why.
  await expect(channel1).toHaveValue('radio');
  await expect(page.getByText("Proposed: Council operations radio: the procedure's first choice for P2 calls")).toBeVisible();
  const message1 = page.getByLabel('Tasking message: its responsibilities and the response expected');
  // Changed to the data channel, the message is the data channel's JSON; back to radio, the
  // radio's conventions.
  await channel1.selectOption('data');
  await expect(message1).toHaveValue(/"incident":"INC-0001"/);
  await channel1.selectOption('radio');
  await expect(message1).toHaveValue(/^HIGHWAYS 1 \(Hotel India Golf Hotel Whiskey Alpha Yankee Sierra One\), this is Control\./);
  await expect(message1).toHaveValue(/Acknowledge within 5 minutes with your expected arrival time; Report on scene, due by 12:00; Update every 30 minutes until you clear\. Over\.$/);
  await screen(page, '24-console-tasking');
  await page.getByRole('button', { name: 'Record the tasking as sent' }).press('Enter');
  await expect(page.locator('#idk-deployment-1')).toBeFocused();
  await expect(page.getByRole('listitem').filter({ has: page.locator('#idk-deployment-1') })).toContainText('tasked 10:00 by radio');

  // A second unit, sent anyway with a reason: HIGHWAYS 3 is committed elsewhere.
  const more = page.getByRole('table', { name: /Highways crew: the plan asks for 1, 1 out \(enough\)/ });
  await more.getByLabel('Reason to send HIGHWAYS 3 anyway').fill('Second crew for the diversion');
  await more.getByRole('button', { name: 'Deploy HIGHWAYS 3 anyway' }).press('Enter');
  await expect(page.locator('#idk-compose-2')).toBeFocused();
  await page.clock.runFor(60_000);
  await page.locator('#idk-compose-2').press('Tab');
  await expect(page.locator('#idk-tasking-2')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Record the tasking as sent' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#idk-deployment-2')).toBeFocused();

  // A refusal is said beside its control: closing with units out.
  await page.getByLabel('Outcome').fill('Road reopened');
  await page.getByLabel('Outcome').press('Enter');
  await expect(page.getByRole('alert').filter({ hasText: 'Not done: units are still deployed (HIGHWAYS 1, HIGHWAYS 3): clear or stand them down first.' })).toBeVisible();

  // HIGHWAYS 3 acknowledges in time; HIGHWAYS 1 does not: at 10:05:01 its alert appears.
  await page.getByLabel('Arriving in (minutes, if the unit said)').nth(1).fill('15');
  await page.getByLabel('Arriving in (minutes, if the unit said)').nth(1).press('Enter');
  await page.clock.runFor(4 * 60_000 + 2_000);
  const alert = page.getByRole('alert').filter({ hasText: 'INC-0001: HIGHWAYS 1 has not acknowledged (due 10:05)' });
  await expect(alert).toBeVisible();
  // In view, though the supervisor is down at the deployments: the alerts keep to the top.
  await expect(alert).toBeInViewport();
  await expect(page.getByRole('heading', { name: 'Alerts: 1 overdue' })).toBeVisible();
  await expect(clocks.getByRole('row', { name: /HIGHWAYS 1 to acknowledge/ })).toContainText('overdue by');
  await screen(page, '25-console-alert');
  await expectNoAxeViolations(page);

  // Chase from the alert, by keyboard: recorded, and the alert stays until the unit answers.
  // Each action names what it acts on.
  const chase = page.getByRole('button', { name: 'Chase HIGHWAYS 1 (INC-0001)' });
  await expect(page.getByRole('button', { name: 'Redeploy HIGHWAYS 1 (INC-0001)' })).toBeVisible();
  // From down at the deployments, key A goes to the alerts, and Tab to the first action.
  await expect(page.locator('#idk-deployment-2')).toBeFocused();
  await page.keyboard.press('a');
  await expect(page.getByRole('heading', { name: 'Alerts: 1 overdue' })).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(chase).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('status').filter({ hasText: 'HIGHWAYS 1 chased for an acknowledgement' })).toBeVisible();
  await expect(page.locator('.idk-alert').getByText(/^Chased at 10:0\d$/)).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'HIGHWAYS 1 chased for an acknowledgement' })).toBeVisible();
  await page.clock.runFor(10 * 60_000);
  await expect(alert).toBeVisible();
  await page.getByLabel('Arriving in (minutes, if the unit said)').first().fill('10');
  await page.getByLabel('Arriving in (minutes, if the unit said)').first().press('Enter');
  await expect(alert).toHaveCount(0);
  await expect(page.getByRole('heading', { name: 'Alerts: none' })).toBeVisible();
  await expect(clocks.getByRole('row', { name: /HIGHWAYS 1 to acknowledge/ })).toContainText(/met late at 10:1[56]/);

  // Another tab of this browser sees the board, and each change, as it is made.
  const other = await context.newPage();
  await other.clock.install({ time: new Date(START.getTime() + 16 * 60_000) });
  await other.goto('/console.html');
  await expect(other.locator('#idk-incident-heading')).toHaveText('INC-0001 · HW-FLD-01 Flooding on the highway · P2');

  // Both on scene, both clear; then the incident closes with its outcome.
  for (const n of [1, 2]) {
    const item = page.getByRole('listitem').filter({ has: page.locator(`#idk-deployment-${n}`) });
    await item.getByRole('button', { name: 'On scene' }).press('Enter');
    await expect(item).toContainText('on scene');
  }
  await expect(other.getByRole('listitem').filter({ has: other.locator('#idk-deployment-1') })).toContainText('on scene');
  for (const n of [1, 2]) {
    const item = page.getByRole('listitem').filter({ has: page.locator(`#idk-deployment-${n}`) });
    await item.getByRole('button', { name: 'Cleared' }).press('Enter');
    await expect(item).toContainText('cleared');
  }
  await page.getByLabel('Outcome').fill('Road reopened, gullies cleared');
  await page.getByLabel('Outcome').press('Enter');
  await expect(heading).toHaveText('INC-0001 · HW-FLD-01 Flooding on the highway · P2 (closed)');
  await expect(heading).toBeFocused();
  await expect(page.getByText('No open incidents.')).toBeVisible();
  await expect(page.getByRole('list').filter({ hasText: 'Closed: Road reopened, gullies cleared' })).toBeVisible();
  await expect(other.getByText('No open incidents.')).toBeVisible();
  await screen(page, '26-console-closed');

  // Closed means saved: after a reload the incident is still closed, with its timeline.
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByText('No open incidents.')).toBeVisible();
  const kept = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('incident-desk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const get = open.result.transaction('kv').objectStore('kv').get('console:board');
          get.onsuccess = () => resolve(JSON.parse(get.result));
          get.onerror = () => reject(get.error);
        };
      }),
  );
  expect(kept.incidents).toHaveLength(1);
  expect(kept.incidents[0].closed.outcome).toBe('Road reopened, gullies cleared');
  expect(kept.incidents[0].deployments.map((d) => d.override_reason ?? null)).toEqual([null, 'Second crew for the diversion']);

  // After the pack's retention (30 days by default), the closed incident goes from this browser
  // when the console next opens, and the console says so.
  const later = await context.newPage();
  await later.clock.install({ time: new Date(START.getTime() + 31 * 24 * 60 * 60 * 1000) });
  await later.goto('/console.html');
  await expect(
    later.getByRole('status').filter({ hasText: '1 closed incident(s) or decided deviation(s) older than 30 days were removed from this browser' }),
  ).toBeVisible();
  await expect(later.getByRole('button', { name: /^INC-0001/ })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('the console reflows at 320 px, axe clean, and units can be set by hand', async ({ page }) => {
  const errors = errorsOf(page);
  await page.clock.install({ time: START });
  await page.setViewportSize({ width: 320, height: 640 });
  await page.goto('/console.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  const status = page.getByLabel('Status of HIGHWAYS 1');
  await status.selectOption('off_duty');
  await expect(page.getByRole('status').filter({ hasText: 'HIGHWAYS 1 off duty' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Status of HIGHWAYS 1')).toHaveValue('off_duty');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test('a call closed on the call screen in this browser becomes an incident on the console at once, without the caller\'s details', async ({ page, context }) => {
  const errors = errorsOf(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/console.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByText('No open incidents.')).toBeVisible();

  // A handler in another tab takes a flooding call on the standalone call screen and closes it.
  const handler = await context.newPage();
  await new StandalonePage(handler).open();
  const desk = new CallDesk(handler);
  await floodingCallToCode(desk);
  await completeFloodingCall(desk);

  // The console shows it at once, opened from the call, with who is vulnerable left out.
  const choice = page.getByRole('button', { name: /^INC-0001 P1 · HW-FLD-01 Flooding on the highway · Station Road by the primary school/ });
  await expect(choice).toBeVisible();
  await choice.press('Enter');
  const heading = page.locator('#idk-incident-heading');
  await expect(heading).toBeFocused();
  await expect(heading).toHaveText('INC-0001 · HW-FLD-01 Flooding on the highway · P1');
  await expect(page.getByRole('definition').filter({ hasText: 'yes: details in the call\'s log' })).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'The road is flooding outside the school' })).toBeVisible();
  await expect(page.getByRole('list').filter({ hasText: /Opened from call answered .* taken by handler/ })).toBeVisible();
  await expect(page.getByRole('table', { name: /Highways crew: the plan asks for 1, 0 out/ })).toBeVisible();
  await expectNoAxeViolations(page);

  // Kept on the board without the caller's details; the hand-over itself is gone from the store.
  const stored = await page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('incident-desk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const store = open.result.transaction('kv').objectStore('kv');
          const keys = store.getAllKeys();
          keys.onsuccess = () => {
            const get = store.get('console:board');
            get.onsuccess = () => resolve({ keys: keys.result, board: get.result });
          };
        };
      }),
  );
  expect(stored.keys.filter((k) => k.startsWith('console:inbox:'))).toEqual([]);
  expect(stored.board).not.toContain('Alex Morgan');
  expect(stored.board).not.toContain('01632');
  expect(stored.board).not.toContain('walking frame');

  // The procedure check (F13): the call's deviations, each with the handler's reason.
  const check = page.getByRole('region', { name: /^Procedure check: \d+ deviations? to review$/ });
  await expect(check).toBeVisible();
  const declined = check.getByRole('listitem').filter({ hasText: /escalation to .* declined/ }).first();
  await expect(declined).toContainText('Reason given: Supervisor is listening in');
  await expect(declined).toContainText(/Call answered 2026-\d\d-\d\dT\d\d:\d\d:\d\dZ · taken by handler · HW-FLD-01/);
  const waiting = await check.getByRole('button', { name: /^Sign off: / }).count();
  // Raised for coaching without a note: refused, focus on the note.
  const coach = declined.getByRole('button', { name: /^Raise for coaching: escalation to .* declined/ });
  await coach.press('Enter');
  await expect(check.getByRole('alert')).toHaveText('Not done: what to coach on is required.');
  const note = declined.getByLabel('Note (what to coach on: required to raise it for coaching)');
  await expect(note).toBeFocused();
  await page.keyboard.type('Escalate as proposed; the supervisor listening in is not a reason to decline');
  await coach.press('Enter');
  await expect(check.getByRole('status')).toContainText(': raised for coaching');
  const decided = page.getByRole('list', { name: 'Decided (the latest 10)' });
  await expect(decided.getByRole('listitem').first()).toContainText(/raised for coaching by supervisor at \d\d:\d\d: Escalate as proposed/);
  await expect(check.getByRole('button', { name: /^Sign off: / })).toHaveCount(waiting - 1);
  // Focus goes on to the next one waiting (or the heading when none is left).
  if (waiting > 1) {
    await expect(check.getByRole('button', { name: /^Sign off: / }).first()).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(check.getByRole('button', { name: /^Sign off: / })).toHaveCount(waiting - 2);
    await expect(decided.getByRole('listitem').first()).toContainText(/signed off by supervisor/);
  } else {
    await expect(page.locator('#idk-review-title')).toBeFocused();
  }
  await expectNoAxeViolations(page);
  await screen(page, '28-console-procedure-check');
  // Decided is kept: after a reload it is still decided.
  await page.reload();
  await expect(page.getByRole('list', { name: 'Decided (the latest 10)' }).getByRole('listitem').filter({ hasText: 'raised for coaching' })).toHaveCount(1);
  expect(errors).toEqual([]);
});

test('opened by hand, an incident has its code\'s organisations: told by a named contact, acknowledged with their reference, focus kept on the organisation', async ({ page }) => {
  const errors = errorsOf(page);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/console.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await page.locator('summary', { hasText: 'Open an incident by hand' }).press('Enter');
  await page.getByLabel('Incident code').selectOption('HW-RTC-01');
  await expect(page.getByLabel('Priority')).toHaveValue('P1');
  await page.getByLabel('Zone, if known').selectOption('South');
  await page.getByLabel('Location').fill('A40 at the Kestle roundabout');
  await page.getByLabel('Location').press('Enter');
  await expect(page.locator('#idk-incident-heading')).toBeFocused();
  const plan = page.getByRole('table', { name: /Highways crew/ });
  await expect(plan.getByRole('row').nth(1)).toContainText('available, in zone South');
  const police = page.getByRole('listitem').filter({ has: page.locator('#idk-org-police') });
  await expect(police).toContainText('Northshire Police · not told yet');
  await police.getByLabel('Tell Northshire Police by').selectOption({ label: 'Telephone: 101' });
  await police.getByRole('button', { name: 'Record as told' }).press('Enter');
  await expect(page.locator('#idk-org-police')).toBeFocused();
  await expect(police).toContainText('by Telephone: 101, waiting to acknowledge');
  await police.getByLabel('Their reference, if given').fill('NP-77');
  await police.getByRole('button', { name: 'Acknowledged' }).press('Enter');
  await expect(page.locator('#idk-org-police')).toBeFocused();
  await expect(police).toContainText('their reference NP-77');
  await expect(page.getByRole('list').filter({ hasText: 'Northshire Police told by Telephone: 101' })).toBeVisible();
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test('a code\'s named deadlines are clocks: an alert when one passes, recorded as met by keyboard, dated when days away', async ({ page }) => {
  const errors = errorsOf(page);
  await page.clock.install({ time: START });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/console.html?pack=packs/water-incident-line.json');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await page.locator('summary', { hasText: 'Open an incident by hand' }).press('Enter');
  await page.getByLabel('Incident code').selectOption('WQ-ILL-01');
  await page.getByLabel('Location').fill('4 Weir Road, Alderbury');
  await page.getByLabel('Location').press('Enter');
  await expect(page.locator('#idk-incident-heading')).toBeFocused();
  const deadlines = page.getByRole('list', { name: 'Deadlines, from the procedures' });
  await expect(deadlines.getByRole('listitem')).toHaveCount(3);
  await expect(deadlines.getByRole('listitem').first()).toContainText(/^Water quality scientist told: in (30:00|29:\d\d)/);
  const clocks = page.getByRole('table', { name: "Clocks, from the procedures' targets" });
  await expect(clocks.getByRole('row', { name: /^Water quality scientist told/ })).toContainText('10:30');
  // Three working days after a Monday: its date is shown, not only its time.
  await expect(clocks.getByRole('row', { name: /^Interim report of a notified event/ })).toContainText(/10 Dec/);

  // Past it: the alert, whose action is to escalate.
  await page.clock.fastForward('31:00');
  const alert = page.getByRole('alert').filter({ hasText: 'INC-0001: Deadline passed: Water quality scientist told (due 10:30)' });
  await expect(alert).toBeVisible();
  await expect(page.getByRole('button', { name: 'Escalate (INC-0001): Deadline passed: Water quality scientist told' })).toBeVisible();
  await expectNoAxeViolations(page);

  // Recorded as met, by keyboard: the alert goes, the clock says it was met late.
  const met = page.getByRole('button', { name: 'Record as met: Water quality scientist told' });
  await tabTo(page, met);
  await page.keyboard.press('Enter');
  await expect(page.locator('#idk-deadline-scientist-told')).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'Deadline met: Water quality scientist told' })).toBeVisible();
  await expect(alert).toHaveCount(0);
  await expect(met).toHaveCount(0);
  await expect(deadlines.getByRole('listitem').first()).toContainText(/^Water quality scientist told: met late at 10:3\d$/);
  await expect(page.getByRole('list').filter({ hasText: 'Deadline met: Water quality scientist told' }).last()).toBeVisible();
  await screen(page, '27-console-deadlines');
  expect(errors).toEqual([]);
});
