// A whole call, keyboard only, against the built widget: answer, safety questions, log, tree by
// suggestion, digits to answer, code and priority with why, advice refused over a limit and
// approved advice given, escalation proposed, handoffs, closing refused until the log is complete,
// and the completed entry received by the host page. axe on every screen.
import { test, expect } from '@playwright/test';
import {
  CallDesk,
  DemoHostPage,
  StandalonePage,
  chooseCode,
  completeFloodingCall,
  cspViolations,
  expectInlineScriptRefused,
  expectNoAxeViolations,
  recordCspViolations,
  storedData,
} from './pages.mjs';

test('a gas call in the host page, keyboard only, from answer to the entry the host receives', async ({ page }) => {
  await recordCspViolations(page);
  const host = new DemoHostPage(page);
  await host.open();
  const frame = host.frame();
  const desk = host.callDesk();
  const scan = async () => expectNoAxeViolations(host.widgetFrame());
  await desk.answer();
  await expect(desk.region.getByRole('timer')).toHaveText(/^\d\d:\d\d$/);
  // The control phrases are on screen without opening anything, and "p" goes to them.
  await expect(desk.region.getByRole('list', { name: 'Control phrases' }).getByRole('listitem').first()).toContainText('Calming');
  await desk.region.getByRole('button', { name: 'Keyboard shortcuts (?)' }).focus();
  await page.keyboard.press('p');
  await expect(desk.region.getByRole('heading', { name: 'Control phrases' })).toBeFocused();
  await scan();

  // "?" shows the keyboard map in a modal dialog; Escape closes it and focus comes back.
  const opener = desk.region.getByRole('button', { name: 'Keyboard shortcuts (?)' });
  await opener.focus();
  await page.keyboard.press('Shift+?');
  const keys = frame.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(keys).toBeVisible();
  await expect(keys.getByRole('table')).toContainText('Answer the current question');
  // It opens on its title, in view, not on "Close" at the foot of the table.
  await expect(keys.getByRole('heading', { name: 'Keyboard shortcuts' })).toBeFocused();
  await scan();
  await page.keyboard.press('Escape');
  await expect(keys).toBeHidden();
  await expect(opener).toBeFocused();

  await desk.safetyNet();
  await desk.type('What is happening', 'I can smell gas in the street outside number 14');
  const suggested = desk.region.getByRole('button', { name: 'Start: Smell of gas or carbon monoxide' });
  await suggested.focus();
  await page.keyboard.press('Enter');
  await expect(desk.question()).toHaveText(/^Where can you smell the gas/);
  await expect(desk.question()).toBeFocused();
  // Life-safety advice shows the moment the tree starts, before the first answer and any code.
  const giveNow = desk.region.getByRole('list', { name: 'Give now' });
  await expect(giveNow.getByRole('listitem')).toHaveCount(1);
  await expect(giveNow).toContainText("Don't do anything that could make a spark or a flame.");
  await expect(desk.decision()).toHaveCount(0);
  await scan();

  await page.keyboard.press('2'); // Outside in the street
  await expect(desk.question()).toHaveText(/./);
  await expect(desk.question()).toBeFocused();
  // Where the smell is decides what else to say at once: move away, and the gas emergency number.
  await expect(giveNow).toContainText('Please move well away from where you can smell the gas');
  await expect(giveNow).toContainText('0800 111 999');
  // Given, one by one, by keyboard: each button says so and when, in place, and focus moves on to
  // the next one still to give, then back to the question.
  const toGive = giveNow.getByRole('button', { name: /^Given: / });
  await expect(toGive).toHaveCount(3);
  await toGive.first().focus();
  for (let left = 3; left > 0; left--) {
    await page.keyboard.press('Enter');
    await expect(toGive).toHaveCount(left - 1);
    await expect(left > 1 ? toGive.first() : desk.question()).toBeFocused();
  }
  const given = giveNow.getByRole('button', { name: /^Given ✓ \d\d:\d\d: / });
  await expect(given).toHaveCount(3);
  await expect(given.first()).toHaveText(/^Given ✓ \d\d:\d\d$/);
  await expect(given.first()).toHaveAttribute('aria-disabled', 'true');
  const second = await desk.question().innerText();
  expect(second).not.toMatch(/^Where can you smell the gas/);
  await page.keyboard.press('2');

  const decision = desk.region.getByRole('region', { name: 'Code and priority' });
  await expect(decision).toContainText('UT-GAS-01');
  await expect(decision).toContainText('priority P1');
  await expect(decision.getByRole('list', { name: 'Why this code' }).getByRole('listitem')).toHaveCount(2);
  await expect(frame.getByRole('status').filter({ hasText: 'Code UT-GAS-01, priority P1' })).toHaveCount(1);

  // The procedures propose escalation; the handler decides, and declining needs a reason.
  const proposals = desk.escalation().getByRole('listitem');
  const proposed = await proposals.count();
  expect(proposed).toBeGreaterThan(0);
  await desk.escalation().getByRole('textbox', { name: /^Reason for not escalating/ }).first().focus();
  await page.keyboard.type('Gas emergency service already attending');
  await desk.escalation().getByRole('button', { name: 'Do not escalate' }).first().focus();
  await page.keyboard.press('Enter');
  await expect(proposals).toHaveCount(proposed - 1);
  // The decided row is gone; focus goes back to the call, not to the page's body.
  await expect(desk.region.getByRole('heading', { name: 'Call', exact: true })).toBeFocused();

  // Advice in the handler's own words that breaks a limit is refused, with the approved wording.
  await desk.region.getByLabel('Advice in your own words').focus();
  await page.keyboard.type('Could you switch on the hall light so you can see');
  await desk.region.getByRole('button', { name: 'Check and record advice' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.alert()).toContainText('This advice cannot be given');
  await expect(desk.alert()).toContainText('switch on');
  await expect(desk.alert()).toContainText("Say instead: Don't do anything that could make a spark or a flame.");
  await scan();
  // Words that break two rules are refused with both.
  await desk.region.getByLabel('Advice in your own words').fill('');
  await desk.region.getByLabel('Advice in your own words').focus();
  await page.keyboard.type('Stay in the house and use your lighter to check');
  await desk.region.getByRole('button', { name: 'Check and record advice' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.alert().getByRole('listitem').filter({ hasText: /^Rule: / })).toHaveCount(2);
  await expect(desk.alert()).toContainText('lighter');
  await expect(desk.alert()).toContainText('Stay in the house');

  // The advice given at once counts: the approved list says so, and when.
  const advice = desk.region.getByRole('list', { name: 'Approved advice' });
  await expect(advice.getByRole('button', { name: /^Given ✓ \d\d:\d\d: / })).toHaveCount(2); // move away, and the number

  // The legislation checklist for the code, ticked with Space; the tick is logged with who and when.
  const checklist = desk.region.getByRole('group', { name: 'Legislation checklist' });
  const firstCheck = checklist.getByRole('checkbox').first();
  await firstCheck.focus();
  await page.keyboard.press('Space');
  await expect(firstCheck).toBeChecked();
  await expect(firstCheck).toBeFocused();
  await expect(checklist).toContainText(/done at \d\d:\d\d(:\d\d)? by handler/);

  // Handoffs: the radio message spells the call sign and is refused until read back; the SMS fits.
  const handoff = desk.region.getByRole('region', { name: 'Handoff' });
  const channel = handoff.getByRole('combobox', { name: 'Channel', exact: true });
  await channel.focus();
  await channel.selectOption({ label: 'Council operations radio' });
  await desk.type('Unit call sign or recipient', 'HW1');
  const message = handoff.getByRole('textbox', { name: 'Message', exact: true });
  await expect(message).toHaveValue(/^HW1 \(Hotel Whiskey One\), this is Control\. Priority P1, /);
  await expect(message).toHaveValue(/Details: I can smell gas in the street outside number 14\. Please acknowledge\. Over\.$/);
  await handoff.getByRole('button', { name: 'Record as sent' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.alert()).toContainText('read the message back');
  await handoff.getByRole('checkbox', { name: 'Read back and confirmed' }).focus();
  await page.keyboard.press('Space');
  await handoff.getByRole('button', { name: 'Record as sent' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.alert()).toHaveCount(0);
  await channel.selectOption({ label: 'Text message' });
  await expect(message).toHaveValue(/^P1 UT-GAS-01 /);
  const sms = await message.inputValue();
  expect([...sms].length).toBeLessThanOrEqual(160);
  await expect(handoff).toContainText(/\d+ of 160 characters/);
  await scan();

  // The code says who to notify: the gas emergency service, with its procedure and number.
  const organisations = desk.organisations();
  await expect(organisations.getByText('National Gas Emergency Service (to notify for this code)')).toBeVisible();
  await desk.notifyGasService('NGES-48213', 'Priya, control room');
  await expect(organisations.getByRole('heading', { name: 'External organisations' })).toBeFocused();

  // Closing before the log is complete: the review lists what is still needed and the log.
  await desk.close();
  await expect(desk.stillNeeded()).toContainText('Callback number');
  const log = desk.closeDialog().getByRole('list', { name: 'Incident log' });
  await expect(log).toContainText('Advice given: Please move well away from where you can smell the gas');
  await expect(log).toContainText('Notified National Gas Emergency Service by Telephone (0800 111 999); spoke to Priya, control room; their reference NGES-48213');
  await expect(log).toContainText('Handoff on Council operations radio to HW1, read back');
  await expect(log).toContainText('declined: Gas emergency service already attending');
  await expect(desk.closeDialog()).toBeVisible();
  await scan();
  await desk.keepOpen();

  await desk.type("Caller's name", 'Sam Taylor');
  await desk.type('Callback number', '07700 900123');
  await desk.type('Location', 'Outside 14 Mill Lane, Northbridge');
  await desk.type('People affected', '0');
  // The one proposal was declined above: none is left to hold the close.
  expect(proposed).toBe(1);
  await expect(desk.escalation()).toHaveCount(0);
  // Every deviation from the procedure needs a reason before the close.
  await desk.close();
  await expect(desk.closeDialog()).toBeVisible();
  await expect(desk.closeDialog()).toContainText('Say to close');
  await expect(desk.deviations()).toContainText('declined. Reason: Gas emergency service already attending');
  await expect(desk.deviations()).toContainText('checklist not done');
  await desk.keepOpen();
  await desk.close({ reason: 'Caller rang off once outside' });
  // Shown closed only once saved (the outbox and the draft in IndexedDB, under a Web Lock): on a
  // busy 2-core machine that has taken over the default 5 s.
  await expect(desk.closeDialog()).toBeHidden({ timeout: 15_000 });
  await expect(desk.region).toContainText('Call closed.');
  await expect(desk.region.getByText(/^Call closed\./)).toBeFocused();
  await expect(desk.escalation()).toHaveCount(0);
  await scan();

  // The host page received the completed entry over the protocol, once, and acknowledged it.
  await expect(frame.getByRole('status').filter({ hasText: 'The CRM has stored the log entry.' })).toHaveCount(1);
  await expect(host.receivedEntries()).toHaveCount(1);
  await expect(host.receivedEntries().first()).toContainText('UT-GAS-01');
  await expect(host.receivedEntries().first()).toContainText('priority P1 · at Outside 14 Mill Lane, Northbridge');
  const entry = JSON.parse(await host.receivedEntries().first().locator('pre').textContent());
  expect(entry.format).toBe('incident-desk/log-entry@1');
  expect(entry.fields).toMatchObject({ caller_name: 'Sam Taylor', callback_number: '07700 900123', people_affected: '0' });
  expect(entry.decision).toMatchObject({ code: 'UT-GAS-01', priority: 'P1', overridden: false });
  const handoffs = entry.events.filter((e) => e.type === 'handoff_sent');
  expect(handoffs).toHaveLength(1);
  expect(handoffs[0]).toMatchObject({ channel: 'radio', recipient: 'HW1', read_back: true });
  expect(handoffs[0].text).toMatch(/^HW1 \(Hotel Whiskey One\), this is Control\. Priority P1, /);
  expect(entry.events.filter((e) => e.type === 'safety_net_answered')).toHaveLength(6);
  expect(entry.events.find((e) => e.type === 'escalation_declined').why).toBe('Gas emergency service already attending');
  expect(entry.events.find((e) => e.type === 'notified')).toMatchObject({ organisation: 'gas-emergency', reference: 'NGES-48213', spoken_to: 'Priya, control room' });
  expect(entry.deviations.length).toBeGreaterThan(1);
  expect(entry.deviations.every((d) => d.reason)).toBe(true);
  expect(entry.deviations.filter((d) => d.reason === 'Caller rang off once outside').length).toBeGreaterThan(0);
  expect(entry.personal_fields).toEqual(['caller_name', 'callback_number']);
  expect(entry.events.every((e) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.at))).toBe(true);
  await expectNoAxeViolations(page);

  // The whole call ran under the widget's strict Content Security Policy without one violation.
  const widgetFrame = host.widgetFrame();
  expect(await cspViolations(widgetFrame)).toEqual([]);
  await expectInlineScriptRefused(widgetFrame);
});

test('a flooding call: number answers follow their branches, and the log closes complete', async ({ page }) => {
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  await desk.answer();
  await desk.safetyNet(['elderly, disabled']);
  await expect(desk.escalation()).toContainText('A vulnerable person is involved');
  await desk.type('What is happening', 'The road is flooding outside the school');
  await desk.startSuggested('Flooding');
  await desk.press(1); // on the road
  await expect(desk.question()).toHaveText(/how deep is the water/i);
  await desk.typeAnswer('45');
  await expect(desk.decision()).toContainText('HW-FLD-01');
  await expect(desk.decision()).toContainText('priority P1');
  await expect(desk.why()).toHaveText([/^Where is the water.*On the road/, /how deep is the water.* 45$/i]);
  // The "yes" to the vulnerable-person question travels with every handoff (issue 13): as written
  // on the telephone (nothing written yet), only the flag on a text message.
  const handoff = desk.region.getByRole('region', { name: 'Handoff' });
  const channel = handoff.getByRole('combobox', { name: 'Channel', exact: true });
  const message = handoff.getByRole('textbox', { name: 'Message', exact: true });
  await channel.focus();
  await channel.selectOption({ label: 'Telephone' });
  await expect(message).toHaveValue(/^HW-FLD-01 [^\n]+\nVULNERABLE PERSON: yes, no details recorded\n/);
  await channel.selectOption({ label: 'Text message' });
  await expect(message).toHaveValue(/^P1 HW-FLD-01 [^|]*\| VULNERABLE PERSON: yes, details by phone from the control room/);
  await expectNoAxeViolations(page);
  await desk.close();
  await expect(desk.stillNeeded()).toContainText('Hazards');
  // A vulnerable person (the safety answer): who and how, though the code does not require it.
  await expect(desk.stillNeeded()).toContainText('Vulnerability');
  await desk.keepOpen();
  await completeFloodingCall(desk);
});

test('the same flow on the second pack: a leak, with a question asked only when it applies', async ({ page }) => {
  await new StandalonePage(page).open('packs/housing-repairs.json');
  const desk = new CallDesk(page);
  await desk.answer();
  await desk.type('What is happening', 'Water is dripping through my ceiling');
  await desk.startSuggested('Leaks, blocked toilets and drains');
  await desk.press(1); // a leak
  await desk.press(2); // not near electrics
  await desk.press(2); // dripping steadily
  await desk.press(2); // ceiling not bulging
  await expect(desk.question()).toHaveText(/stop tap/); // asked because it is dripping
  await desk.press(1);
  await desk.typeAnswer('From the flat above, I think');
  await expect(desk.decision()).toContainText('HH-LK-01');
  await expect(desk.decision()).toContainText('priority U1');
  await expect(desk.why()).toHaveCount(6);
  await expectNoAxeViolations(page);
});

test('a major incident: declared with a reason, escalation proposed, and the M/ETHANE message composed', async ({ page }) => {
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  await desk.answer();
  await chooseCode(desk, 'EP-MAJ-01', 'Caller reports an explosion at the chemical works');
  const handoff = desk.region.getByRole('region', { name: 'Handoff' });
  const channel = handoff.getByRole('combobox', { name: 'Channel', exact: true });
  await expect(channel.getByRole('option', { name: 'Major incident line (M/ETHANE) (once a major incident is declared)' })).toBeDisabled();

  await desk.region.getByText('Declare a major incident', { exact: true }).focus();
  await page.keyboard.press('Enter');
  await desk.region.getByRole('button', { name: 'Declare major incident' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.alert()).toContainText('a reason is required');
  await desk.type('Why (required)', 'Explosion and fire at Northbridge chemical works');
  await desk.type('Access routes, if known', 'From Canal Road only');
  await desk.type('Emergency services present or needed', 'Fire and ambulance on scene');
  await desk.region.getByRole('button', { name: 'Declare major incident' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.region.getByRole('status').filter({ hasText: /^Major incident declared at \d\d:\d\d/ })).toContainText('Explosion and fire');
  // The form gave way to the declaration, and focus went there, not to the page's body.
  await expect(desk.region.getByRole('status').filter({ hasText: /^Major incident declared at/ })).toBeFocused();
  await expect(desk.escalation()).toContainText('Escalate to Emergency planning officer');
  await desk.type('Location', 'Northbridge chemical works, Canal Road');
  await desk.type('Hazards', 'Fire, smoke, possible chemical release');
  await desk.type('People affected', 'Unknown, at least 3 hurt');

  await channel.focus();
  await channel.selectOption({ label: 'Major incident line (M/ETHANE)' });
  const message = handoff.getByRole('textbox', { name: 'Message', exact: true });
  await expect(message).toHaveValue(/^M: Major incident declared/);
  expect((await message.inputValue()).split('\n')).toEqual([
    'M: Major incident declared: Explosion and fire at Northbridge chemical works',
    'E: Exact location: Northbridge chemical works, Canal Road',
    expect.stringMatching(/^T: Type of incident: EP-MAJ-01 /),
    'H: Hazards: Fire, smoke, possible chemical release',
    'A: Access: From Canal Road only',
    'N: Number of casualties: Unknown, at least 3 hurt',
    'E: Emergency services: Fire and ambulance on scene',
  ]);
  await expectNoAxeViolations(page);
});

test('the reference panel inside the call covers services, legislation, trees, limits and resources', async ({ page }) => {
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  await desk.answer();
  await desk.region.getByText('Reference: services, legislation, procedures, codes, resources', { exact: true }).focus();
  await page.keyboard.press('Enter');
  const reference = desk.region.getByRole('region', { name: /^Procedures: / });
  await expect(reference).toBeVisible();
  for (const section of ['Services', 'Standard wording', 'Decision trees', 'Advice limits', 'Escalation', 'Resources', 'Allocation rules', 'Legislation and policy']) {
    await expect(reference.locator('summary', { hasText: new RegExp(`^${section} \\(\\d+\\)$`) })).toHaveCount(1);
  }
  await expectNoAxeViolations(page);
});

test('a third call from the same number within a day proposes escalation as a repeat caller', async ({ page }) => {
  await new StandalonePage(page).open();
  for (let call = 1; call <= 3; call++) {
    const desk = new CallDesk(page);
    await page.getByRole('button', { name: call === 1 ? 'Answer call' : 'Answer next call' }).focus();
    await page.keyboard.press('Enter');
    await expect(desk.region).toBeVisible();
    await desk.type('Callback number', call === 2 ? '01632-960-777' : '01632 960777');
    if (call === 3) {
      await expect(desk.escalation()).toContainText('Third call about the same thing or place within 24 hours');
      await expectNoAxeViolations(page);
      break;
    }
    await expect(desk.escalation()).toHaveCount(0);
    await desk.safetyNet();
    await chooseCode(desk, 'GN-INF-01', 'Asking when the bins will be collected');
    await desk.type("Caller's name", 'Jo Reed');
    await desk.type('Location', '3 Elm Court');
    await desk.type('What is happening', 'Wants to know about bin collections');
    await desk.close({ reason: 'Information call: nothing to tick' });
    await expect(desk.region).toContainText('Call closed.');
  }
});

test('choosing a code by search needs a reason, and the reason is the why', async ({ page }) => {
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  await desk.answer();
  await desk.region.getByText('Choose or override the code', { exact: true }).focus();
  await page.keyboard.press('Enter');
  const search = desk.region.getByRole('combobox', { name: 'Find a code' });
  await search.focus();
  await page.keyboard.type('UT-GAS');
  await expect(search).toHaveAttribute('aria-expanded', 'true');
  const results = desk.region.getByRole('listbox', { name: 'Matching codes' }).getByRole('option');
  await expect(results.first()).toHaveAccessibleName(/^UT-GAS-01 /);
  expect(await results.count()).toBeLessThanOrEqual(20);
  await page.keyboard.press('ArrowDown');
  await expect(results.first()).toHaveAttribute('aria-selected', 'true');
  await expect(search).toHaveAttribute('aria-activedescendant', await results.first().getAttribute('id'));
  await expectNoAxeViolations(page);
  await page.keyboard.press('Enter');
  await expect(search).toHaveAttribute('aria-expanded', 'false');
  await expect(desk.region.getByText(/^Chosen: UT-GAS-01 /)).toBeVisible();
  await desk.region.getByRole('button', { name: 'Use this code' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.alert()).toContainText('a reason is required');
  await desk.region.getByRole('textbox', { name: 'Reason', exact: true }).focus();
  await page.keyboard.type('Gas engineer on site asked us to log it');
  await desk.region.getByRole('button', { name: 'Use this code' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.decision()).toContainText('UT-GAS-01');
  await expect(desk.decision()).toContainText('Gas engineer on site asked us to log it');
  await expectNoAxeViolations(page);
});

/** The saved draft of the call in progress, read from the widget's IndexedDB in `page`. */
async function readDraft(page) {
  return (await storedData(page)).value;
}

test('a call in progress survives a reload and a new tab, byte for byte', async ({ page, context }) => {
  await new StandalonePage(page).open();
  const desk = new CallDesk(page);
  await desk.answer();
  await desk.type("Caller's name", 'Priya Shah');
  await desk.type('Callback number', '07700 900555');
  await desk.type('What is happening', 'I can smell gas in the kitchen');
  const group = desk.region.getByRole('group', { name: 'Safety questions (ask every caller)' }).getByRole('radiogroup').first();
  await group.getByRole('radio', { name: 'No', exact: true }).focus();
  await page.keyboard.press('Space');
  await desk.startSuggested('Smell of gas or carbon monoxide');
  await desk.press(1); // inside a building
  const asked = await desk.question().innerText();

  // Written within 300 ms of the last change.
  await expect.poll(() => readDraft(page)).toContain('"current":"q-out"');
  const saved = await readDraft(page);
  expect(JSON.parse(saved).format).toBe('incident-desk/call-draft@1');

  const expectResumed = async (target) => {
    const resumed = new CallDesk(target);
    await expect(resumed.region).toBeVisible();
    await expect(resumed.region.getByLabel("Caller's name", { exact: true })).toHaveValue('Priya Shah');
    await expect(resumed.region.getByLabel('Callback number', { exact: true })).toHaveValue('07700 900555');
    await expect(resumed.region.getByLabel('What is happening', { exact: true })).toHaveValue('I can smell gas in the kitchen');
    await expect(resumed.question()).toHaveText(asked);
    await expect(resumed.region.getByRole('radiogroup').first().getByRole('radio', { name: 'No', exact: true })).toBeChecked();
    await expect(target.getByRole('status').filter({ hasText: /^Call resumed as it was at \d\d:\d\d/ })).toHaveCount(1);
    // Focus is back where the call was: the call bar's next step (here the "Given" button of
    // the first advice to give now).
    await expect(resumed.region.getByRole('list', { name: 'Give now' }).getByRole('button', { name: /^Given: / }).first()).toBeFocused();
    // A call is open: no second one can be answered over it.
    await expect(target.getByRole('button', { name: /^Answer (next )?call$/ })).toHaveCount(0);
    return resumed;
  };

  await page.reload();
  await new StandalonePage(page).widget.settled();
  await expectResumed(page);
  // Resuming wrote the draft again: the same bytes.
  await expect.poll(() => readDraft(page)).toBe(saved);
  await expectNoAxeViolations(page);

  // The tab closes; a new one opens the same call.
  await page.close();
  const second = await context.newPage();
  await new StandalonePage(second).open();
  const resumed = await expectResumed(second);
  expect(await readDraft(second)).toBe(saved);

  // It carries on from there, and closing removes the draft.
  await resumed.question().focus();
  await second.keyboard.press('2'); // nobody still inside
  await expect(resumed.decision()).toContainText('UT-GAS-01');
  await expect.poll(() => readDraft(second)).toContain('"decision":{');
});

test('two tabs keep their own calls; a duplicated tab takes its own id; a closed tab\'s call goes to the next tab opened', async ({ page, context }) => {
  test.setTimeout(180_000);
  const name = (target) => new CallDesk(target).region.getByLabel("Caller's name", { exact: true });
  const takeCall = async (target, caller) => {
    await new StandalonePage(target).open();
    const desk = new CallDesk(target);
    await desk.answer();
    await desk.type("Caller's name", caller);
    await expect.poll(() => readDraft(target)).toContain(caller);
  };
  const reopen = async (target) => {
    await target.reload();
    await new StandalonePage(target).widget.settled();
  };
  await takeCall(page, 'Ann Archer');
  // A second tab of the same page: tab A is alive, so its call stays A's.
  const other = await context.newPage();
  await takeCall(other, 'Ben Baker');
  // Each tab's reload resumes its own call, not the one written last.
  await reopen(page);
  await expect(name(page)).toHaveValue('Ann Archer');
  await reopen(other);
  await expect(name(other)).toHaveValue('Ben Baker');
  await reopen(page);
  await expect(name(page)).toHaveValue('Ann Archer');

  // A duplicated tab starts with a copy of tab A's session, so A's id: A holds it, and the copy
  // takes its own, resuming nothing and overwriting nothing.
  const id = await page.evaluate(() => sessionStorage.getItem('incident-desk:tab'));
  const copy = await context.newPage();
  await copy.addInitScript((id) => {
    if (!sessionStorage.getItem('incident-desk:tab')) sessionStorage.setItem('incident-desk:tab', id);
  }, id);
  await new StandalonePage(copy).open();
  await expect(copy.getByRole('button', { name: 'Answer call' })).toBeVisible({ timeout: 15_000 });
  expect(await copy.evaluate(() => sessionStorage.getItem('incident-desk:tab'))).toMatch(/^[0-9a-f]{16}$/);
  expect(await copy.evaluate(() => sessionStorage.getItem('incident-desk:tab'))).not.toBe(id);
  expect(await readDraft(page)).toContain('Ann Archer');

  // Tab B closes with its call open: the next tab opened takes that call over (A's stays A's).
  await other.close();
  const next = await context.newPage();
  await new StandalonePage(next).open();
  await expect(name(next)).toHaveValue('Ben Baker');
  expect(await readDraft(next)).toContain('Ben Baker');
  await reopen(page);
  await expect(name(page)).toHaveValue('Ann Archer');
  await expectNoAxeViolations(next);
});

test('host messages from another origin or window, with an invalid payload, or replayed, change nothing and are reported', async ({ page }) => {
  const host = new DemoHostPage(page);
  await host.open();
  await expect(page.getByRole('status').filter({ hasText: 'Connected to the widget.' })).toHaveCount(1);
  const widget = host.widgetFrame();
  const refused = async () => Number((await widget.locator('html').getAttribute('data-incident-desk-refused')) ?? 0);
  const why = () => widget.locator('html').getAttribute('data-incident-desk-refused-why');
  expect(await refused()).toBe(0);

  // Another window on the host's own origin (a nested frame), posting a forged teardown.
  await page.evaluate(() => {
    const nested = document.createElement('iframe');
    document.body.append(nested);
    nested.contentWindow.eval(
      "parent.document.querySelector('iframe.crm-widget').contentWindow.postMessage({ protocol: 'incident-desk', version: 1, id: 'x', correlation: null, session: 'x', instance: 'x', seq: 50, type: 'teardown', payload: {} }, '*')",
    );
  });
  await expect.poll(refused).toBe(1);
  expect(await why()).toBe('not_the_parent_window');

  // A page on another origin (localhost, not 127.0.0.1), posting to its sibling, the widget.
  const port = new URL(page.url()).port;
  await page.evaluate((src) => {
    const stranger = document.createElement('iframe');
    stranger.src = src;
    document.body.append(stranger);
  }, `http://localhost:${port}/fixtures/hostile/stranger.html`);
  await expect.poll(refused).toBe(2);
  expect(await why()).toBe('not_the_parent_window');

  // The host itself, over the port: a payload that does not fit, then a replayed sequence number.
  await page.evaluate(() => {
    const { port, envelope } = window.__incidentDeskLink;
    port.postMessage(envelope('entry.ack', { key: 'not a key <script>' }));
  });
  await expect.poll(refused).toBe(3);
  expect(await why()).toBe('invalid_payload');
  await expect(page.getByRole('status').filter({ hasText: 'The widget refused a message: invalid_payload' })).toHaveCount(1);
  await page.evaluate(() => {
    const { port, envelope } = window.__incidentDeskLink;
    const replay = envelope('entry.ack', { key: '0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a' });
    replay.seq = 1; // the welcome's number
    port.postMessage(replay);
  });
  await expect.poll(refused).toBe(4);
  expect(await why()).toBe('stale_seq');
  await expect(page.getByRole('status').filter({ hasText: 'The widget refused a message: stale_seq' })).toHaveCount(1);

  // Nothing was acted on: no teardown, no delivery, and the handler's screen is as it was.
  const frame = page.frameLocator('iframe[title="Incident Desk call handling"]');
  await expect(frame.locator('.idk-host-status')).toHaveText('');
  await expect(frame.getByRole('button', { name: 'Answer call' })).toBeVisible();
});

test('a host page on an origin not on the allow-list gets no hello', async ({ page }) => {
  // The deployment's hosts name 127.0.0.1:<port>; localhost is the same server on another origin.
  // Its frame-ancestors allow the page (the widget is framed by its own origin, 'self'), so this is
  // the widget's own check: the settings loaded, and this host is not in them.
  const { port } = new URL(test.info().project.use.baseURL);
  await page.goto(`http://localhost:${port}/demo/host.html`);
  const host = new DemoHostPage(page);
  await host.widget.settled();
  await expect(page.frameLocator('iframe[title="Incident Desk call handling"]').locator('html')).toHaveAttribute('data-incident-desk-deployment', 'loaded');
  // The widget works, but says nothing to this host: no handshake, so no port and no entries.
  await page.waitForTimeout(1000);
  await expect(page.getByRole('status').filter({ hasText: 'Waiting for the widget…' })).toHaveCount(1);
  await expect(page.frameLocator('iframe[title="Incident Desk call handling"]').getByRole('button', { name: 'Answer call' })).toBeVisible();
});

test('a host that starts listening late still gets its hello, repeated until it answers', async ({ page }) => {
  const host = new DemoHostPage(page);
  await host.open('?slow-host=2500');
  await expect(page.getByRole('status').filter({ hasText: 'Connected to the widget.' })).toHaveCount(1, { timeout: 15_000 });
});

test('the host configures who is handling calls, and new calls are logged under that id', async ({ page }) => {
  const host = new DemoHostPage(page);
  await host.open();
  await expect(page.getByRole('status').filter({ hasText: 'Connected to the widget.' })).toHaveCount(1);
  await page.evaluate(() => {
    const { port, envelope } = window.__incidentDeskLink;
    port.postMessage(envelope('configure', { agent_id: 'crm-agent-42', role: 'handler' }));
  });
  const frame = page.frameLocator('iframe[title="Incident Desk call handling"]');
  const desk = new CallDesk(page, frame);
  await desk.answer();
  await desk.type("Caller's name", 'Lee Chen');
  const widget = host.widgetFrame();
  await expect.poll(() => readDraft(widget)).toContain('"handler":"crm-agent-42"');
  expect(await widget.locator('html').getAttribute('data-incident-desk-refused')).toBeNull();
});

test('a pack whose strings hold HTML and script shows them as text through a whole call', async ({ page }) => {
  await recordCspViolations(page);
  await new StandalonePage(page).open('/fixtures/packs/good/hostile-strings.json');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('<img src=x onerror="window.__xss=1">Hillside <b>Homes</b>');
  await expect(page.getByRole('region', { name: 'Greeting' })).toContainText('<script>window.__xss=2</script>Hello,');
  const desk = new CallDesk(page);
  await desk.answer();
  await expect(desk.region).toContainText('Is anyone in danger <iframe src="javascript:window.__xss=6"></iframe>?');
  await desk.safetyNet();
  await desk.region.getByRole('button', { name: 'Start tree' }).focus();
  await page.keyboard.press('Enter');
  await expect(desk.question()).toHaveText('Is this <button onclick="window.__xss=3">quick</button>?');
  await desk.press(1);
  await expect(desk.decision()).toContainText('QK-01 <svg onload="window.__xss=5">Quick</svg> test report');
  await expect(desk.decision()).toContainText('Because <a href="javascript:window.__xss=4">this</a> is a test.');
  await desk.declineProposals('<b>not</b> needed');
  await desk.close({ reason: '<i>explained</i>' });
  await expect(desk.region.getByRole('button', { name: 'Close call' })).toHaveCount(0);
  // Nothing from the pack became an element, and nothing ran.
  const injected = await page.locator('.idk').locator('img, script, svg, iframe, b, i, a[href^="javascript"], button[onclick]').count();
  expect(injected).toBe(0);
  expect(await page.evaluate(() => window.__xss)).toBeUndefined();
  expect(await cspViolations(page)).toEqual([]);
  await expectNoAxeViolations(page);
});

test('an unfinished call older than the pack\'s retention is removed, and the handler is told', async ({ page }) => {
  const answered = new Date('2026-11-29T08:00:00Z');
  await page.clock.setFixedTime(answered);
  const standalone = new StandalonePage(page);
  await standalone.open('/fixtures/packs/good/short-retention.json');
  const desk = new CallDesk(page);
  await desk.answer();
  await desk.safetyNet();
  await expect.poll(async () => (await storedData(page)).value).not.toBeNull();

  // Within the hour the pack allows, it comes back…
  await page.clock.setFixedTime(new Date(answered.getTime() + 50 * 60_000));
  await page.reload();
  await standalone.widget.settled();
  await expect(desk.region).toBeVisible();

  // …after it, it is gone, and the screen says so.
  await page.clock.setFixedTime(new Date(answered.getTime() + 2 * 3_600_000));
  await page.reload();
  await standalone.widget.settled();
  await expect(page.getByRole('status').filter({ hasText: 'unfinished call' })).toHaveText(
    /^An unfinished call last changed on 29 Nov 2026, 08:00:\d\d was removed: your organisation keeps unfinished calls for 1 hour\.$/,
  );
  await expect(desk.region).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Answer call' })).toBeVisible();
  expect((await storedData(page)).value).toBeNull();
});
