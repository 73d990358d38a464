// Issue 13: a handler on a live call never loses focus and never answers the wrong question. A gas
// call, keyboard only, asserting after every step that focus is somewhere useful (never the page's
// body); digits answer only the question that has focus; Back and Backspace revise the last answer
// (logged as a revision, the code withdrawn); another tree over a coded call asks first; Enter
// records a number; what was done, and what was refused, is said at the control that did it.
import { test, expect } from '@playwright/test';
import { CallDesk, StandalonePage, expectNoAxeViolations } from './pages.mjs';

/** Focus is on an element of the page, not its body (focus moves on a zero-delay timer: poll). */
async function expectFocusUseful(page, step) {
  await expect
    .poll(() => page.evaluate(() => document.activeElement !== null && document.activeElement !== document.body), { message: `focus after: ${step}` })
    .toBe(true);
}

test('a gas call by keyboard: focus always lands on the next thing to do, digits answer only the focused question, Back revises', async ({ page }) => {
  await page.setViewportSize({ width: 1366, height: 768 });
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);

  // Answering the call puts the handler on the first safety question.
  await desk.answer();
  const safety = desk.region.getByRole('group', { name: 'Safety questions (ask every caller)' });
  await expect(safety.getByRole('radiogroup').first().getByRole('radio', { name: 'Yes', exact: true })).toBeFocused();
  await expectFocusUseful(page, 'Answer call');

  await desk.type('What is happening', 'I can smell gas inside the house');
  await desk.startSuggested('Smell of gas or carbon monoxide');
  await expectFocusUseful(page, 'Start tree');
  await expect(desk.question()).toHaveText(/^Where can you smell the gas/);

  // "1" on a safety question's radio is that radio's business: the tree's question stays unasked.
  const firstNo = safety.getByRole('radiogroup').first().getByRole('radio', { name: 'No', exact: true });
  await firstNo.focus();
  await page.keyboard.press('1');
  await expect(firstNo).toBeFocused();
  await expect(desk.question()).toHaveText(/^Where can you smell the gas/);
  await expect(desk.region.getByRole('status').filter({ hasText: /^Back to|^Code/ })).toHaveCount(0);
  // Answered there by the radio's own keys, the safety question keeps focus.
  await page.keyboard.press('Space');
  await expect(firstNo).toBeChecked();
  await expectFocusUseful(page, 'a safety answer');

  // From the question itself, digits answer it, and focus follows to the next question. The
  // heading is the same element from one question to the next and never loses the focus, not even
  // for a moment (a digit typed in that moment would be lost): the views are erased
  // (erase_components), and an erased element drawn again drops its attributes, tabindex included.
  await desk.question().focus();
  await desk.question().evaluate((el) => {
    window.__questionHeading = el;
    window.__questionBlurs = 0;
    el.addEventListener('blur', () => { window.__questionBlurs += 1; });
  });
  await page.keyboard.press('1'); // inside a building
  await expect(desk.question()).toHaveText(/^Has everyone left the building/);
  await expect(desk.question()).toBeFocused();
  expect(await desk.question().evaluate((el) => el === window.__questionHeading && window.__questionBlurs === 0)).toBe(true);

  // Backspace (not typing) goes back; so does the Back button; each is logged as a revision.
  await page.keyboard.press('Backspace');
  await expect(desk.question()).toHaveText(/^Where can you smell the gas/);
  await expect(desk.question()).toBeFocused();
  await expect(desk.region.getByRole('button', { name: 'Back to the previous question' })).toHaveCount(0);
  await page.keyboard.press('1');
  await expect(desk.question()).toHaveText(/^Has everyone left the building/);
  await desk.region.getByRole('button', { name: 'Back to the previous question' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.question()).toHaveText(/^Where can you smell the gas/);
  await expect(desk.question()).toBeFocused();
  await page.keyboard.press('1');
  await expect(desk.question()).toBeFocused();

  // The tree's outcome: focus goes to the advice to give now (before the code), on the "Given"
  // button of the first item still to give.
  await page.keyboard.press('2'); // not everyone has left
  await expect(desk.decision()).toContainText('UT-GAS-01');
  const giveNow = desk.region.getByRole('list', { name: 'Give now' });
  const toGive = giveNow.getByRole('button', { name: /^Given: / });
  await expect(toGive.first()).toBeFocused();
  await expectFocusUseful(page, 'the tree outcome');

  // "Given" changes state at the button, with a 24-hour time, and focus moves to the next one.
  let left = await toGive.count();
  expect(left).toBeGreaterThan(1);
  while (left > 0) {
    await page.keyboard.press('Enter');
    left -= 1;
    await expect(toGive).toHaveCount(left);
    await expectFocusUseful(page, 'Given');
    if (left > 0) await expect(toGive.first()).toBeFocused();
  }
  const given = giveNow.getByRole('button', { name: /^Given ✓ ([01]\d|2[0-3]):[0-5]\d: / });
  await expect(given.first()).toHaveText(/^Given ✓ ([01]\d|2[0-3]):[0-5]\d$/);
  // Nothing left to give: the code is the next thing.
  await expect(desk.region.getByRole('heading', { name: 'Code and priority' })).toBeFocused();

  // Backspace from the code revises the answer that reached it: the code is withdrawn.
  await page.keyboard.press('Backspace');
  await expect(desk.decision()).toHaveCount(0);
  await expect(desk.question()).toHaveText(/^Has everyone left the building/);
  await expect(desk.question()).toBeFocused();
  await page.keyboard.press('2');
  await expect(desk.decision()).toContainText('UT-GAS-01');
  await expect(desk.region.getByRole('heading', { name: 'Code and priority' })).toBeFocused();

  // Another tree over a coded call asks first, with focus on keeping the code.
  await desk.region.getByLabel('Decision tree', { exact: true }).selectOption({ label: 'Flooding' });
  await desk.region.getByRole('button', { name: 'Start tree' }).focus();
  await page.keyboard.press('Enter');
  const confirm = desk.region.getByRole('group', { name: /^This call is already coded UT-GAS-01, priority P1\./ });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Keep the current code' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(confirm).toHaveCount(0);
  await expect(desk.region.getByRole('button', { name: 'Start tree' })).toBeFocused();
  await expect(desk.decision()).toContainText('UT-GAS-01');
  await expect(desk.question()).toHaveCount(0);

  // A refusal shows beside the control that caused it; the decision, beside it too.
  const banner = desk.escalation();
  await expect(banner).toContainText('Escalate to');
  await banner.getByRole('button', { name: /^Escalate to / }).first().focus();
  await page.keyboard.press('Enter');
  const refused = desk.region.getByRole('alert').filter({ hasText: 'say who was contacted' });
  await expect(refused).toHaveCount(1);
  // Beside the button: within a screen's height of it, not at the top of the card.
  const near = async (a, b) => {
    const [ra, rb] = [await a.boundingBox(), await b.boundingBox()];
    return Math.abs(ra.y - rb.y) < 400;
  };
  expect(await near(refused, banner.getByRole('button', { name: /^Escalate to / }).first())).toBe(true);
  await banner.getByRole('textbox', { name: 'Who you spoke to (required)' }).first().focus();
  await page.keyboard.type('Jo Patel, duty supervisor');
  await banner.getByRole('button', { name: /^Escalate to / }).first().focus();
  await page.keyboard.press('Enter');
  await expect(desk.region.getByText(/^✓ Escalated to .+ at ([01]\d|2[0-3]):[0-5]\d$/)).toBeVisible();
  await expect(refused).toHaveCount(0);
  await expectFocusUseful(page, 'Escalate');

  // A handoff: refused beside the button until read back, then recorded, said there.
  const handoff = desk.region.getByRole('region', { name: 'Handoff' });
  await handoff.getByRole('combobox', { name: 'Channel', exact: true }).selectOption({ label: 'Council operations radio' });
  const record = handoff.getByRole('button', { name: 'Record as sent' });
  await record.focus();
  await page.keyboard.press('Enter');
  await expect(handoff.getByRole('alert')).toContainText('read the message back');
  await expect(record).toBeFocused();
  await handoff.getByRole('checkbox', { name: 'Read back and confirmed' }).focus();
  await page.keyboard.press('Space');
  await record.focus();
  await page.keyboard.press('Enter');
  await expect(handoff.getByText(/^✓ Handoff recorded at ([01]\d|2[0-3]):[0-5]\d$/)).toBeVisible();
  await expect(handoff.getByRole('alert')).toHaveCount(0);
  await expectFocusUseful(page, 'Record as sent');

  // Notified: said beside the organisations' heading, where focus lands.
  const organisations = desk.region.getByRole('region', { name: 'External organisations' });
  await organisations.getByRole('button', { name: 'Record notified by Telephone: 0800 111 999' }).focus();
  await page.keyboard.press('Enter');
  await expect(organisations.getByRole('heading', { name: 'External organisations' })).toBeFocused();
  await expect(organisations.getByText(/^✓ National Gas Emergency Service notified at ([01]\d|2[0-3]):[0-5]\d$/)).toBeVisible();
  await expectFocusUseful(page, 'Notified');
  await expectNoAxeViolations(page);

  // Close: the review marks the revised answers; focus lands on "Call closed".
  await desk.safetyNet();
  await desk.type("Caller's name", 'Sam Taylor');
  await desk.type('Callback number', '07700 900123');
  await desk.type('Location', '14 Mill Lane, Northbridge');
  await desk.type('People affected', '2');
  await desk.declineProposals('Supervisor already told');
  await desk.close();
  const log = desk.closeDialog().getByRole('list', { name: 'Incident log' });
  await expect(log.getByRole('listitem').filter({ hasText: '(revised)' })).toHaveCount(3);
  await expect(log).toContainText('Went back to: Has everyone left the building');
  await expect(log).toContainText('code UT-GAS-01, priority P1 withdrawn');
  await desk.keepOpen();
  await desk.close({ reason: 'Caller left the building' });
  await expect(desk.region.getByText(/^Call closed\./)).toBeFocused();
  await expectFocusUseful(page, 'Close');
});

