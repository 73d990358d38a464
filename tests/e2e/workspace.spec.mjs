// Issue 13: the call screen is a workspace a handler can run a live call from. At 1366×768 (the
// common contact-centre desktop) a handler who only follows the call bar ("Next:", key n) takes a
// gas call from answer to close by keyboard: the page never scrolls (the panes do), focus never
// falls to the body, the give-now advice is on screen before the first tree question, the
// escalation for a vulnerable caller is decided before the close, and axe finds nothing. The same
// call at 320 CSS pixels (400 % zoom) never scrolls sideways; P1 and P4 do not look the same.
import { test, expect } from '@playwright/test';
import { CallDesk, StandalonePage, expectNoAxeViolations } from './pages.mjs';
import { followTheBar, FLOOD_CALL, GAS_CALL, POTHOLE_CALL } from './follow-the-bar.mjs';

test('a gas call (82, lives alone) at 1366×768 by the call bar alone: no page scroll, focus never lost, advice first, escalation decided', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  const bar = page.locator('.idk-call-bar');
  const seen = [];
  // Each step, as the call goes: what the bar says, and whether the give-now advice is on screen.
  page.on('console', () => {});
  const result = await followTheBar(page, page, GAS_CALL);
  for (const s of result.steps) {
    seen.push(s.step);
    expect(s.focusOnBody, `focus after "${s.step}"`).toBe(false);
    expect(s.scrollY, `page scrolled after "${s.step}"`).toBe(0);
    expect(s.pageWidth, `page wider than the screen after "${s.step}"`).toBeLessThanOrEqual(s.viewportWidth);
  }
  // The life-safety words came before the first tree question was asked, and the escalation was
  // decided (not left pending) before the close.
  const firstQuestion = seen.findIndex((s) => /^Next: Ask the question on screen/.test(s));
  const sayNow = seen.findIndex((s) => /^Next: Say now: Don't do anything that could make a spark/.test(s));
  expect(sayNow).toBeGreaterThan(-1);
  expect(sayNow).toBeLessThan(firstQuestion);
  const decided = seen.findIndex((s) => /^Next: Decide the escalation to Duty supervisor/.test(s));
  expect(decided).toBeGreaterThan(-1);
  expect(decided).toBeLessThan(seen.length - 1);
  // The gas code's legislation checklist was led to, item by item, before the close: nothing
  // was left to explain in the review.
  const checks = seen.filter((s) => /^Next: Checklist: /.test(s));
  expect(checks).toEqual([
    'Next: Checklist: Give the gas safety advice before any other question: no switches, no smoking or flames; inside, get out and call 0800 111 999 from outside; in the street, move well away, keep others back and call 0800 111 999. (tick it when done)',
    'Next: Checklist: Record the gas emergency service reference. (tick it when done)',
  ]);
  expect(seen.filter((s) => /^Next: Record why/.test(s))).toEqual([]);
  // Closed: read-only, the timer stopped, the bar says what happens next.
  await expect(bar).toContainText('CLOSED');
  await expect(bar).toContainText('Answer the next call when it rings.');
  const time = await bar.getByRole('timer').innerText();
  await page.waitForTimeout(1500);
  await expect(bar.getByRole('timer')).toHaveText(time);
  await expect(desk.region.getByRole('textbox', { name: 'Location' })).toBeDisabled();
  await expect(desk.region.getByRole('textbox', { name: 'Location' })).toHaveValue(GAS_CALL.location);
  await expectNoAxeViolations(page);
  console.log(`gas call by the call bar: ${result.keys} keys (${result.typed} of them typed characters), ${result.steps.length} steps`);
});

test('while a call is open the call bar shows the priority in words and colour, the flags, and the next step, and it never scrolls away', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  await desk.answer();
  const bar = page.locator('.idk-call-bar');
  await expect(bar).toContainText('Next: Ask: Before we go any further');
  await expect(bar).toContainText('No code yet');
  // A yes to the vulnerable-person question: flagged and proposed at once, in the bar.
  const vulnerable = desk.region.getByRole('radiogroup', { name: /elderly, disabled/ });
  await vulnerable.getByRole('radio', { name: 'Yes', exact: true }).check();
  await expect(bar.getByRole('list', { name: 'Flags' })).toContainText('VULNERABLE');
  await expect(bar.getByRole('list', { name: 'Flags' })).toContainText('ESCALATION PENDING: Duty supervisor');
  await desk.type('Vulnerability', '82, lives alone');
  await expect(bar.getByRole('list', { name: 'Flags' })).toContainText('VULNERABLE: 82, lives alone');
  // P1 in white on red with its name; a P4 code in neither.
  await desk.type('What is happening', 'I can smell gas in the kitchen');
  await desk.startSuggested('Smell of gas or carbon monoxide');
  // Each digit once the question it answers is on screen, as a handler reads before answering.
  await desk.press(3); // a carbon monoxide alarm
  await desk.press(2); // no one unwell
  const p1 = bar.locator('.idk-priority');
  await expect(p1).toHaveText('P1 Immediate danger');
  const colours = await p1.evaluate((el) => [getComputedStyle(el).backgroundColor, getComputedStyle(el).textTransform]);
  expect(colours).toEqual(['rgb(163, 22, 26)', 'uppercase']);
  // Scrolling a pane leaves the bar where it is.
  const before = await bar.boundingBox();
  await page.locator('.idk-pane-say').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  expect(await bar.boundingBox()).toEqual(before);
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expectNoAxeViolations(page);
});

test('the gas call at 320 CSS pixels wide: one column, never a sideways scroll', async ({ page }) => {
  await page.setViewportSize({ width: 320, height: 640 });
  await new StandalonePage(page).open();
  const result = await followTheBar(page, page, GAS_CALL);
  for (const s of result.steps) {
    expect(s.focusOnBody, `focus after "${s.step}"`).toBe(false);
    expect(s.pageWidth, `page wider than 320 after "${s.step}"`).toBeLessThanOrEqual(s.viewportWidth);
  }
  await expectNoAxeViolations(page);
});

for (const [name, scenario] of [['pothole', POTHOLE_CALL], ['flooding', FLOOD_CALL]]) {
  test(`a ${name} call by the call bar alone, at 1366×768: no page scroll, focus never lost`, async ({ page }) => {
    await page.setViewportSize({ width: 1366, height: 768 });
    await new StandalonePage(page).open();
    const result = await followTheBar(page, page, scenario);
    for (const s of result.steps) {
      expect(s.focusOnBody, `focus after "${s.step}"`).toBe(false);
      expect(s.scrollY, `page scrolled after "${s.step}"`).toBe(0);
    }
    await expect(page.locator('.idk-call-bar')).toContainText('CLOSED');
    await expectNoAxeViolations(page);
    console.log(`${name} call by the call bar: ${result.keys} keys (${result.typed} of them typed characters), ${result.steps.length} steps`);
  });
}
