// Issue 16: practice. The practice page lists the scenarios shipped for the pack, a trainee takes
// one on the same call screen as live calls, marked PRACTICE, by keyboard; the scripted caller
// answers what is asked (the question on screen, a field asked for, a question in the trainee's
// own words, "I don't know" noted for the trainer); closed, the call is scored point by point
// with its criteria, and nothing is sent anywhere or kept in the live store. axe on each screen;
// with IDK_SCREENS=<dir>, the screens are saved there at 1366×768.
import { readFileSync } from 'node:fs';
import { test, expect } from '@playwright/test';
import { CallDesk, expectNoAxeViolations, storedData } from './pages.mjs';

async function screen(page, name) {
  const dir = process.env.IDK_SCREENS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

test('a scenario taken by keyboard: the caller answers, PRACTICE on the call, scored point by point, nothing sent or kept', async ({ page }) => {
  test.setTimeout(120_000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const sent = [];
  page.on('request', (r) => r.method() !== 'GET' && sent.push(`${r.method()} ${r.url()}`));
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/practice.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByRole('heading', { name: 'Scenarios for Northbridge Borough Council (procedures version 2026.12.1)' })).toBeVisible();
  await expect(page.getByRole('button', { name: /^Take the call: / })).toHaveCount(17);
  await expectNoAxeViolations(page);
  await screen(page, '18-practice-scenarios');

  await page.getByRole('radio', { name: /^Assessment/ }).focus();
  await page.keyboard.press('Space');
  await page.getByRole('button', { name: "Take the call: Used needles by the swings in a children's play area" }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: "Practice: Used needles by the swings in a children's play area (assessment: your score at the end)" })).toBeVisible();
  const transcript = page.getByRole('list', { name: 'What has been said, newest first' });
  await expect(transcript).toContainText("Hi, I'd like to report some needles.");
  const desk = new CallDesk(page);
  await expect(desk.region.getByText('PRACTICE', { exact: true })).toBeVisible();

  // The greeting, then the caller asked for where, by keyboard.
  await page.getByRole('button', { name: 'Say the greeting' }).focus();
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText('Northbridge Borough Council');
  await page.getByRole('group', { name: 'Ask the caller for' }).getByRole('button', { name: 'Location' }).focus();
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText('The play area at Alder Park, off Linnet Way');

  await desk.type('Location', 'Play area, Alder Park, off Linnet Way');
  await desk.type("Caller's name", 'Tom Beckett');
  await desk.type('Callback number', '07700 900695');
  // A safety question asked: the caller answers it as scripted.
  await page.getByRole('group', { name: 'Ask the safety questions' }).getByRole('button', { name: /^Safety 1: / }).focus();
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText("No, nobody's hurt.");
  await desk.safetyNet();
  await desk.type('What is happening', 'Used needles dumped under the swings');
  await desk.startSuggested('Hazardous waste, needles or dead animal');
  // The caller answers the question on screen.
  await expect(transcript).toContainText('Needles, syringes. Five or six of them');
  await desk.press(1);
  await expect(transcript).toContainText("Yes, they're right under the swings");
  await desk.press(1);
  await expect(desk.decision()).toContainText('SC-NDL-01');
  // Advice given on the call screen is said to the caller, in its words, once.
  await desk.region.getByRole('button', { name: /^Given: Please leave the needles where they are/ }).first().focus();
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText('You: Please leave the needles where they are and keep children and pets away from them.');
  // Each question is put to the caller once, however the call changes after it.
  await desk.type('Hazards', 'Five or six used needles under the swings, two without caps');
  await expect(transcript.getByText('Are they somewhere children play or go', { exact: false })).toHaveCount(1);
  await expect(transcript.getByText('Please leave the needles where they are', { exact: false })).toHaveCount(1);
  await screen(page, '19-practice-call');

  // A question in the trainee's own words the script does not cover: "I don't know", noted.
  await page.getByLabel('Ask the caller in your own words').focus();
  await page.keyboard.type('What colour is the bench?');
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText("Sorry, I'm not sure.");
  await expectNoAxeViolations(page);

  await desk.close({ reason: 'Practice call' });
  const score = page.getByRole('heading', { name: /^Your score: \d+ of \d+ \(\d+%\)$/ });
  await expect(score).toBeFocused();
  await expect(page.getByRole('table', { name: 'Points by area' })).toContainText('Code and priority');
  await expect(page.getByText('Done: Coded SC-NDL-01')).toBeVisible();
  await expect(page.getByText(/ · Assessment · the call took \d+ min \d\d s$/)).toBeVisible();
  await expect(page.getByText(/^Criteria evidenced: .*L2 1\.4/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Questions the caller could not answer' })).toBeVisible();
  await expect(page.getByRole('listitem').filter({ hasText: 'What colour is the bench?' })).toHaveCount(1);
  await expectNoAxeViolations(page);
  await screen(page, '20-practice-score');

  await expect(page.getByRole('status').filter({ hasText: 'Kept in your practice record in this browser.' })).toBeVisible();

  // Nothing sent; nothing of a live call kept (no draft, no outbox): only the practice record.
  expect(sent).toEqual([]);
  const stored = await storedData(page);
  expect(stored.keys).toEqual(['practice:evidence']);

  // Back to the scenarios, with focus on their heading; the attempt in the record, which
  // survives a reload, shown on the practice record's page with the trainee's name, and
  // downloads as an evidence file.
  await page.getByRole('button', { name: 'Back to the scenarios' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /^Scenarios for / })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: '1 attempt and 0 knowledge checks kept in this browser.' })).toBeVisible();
  await page.getByRole('link', { name: 'Open your practice record' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Practice record', exact: true, level: 2 })).toBeVisible();
  await expect(page.getByText('1 attempt (0 signed off) and 0 knowledge checks.')).toBeVisible();
  const attempts = page.getByRole('table', { name: 'Scores over time, as a table' }).locator('tbody tr');
  await expect(attempts).toHaveCount(1);
  await expect(attempts.first()).toContainText("Used needles by the swings in a children's play area");
  await expect(attempts.first()).toContainText('Assessment');
  await page.getByLabel('Your name, as your assessor knows you').focus();
  await page.keyboard.type('Sam Trainee');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('heading', { name: 'Practice record of Sam Trainee' })).toBeVisible();
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByRole('table', { name: 'Scores over time, as a table' }).locator('tbody tr')).toHaveCount(1);
  await expect(page.getByLabel('Your name, as your assessor knows you')).toHaveValue('Sam Trainee');
  const href = await page.getByRole('link', { name: 'Download the record (JSON)' }).getAttribute('href');
  const file = JSON.parse(decodeURIComponent(href.replace(/^data:application\/json;charset=utf-8,/, '')));
  expect(file.format).toBe('incident-desk-evidence/1');
  expect(file.trainee).toBe('Sam Trainee');
  expect(file.attempts).toHaveLength(1);
  expect(file.attempts[0]).toMatchObject({ scenario: 'council-needles-playground', mode: 'assessment' });
  expect(file.attempts[0].criteria).toContain('L2 1.4');

  // A shared training PC: the trainee removes their record when they finish, asked first.
  await page.getByRole('button', { name: 'Remove my record from this browser' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#idk-evidence-remove-warning')).toBeFocused();
  await page.getByRole('button', { name: 'Remove it now' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Practice record', exact: true, level: 2 })).toBeFocused();
  await expect(page.getByText('Nothing yet: take a practice call or a knowledge check on the')).toBeVisible();
  expect((await storedData(page)).keys).toEqual([]);
  await expectNoAxeViolations(page);
  expect(errors).toEqual([]);
});

test('a library list that names a file that is not a scenario of this pack says which and why; the rest are offered', async ({ page }) => {
  await page.route('**/packs/scenarios/northbridge-council.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(['council-needles-playground.json', 'missing.json']) }),
  );
  await page.goto('/practice.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  const problem = page.getByRole('alert').filter({ hasText: 'Some scenarios cannot be used with this pack' });
  await expect(problem).toContainText('missing.json: it was not found (HTTP 404)');
  await expect(page.getByRole('button', { name: /^Take the call: / })).toHaveCount(1);
  await expectNoAxeViolations(page);
});

test('a scenario with a wrong reference or a wrong shape is named with the place of its mistake, and not offered', async ({ page }) => {
  const folder = new URL('../../packs/scenarios/northbridge-council/', import.meta.url).pathname;
  const needles = readFileSync(`${folder}council-needles-playground.json`, 'utf8').replace('"code": "SC-NDL-01"', '"code": "SC-NDL-99"');
  const dog = readFileSync(`${folder}council-dog-aggressive-silent-caller.json`, 'utf8').replace(/"priority": "P\d"/, '"priority": 2');
  await page.route('**/packs/scenarios/northbridge-council.json', (route) =>
    route.fulfill({ contentType: 'application/json', body: JSON.stringify(['council-needles-playground.json', 'council-dog-aggressive-silent-caller.json', 'council-fallen-tree-repeat-caller.json']) }),
  );
  await page.route('**/packs/scenarios/northbridge-council/council-needles-playground.json', (route) => route.fulfill({ contentType: 'application/json', body: needles }));
  await page.route('**/packs/scenarios/northbridge-council/council-dog-aggressive-silent-caller.json', (route) => route.fulfill({ contentType: 'application/json', body: dog }));
  await page.goto('/practice.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  const problem = page.getByRole('alert').filter({ hasText: 'Some scenarios cannot be used with this pack' });
  await expect(problem).toContainText('council-needles-playground.json: 1 problem');
  await expect(problem).toContainText('expected.code');
  await expect(problem).toContainText('the pack has no incident code "SC-NDL-99"');
  const line = dog.split('\n').findIndex((l) => l.includes('"priority": 2')) + 1;
  await expect(problem).toContainText(new RegExp(`council-dog-aggressive-silent-caller\\.json: expected\\.priority \\(line ${line}, column \\d+\\): `));
  await expect(page.getByRole('button', { name: /^Take the call: / })).toHaveCount(1);
  await expectNoAxeViolations(page);
});

test('a knowledge check from the pack, by keyboard: each answer right or not with the pack\'s words, the result kept in the record', async ({ page }) => {
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto('/practice.html?pack=packs/council-out-of-hours.json');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  // Its own page, given the practice page's pack.
  await page.getByRole('link', { name: 'Take a knowledge check' }).focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/practice-knowledge\.html\?pack=packs%2Fcouncil-out-of-hours\.json$/);
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByRole('heading', { name: 'Questions from the procedures of Northbridge Borough Council (version 2026.12.1)' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.getByRole('button', { name: 'Start a knowledge check (Level 2: taking calls)' }).focus();
  await page.keyboard.press('Enter');
  for (let n = 1; n <= 9; n++) {
    const legend = page.locator('#idk-knowledge-question');
    await expect(legend).toBeFocused();
    await expect(legend).toHaveText(new RegExp(`^Question ${n} of 9 \\(L2 [23]\\.\\d\\): `));
    if (n === 1) await expectNoAxeViolations(page);
    // The first option, by keyboard: Tab to it, Space to choose, then Answer.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Answer' }).focus();
    await page.keyboard.press('Enter');
    const feedback = page.locator('#idk-knowledge-feedback');
    await expect(feedback).toBeFocused();
    await expect(feedback).toContainText(/^(Right\.|Not quite\.) The answer: /);
    await expect(feedback).toContainText('From your procedures: ');
    await expect(page.locator('label', { hasText: '✓ the right answer' })).toHaveCount(1);
    if (n === 1) await expectNoAxeViolations(page);
    await page.getByRole('button', { name: n === 9 ? 'Finish' : 'Next' }).focus();
    await page.keyboard.press('Enter');
  }
  const done = page.locator('#idk-knowledge-done');
  await expect(done).toBeFocused();
  await expect(done).toHaveText(/^Your last Level 2 check: \d of 9 right\.$/);
  await expect(page.getByRole('status').filter({ hasText: 'Kept in your practice record in this browser.' })).toBeVisible();
  await expect
    .poll(async () => JSON.parse((await storedData(page, 'practice:evidence')).value ?? '{"knowledge":[]}').knowledge.length)
    .toBe(1);
  const kept = JSON.parse((await storedData(page, 'practice:evidence')).value);
  expect(kept.knowledge[0].answers).toHaveLength(9);
  expect(kept.knowledge[0].pack).toEqual({ organisation: 'northbridge-council', version: '2026.12.1' });

  // A Level 3 check asks the supervisor's criteria, from the same pack.
  await page.getByRole('button', { name: 'Start a knowledge check (Level 3: supervising)' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.locator('#idk-knowledge-question')).toBeFocused();
  await expect(page.locator('#idk-knowledge-question')).toHaveText(/^Question 1 of 9 \(L3 3\.1\): /);
  await expectNoAxeViolations(page);
});

test("the caller's lines are spoken aloud only once the trainee turns it on, in the caller's own pace and pitch", async ({ page }) => {
  // The browser's speech synthesis, listened to: what the page asks it to say.
  await page.addInitScript(() => {
    window.__spoken = [];
    if (window.speechSynthesis) {
      window.speechSynthesis.speak = (u) => window.__spoken.push({ text: u.text, rate: u.rate, pitch: u.pitch, lang: u.lang });
    }
  });
  const spoken = () => page.evaluate(() => window.__spoken);
  await page.goto('/practice.html');
  await expect(page.locator('html')).toHaveAttribute('data-incident-desk', 'ready');
  await page.getByRole('button', { name: 'Take the call: Aggressive dog in a park car park: the caller goes quiet' }).focus();
  await page.keyboard.press('Enter');
  const transcript = page.getByRole('list', { name: 'What has been said, newest first' });
  const aloud = page.getByRole('checkbox', { name: "Speak the caller's lines aloud" });
  await expect(aloud).not.toBeChecked();
  const location = page.getByRole('group', { name: 'Ask the caller for' }).getByRole('button', { name: 'Location' });
  await location.focus();
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText('Linden Park, the car park off Beech Road.');
  expect(await spoken()).toEqual([]);

  // Turned on: the next line is spoken, distressed (faster and higher than a calm caller).
  await aloud.focus();
  await page.keyboard.press('Space');
  await expect(aloud).toBeChecked();
  await location.focus();
  await page.keyboard.press('Enter');
  await expect(transcript).toContainText('The Linden Park car park, on Beech Road.');
  await expect.poll(spoken).toHaveLength(1);
  const [line] = await spoken();
  expect(line.text).toBe('The Linden Park car park, on Beech Road.');
  expect(line.lang).toBe('en-GB');
  expect(line.rate).toBeGreaterThan(1);
  expect(line.pitch).toBeGreaterThan(1);

  // Off again: nothing more is spoken.
  await aloud.focus();
  await page.keyboard.press('Space');
  await location.focus();
  await page.keyboard.press('Enter');
  await expect(transcript.getByText('Linden Park, the car park off Beech Road.')).toHaveCount(2);
  expect(await spoken()).toHaveLength(1);
  await expectNoAxeViolations(page);

  // A call left part-way: back to the scenarios, nothing scored or kept.
  await page.getByRole('button', { name: 'Stop this call (not scored)' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: /^Scenarios for / })).toBeFocused();
  await expect(page.getByRole('status').filter({ hasText: 'No attempts yet' })).toBeVisible();
});
