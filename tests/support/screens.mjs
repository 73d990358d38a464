// Screenshots of the call screen at 1366×768 (the common contact-centre desktop), taken as a handler
// would move through a carbon monoxide call by keyboard: what is on screen at each step, not the
// whole page; then a quick call closed while its save is held up (issue 12: shown closed only once
// saved), and the alert a day later that it has not reached a CRM (issue 12). Writes docs/screens/<name>.png. Run after a release build:
//
//   node tests/support/screens.mjs
//
// A record to look at, not a test: it fails only if a step cannot be done.
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';
import { serveDist } from './serve-dist.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = `${root}docs/screens`;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const { origin, stop } = await serveDist('dist');
try {
  await mkdir(out, { recursive: true });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  const shot = async (name) => {
    await page.waitForTimeout(150);
    await page.screenshot({ path: `${out}/${name}.png` });
    console.log(`docs/screens/${name}.png`);
  };
  const focus = async (locator) => {
    await locator.focus();
    await locator.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  };
  await page.goto(`${origin}/index.html`);
  await page.getByRole('button', { name: 'Answer call' }).focus();
  await page.keyboard.press('Enter');
  const call = page.getByRole('region', { name: 'Call', exact: true });
  const groups = call.getByRole('group', { name: 'Safety questions (ask every caller)' }).getByRole('radiogroup');
  for (let i = 0; i < (await groups.count()); i++) {
    await groups.nth(i).getByRole('radio', { name: 'No', exact: true }).focus();
    await page.keyboard.press('Space');
  }
  await call.getByLabel('What is happening', { exact: true }).focus();
  await page.keyboard.type('The carbon monoxide alarm in the kitchen is going off');
  await page.keyboard.press('Tab');
  await call.getByRole('button', { name: 'Start: Smell of gas or carbon monoxide' }).focus();
  await page.keyboard.press('Enter');
  await shot('1-tree-started-give-now');
  await page.keyboard.press('3');
  await shot('2-co-alarm-fresh-air-before-the-code');
  const giveNow = call.getByRole('list', { name: 'Give now' });
  const toGive = giveNow.getByRole('button', { name: /^Given: / });
  while ((await toGive.count()) > 0) {
    await toGive.first().focus();
    await page.keyboard.press('Enter');
    await page.waitForTimeout(100);
  }
  // Digits answer the question that has focus.
  await call.locator('#idk-question').focus();
  await page.keyboard.press('2');
  await focus(call.getByRole('region', { name: 'Code and priority' }));
  await shot('3-coded-with-escalation-proposed');
  await focus(call.getByRole('group', { name: 'Legislation checklist' }).getByRole('checkbox').first());
  await page.keyboard.press('Space');
  await shot('4-checklist-ticked');
  const own = call.locator('details', { has: page.locator('summary', { hasText: 'Escalate on your own judgement' }) });
  await focus(own.locator('summary'));
  await page.keyboard.press('Enter');
  await shot('5-escalate-on-own-judgement');
  for (const [label, text] of [["Caller's name", 'Sam Taylor'], ['Callback number', '07700 900123'], ['Location', '16 Mill Lane'], ['Vulnerability', 'Caller is 8 months pregnant'], ['People affected', '3']]) {
    await call.getByLabel(label, { exact: true }).focus();
    await page.keyboard.type(text);
    await page.keyboard.press('Tab');
  }
  const handoff = call.getByRole('region', { name: 'Handoff' });
  await handoff.getByLabel('Unit call sign or recipient').focus();
  await page.keyboard.type('REPAIRS 1');
  await page.keyboard.press('Tab');
  await handoff.getByRole('combobox', { name: 'Channel', exact: true }).selectOption({ label: 'Text message' });
  await focus(handoff.getByRole('combobox', { name: 'Channel', exact: true }));
  await shot('6-sms-to-a-contractor-leaves-out-personal-fields');
  const organisations = call.getByRole('region', { name: 'External organisations' });
  await focus(organisations.getByRole('textbox', { name: "National Gas Emergency Service's reference" }));
  await page.keyboard.type('NGES-77120');
  await shot('7-partner-reference');
  await call.getByRole('button', { name: 'Close call' }).focus();
  await page.keyboard.press('Enter');
  await shot('8-closing-review-deviations');

  // Issue 12: a call is shown closed only once it is saved. A quick call, closed while the outbox
  // is held (as a slow disk would), then let go.
  const quick = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', timezoneId: 'Europe/London' });
  await quick.goto(`${origin}/index.html?pack=/fixtures/packs/good/quick-close.json`);
  await quick.getByRole('button', { name: 'Answer call' }).focus();
  await quick.keyboard.press('Enter');
  const quickCall = quick.getByRole('region', { name: 'Call', exact: true });
  await quickCall.getByRole('radio', { name: 'No', exact: true }).first().focus();
  await quick.keyboard.press('Space');
  await quickCall.getByRole('button', { name: 'Start tree' }).focus();
  await quick.keyboard.press('Enter');
  await quickCall.locator('#idk-question:focus').waitFor();
  await quick.keyboard.press('1');
  await quickCall.getByLabel("Caller's name", { exact: true }).focus();
  await quick.keyboard.type('Sam Taylor');
  await quick.keyboard.press('Tab');
  await quick.evaluate(
    () =>
      new Promise((held) => {
        navigator.locks.request('incident-desk:outbox', () => {
          held();
          return new Promise((release) => (window.__release = release));
        });
      }),
  );
  await quickCall.getByRole('button', { name: 'Close call' }).focus();
  await quick.keyboard.press('Enter');
  await quick.getByRole('button', { name: 'Confirm close' }).focus();
  await quick.keyboard.press('Enter');
  await quick.waitForTimeout(300);
  await quick.screenshot({ path: `${out}/9-closing-saved-before-shown.png` });
  console.log('docs/screens/9-closing-saved-before-shown.png');
  await quick.evaluate(() => window.__release());
  await quickCall.getByText(/^Call closed\./).waitFor();
  await quick.waitForTimeout(300);
  await quick.screenshot({ path: `${out}/10-closed-once-saved.png` });
  console.log('docs/screens/10-closed-once-saved.png');
  // The closed call never reached a CRM (none is connected to the standalone page): a day later,
  // the next handler starting a shift sees it at the top.
  await quick.evaluate(
    () =>
      new Promise((done) => {
        const open = indexedDB.open('incident-desk');
        open.onsuccess = () => {
          const tx = open.result.transaction('kv', 'readwrite');
          const store = tx.objectStore('kv');
          const read = store.get('outbox');
          read.onsuccess = () => {
            const outbox = JSON.parse(read.result);
            for (const entry of outbox.entries) entry.enqueued_at -= 25 * 3_600_000;
            store.put(JSON.stringify(outbox), 'outbox');
          };
          tx.oncomplete = () => done();
        };
      }),
  );
  await quick.reload();
  await quick.getByRole('alert').filter({ hasText: 'not reached the CRM' }).waitFor();
  await quick.waitForTimeout(300);
  await quick.screenshot({ path: `${out}/11-overdue-entry-alert.png` });
  console.log('docs/screens/11-overdue-entry-alert.png');
} finally {
  await browser.close();
  stop();
}