test('Enter records a number answer', async ({ page }) => {
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  await desk.answer();
  await desk.type('What is happening', 'The road is flooding outside the school');
  await desk.startSuggested('Flooding');
  await page.keyboard.press('1'); // on the road
  await expect(desk.question()).toHaveText(/how deep is the water/i);
  // A number question: focus goes straight to its field, described by the question.
  const number = desk.region.getByRole('spinbutton');
  await expect(number).toBeFocused();
  await expect(number).toHaveAccessibleDescription(/how deep is the water/i);
  await page.keyboard.type('45');
  await page.keyboard.press('Enter');
  await expect(desk.decision()).toContainText('HW-FLD-01');
  await expectFocusUseful(page, 'a number answer');
  // A digit typed in the number field is the number, never an answer to a question.
  await expect(desk.why()).toHaveText([/^Where is the water.*On the road/, /how deep is the water.* 45$/i]);
  // Backspace in a field where typing means text edits the text; it never revises an answer.
  const narrative = desk.region.getByLabel('What is happening', { exact: true });
  await narrative.focus();
  await page.keyboard.press('End');
  await page.keyboard.press('Backspace');
  await expect(narrative).toHaveValue('The road is flooding outside the schoo');
  await expect(desk.decision()).toContainText('HW-FLD-01');
  await expect(desk.why()).toHaveCount(2);
});

test('a handler who goes to a field the moment the call opens keeps focus there: the widget never moves it under their typing', async ({ page }) => {
  await new StandalonePage(page).open();
  await expect(page.getByRole('button', { name: 'Answer call' })).toBeVisible();
  // Answer, and go to the callback number before the widget's own move of focus (a zero-delay
  // timer) has run, as a quick handler or a slow machine does.
  const focused = await page.evaluate(async () => {
    const answer = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Answer call');
    answer.click();
    let field = null;
    for (let i = 0; i < 50 && !field; i++) {
      await Promise.resolve();
      field = [...document.querySelectorAll('label')].find((l) => l.textContent.trim() === 'Callback number')?.control ?? null;
    }
    if (!field) return 'no callback field before the timer';
    field.focus();
    await new Promise((r) => setTimeout(r, 100));
    return document.activeElement === field ? 'Callback number' : document.activeElement?.outerHTML.slice(0, 120);
  });
  expect(focused).toBe('Callback number');
  // What they type goes into that field alone.
  await page.keyboard.type('01632 960777');
  const desk = new CallDesk(page);
  await expect(desk.region.getByLabel('Callback number', { exact: true })).toHaveValue('01632 960777');
});
