// The script and custom-element mode (issue 5): two widgets mounted by element.js in one host page
// (demo/element.html), each in its own open shadow root. A call completed in desk B reaches desk
// B's listeners and not desk A's; keys and dialogs stay in their own desk; drafts are kept per
// instance; destroying desk A empties its shadow root and leaves desk B working; commands are
// checked by the engine and a bad one is refused with its JSON path. Mounted from another site than
// the page's, `pack.load` may name the widget's own site (where element.js is) as well as the
// page's, and no third. No console errors, no Content Security Policy violations, axe on every
// screen.
import { test, expect } from '@playwright/test';
import { CallDesk, ElementHostPage, chooseCode, cspViolations, expectNoAxeViolations, recordCspViolations, storedData } from './pages.mjs';

test.beforeEach(async ({ page }, testInfo) => {
  testInfo.errors = [];
  page.on('pageerror', (error) => testInfo.errors.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') testInfo.errors.push(`console: ${message.text()} (${message.location().url})`);
  });
});

test.afterEach(async ({}, testInfo) => {
  expect(testInfo.errors, 'page errors').toEqual([]);
});

/** Subscribes, with each desk's `on()`, to the events the test counts, into `window.__heard`. */
async function listen(page) {
  await page.evaluate(() => {
    window.__heard = { a: [], b: [] };
    window.__unsubscribe = [];
    for (const letter of ['a', 'b']) {
      const desk = document.getElementById(`crm-desk-${letter}`).desk;
      for (const type of ['entry.completed', 'error']) {
        window.__unsubscribe.push(desk.on(type, (detail, event) => window.__heard[letter].push({ type, detail, name: event.type })));
      }
    }
  });
}

const heard = (page, letter) => page.evaluate((l) => window.__heard[l], letter);

/** The keys in the widget's IndexedDB store on `page`. */
async function storedKeys(page) {
  return (await storedData(page)).keys;
}

/** Takes a short call to completion in `desk` (a CallDesk), by keyboard. */
async function completeCall(desk, name) {
  await desk.safetyNet();
  await chooseCode(desk, 'GN-INF-01', 'Asking when the bins will be collected');
  await desk.type("Caller's name", name);
  await desk.type('Callback number', '01632 960777');
  await desk.type('Location', '3 Elm Court');
  await desk.type('What is happening', 'Wants to know about bin collections');
  await desk.close({ reason: 'Information call: nothing to give or tick' });
  await expect(desk.region).toContainText('Call closed.');
}

test('two desks on one page: a call completed in B reaches B alone, and destroying A leaves B working', async ({ page }) => {
  await recordCspViolations(page);
  const host = new ElementHostPage(page);
  await host.open();
  await expect(host.widget('a').organisation()).toHaveText('Northbridge Borough Council');
  await expect(host.widget('b').organisation()).toHaveText('Northbridge Borough Council');
  await listen(page);

  // A call in progress in desk A, then a whole call in desk B.
  const deskA = host.callDesk('a');
  await deskA.answer();
  await deskA.type("Caller's name", 'Ada Stone');
  const deskB = host.callDesk('b');
  await deskB.answer();
  await expect(deskA.region).toBeVisible();
  await expectNoAxeViolations(page, { preload: false });

  // "?" opens the keyboard map of the desk it was pressed in, and only that one.
  await deskB.region.getByRole('button', { name: 'Keyboard shortcuts (?)' }).focus();
  await page.keyboard.press('Shift+?');
  await expect(host.host('b').getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await expect(host.host('a').getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();
  await page.keyboard.press('Escape');
  await expect(host.host('b').getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeHidden();

  await completeCall(deskB, 'Jo Reed');
  await expect.poll(async () => (await heard(page, 'b')).length).toBe(1);
  const [completed] = await heard(page, 'b');
  expect(completed.name).toBe('incident-desk:entry.completed');
  expect(completed.detail.key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  expect(completed.detail.entry.format).toBe('incident-desk/log-entry@1');
  expect(completed.detail.entry.handler).toBe('agent-b');
  expect(completed.detail.entry.decision.code).toBe('GN-INF-01');
  expect(await heard(page, 'a')).toEqual([]);
  await expect(host.receivedEntries('b')).toHaveCount(1);
  await expect(host.receivedEntries('b').first()).toContainText(`GN-INF-01`);
  await expect(host.receivedEntries('b').first()).toContainText(`key ${completed.detail.key}`);
  await expect(host.receivedEntries('a')).toHaveCount(0);

  // Each desk keeps its own draft: A's call in progress, none for B's closed call.
  // B's closed call was delivered (the host acknowledged it): only its key is kept, in B's outbox.
  await expect.poll(() => storedKeys(page)).toEqual([expect.stringMatching(/^draft:desk-a@[0-9a-f]{16}$/), 'outbox:desk-b']);
  // Desk A's call is untouched by B's.
  await expect(deskA.region.getByLabel("Caller's name", { exact: true })).toHaveValue('Ada Stone');
  await expect(deskA.region).not.toContainText('Call closed.');
  await expectNoAxeViolations(page, { preload: false });

  // Destroy desk A: its shadow root is emptied, its listeners hear nothing more.
  await host.destroyA().click();
  await expect(host.host('a')).not.toHaveAttribute('data-incident-desk', /./);
  expect(await page.evaluate(() => document.getElementById('crm-desk-a').shadowRoot.childNodes.length)).toBe(0);
  expect(await page.evaluate(() => document.getElementById('crm-desk-a').desk)).toBeNull();
  // Desk A's draft was written as it went, so the call can be resumed by a new desk A.
  expect(await storedKeys(page)).toEqual([expect.stringMatching(/^draft:desk-a@[0-9a-f]{16}$/), 'outbox:desk-b']);

  // Desk B carries on: a second call, completed, reaches B's listeners.
  await page.getByRole('button', { name: 'Answer next call' }).focus();
  await page.keyboard.press('Enter');
  const next = host.callDesk('b');
  await expect(next.region).toBeVisible();
  await completeCall(next, 'Sam Hill');
  await expect.poll(async () => (await heard(page, 'b')).length).toBe(2);
  expect(await heard(page, 'a')).toEqual([]);
  await expect(host.receivedEntries('b')).toHaveCount(2);
  await expect(host.receivedEntries('a')).toHaveCount(0);
  await expectNoAxeViolations(page, { preload: false });

  // A new widget under desk A's name resumes desk A's call, not desk B's.
  await page.evaluate(() => {
    const element = document.createElement('div');
    element.id = 'crm-desk-a2';
    document.querySelector('main').append(element);
    window.__incidentDesk.mount(element, { instance: 'desk-a', agentId: 'agent-a' });
  });
  const resumed = new CallDesk(page, page.locator('#crm-desk-a2'));
  await expect(resumed.region.getByLabel("Caller's name", { exact: true })).toHaveValue('Ada Stone');
  await expect(resumed.region).not.toContainText('Jo Reed');
  expect(await cspViolations(page)).toEqual([]);
});

test('IncidentDesk.mount: options and commands are checked by the engine, refusals name the JSON path', async ({ page }) => {
  await recordCspViolations(page);
  const host = new ElementHostPage(page);
  await host.open();
  const result = await page.evaluate(async () => {
    const { mount } = window.__incidentDesk;
    const element = document.createElement('div');
    document.querySelector('main').append(element);
    const outcome = {};

    // Options the engine refuses: nothing is mounted.
    try {
      mount(element, { instance: 'desk-c', theme: { '--idk-accent': 'url(a.png)' } });
    } catch (error) {
      outcome.badTheme = error.message;
    }
    try {
      mount(element, { instance: 'desk-b' });
    } catch (error) {
      outcome.nameInUse = error.message;
    }
    outcome.emptyAfterRefusals = element.shadowRoot?.childNodes.length ?? 0;

    const desk = mount(element, {
      instance: 'desk-c',
      agentId: 'agent-c',
      theme: { '--idk-accent': 'rgb(18, 52, 86)' },
      zIndex: 7,
    });
    outcome.ready = await new Promise((resolve) => desk.on('ready', (detail, event) => resolve({ detail, name: event.type, bubbles: event.bubbles, composed: event.composed })));
    outcome.settled = element.getAttribute('data-incident-desk');
    outcome.accent = getComputedStyle(element).getPropertyValue('--idk-accent').trim();
    // The z-index takes effect through main.css (`:host`), which loads on its own: `ready` says the
    // pack is loaded, not that the stylesheet is (docs/embedding.md).
    const sheet = element.shadowRoot.querySelector('link[rel="stylesheet"]');
    if (!sheet.sheet) {
      await new Promise((resolve) => sheet.addEventListener('load', resolve, { once: true }));
    }
    outcome.zIndex = getComputedStyle(element).zIndex;

    // A bad configure: the promise rejects with the engine's words, and an error event says so.
    const errors = [];
    const stop = desk.on('error', (detail) => errors.push(detail));
    try {
      await desk.command('configure', { agent_id: 'agent-c', role: 'pilot', theme: { '--idk-accent': 'url(x)' }, z_index: -3 });
      outcome.badConfigure = 'resolved';
    } catch (error) {
      outcome.badConfigure = error.message;
      outcome.badConfigureIsError = error instanceof Error;
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    outcome.errorEvents = errors.map((e) => ({ code: e.code, paths: e.problems.map((p) => p.path) }));
    try {
      await desk.command('call.hijack', {});
    } catch (error) {
      outcome.unknown = error.message;
    }
    try {
      await desk.command('welcome', {});
    } catch (error) {
      outcome.welcome = error.message;
    }
    outcome.errorsBeforeStop = errors.map((e) => e.code);
    stop();
    try {
      await desk.command('entry.ack', { key: 'not a key' });
    } catch {
      // Refused, but no longer heard: unsubscribed.
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    outcome.errorsAfterStop = errors.length;

    // A good configure: acted on (the look changes at once).
    await desk.command('configure', { agent_id: 'agent-c2', role: 'handler', z_index: 9, theme: { '--idk-accent': '#5a2d82' } });
    outcome.zIndexAfter = getComputedStyle(element).zIndex;
    outcome.accentAfter = getComputedStyle(element).getPropertyValue('--idk-accent').trim();

    desk.destroy();
    outcome.emptyAfterDestroy = element.shadowRoot.childNodes.length;
    try {
      await desk.command('teardown', {});
      outcome.afterDestroy = 'resolved';
    } catch (error) {
      outcome.afterDestroy = error.message;
    }
    // The name is free again.
    mount(element, { instance: 'desk-c' }).destroy();
    return outcome;
  });

  expect(result.badTheme).toContain("$.theme['--idk-accent']: uses url()");
  expect(result.nameInUse).toContain('already uses this instance name');
  expect(result.emptyAfterRefusals).toBe(0);
  expect(result.ready).toEqual({ detail: {}, name: 'incident-desk:ready', bubbles: true, composed: true });
  expect(result.settled).toBe('ready');
  expect(result.accent).toBe('rgb(18, 52, 86)');
  expect(result.zIndex).toBe('7');
  expect(result.badConfigureIsError).toBe(true);
  expect(result.badConfigure).toMatch(/^The "configure" command was not acted on: /);
  expect(result.badConfigure).toContain('$.role: must be one of handler, supervisor, trainee, assessor');
  expect(result.badConfigure).toContain("$.theme['--idk-accent']: uses url()");
  expect(result.badConfigure).toContain('$.z_index: must be a whole number');
  expect(result.errorEvents).toEqual([{ code: 'invalid_payload', paths: ['$.role', "$.theme['--idk-accent']", '$.z_index'] }]);
  expect(result.unknown).toContain('is not a command this widget knows');
  expect(result.welcome).toContain('iframe handshake');
  expect(result.errorsBeforeStop).toEqual(['invalid_payload', 'unknown_type', 'no_handshake']);
  expect(result.errorsAfterStop).toBe(3);
  expect(result.zIndexAfter).toBe('9');
  expect(result.accentAfter).toBe('#5a2d82');
  expect(result.emptyAfterDestroy).toBe(0);
  expect(result.afterDestroy).toContain('has been destroyed');

  // The two desks on the page were never disturbed.
  await expect(host.host('a')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(host.host('b')).toHaveAttribute('data-incident-desk', 'ready');
  expect(await cspViolations(page)).toEqual([]);
});

test('<incident-desk> attributes: a refused one is an error event, a new z-index is acted on', async ({ page }) => {
  const host = new ElementHostPage(page);
  await host.open();
  await expect.poll(() => host.host('b').evaluate((e) => getComputedStyle(e).zIndex)).toBe('5');
  await host.host('b').evaluate((element) => {
    window.__errors = [];
    element.addEventListener('incident-desk:error', (event) => window.__errors.push(event.detail));
    element.setAttribute('z-index', 'very high');
  });
  await expect.poll(() => page.evaluate(() => window.__errors.map((e) => e.problems.map((p) => p.path)))).toEqual([['$.z_index']]);
  await host.host('b').evaluate((element) => element.setAttribute('z-index', '12'));
  await expect.poll(() => host.host('b').evaluate((e) => getComputedStyle(e).zIndex)).toBe('12');
  // Still the same widget: configure does not remount it.
  await expect(host.host('b')).toHaveAttribute('data-incident-desk', 'ready');
  await expect(page.getByRole('status').filter({ hasText: 'crm-desk-b: The "configure" command was not acted on' })).toHaveCount(1);

  // Moved in the page, the element keeps its widget; removed from the page, the widget is
  // destroyed (its instance name is free again).
  const lifecycle = await host.host('b').evaluate(async (element) => {
    const before = element.desk;
    document.querySelector('main').append(element);
    await new Promise((resolve) => setTimeout(resolve, 0));
    const kept = element.desk === before && element.getAttribute('data-incident-desk') === 'ready';
    element.remove();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const other = document.createElement('div');
    document.querySelector('main').append(other);
    const again = window.__incidentDesk.mount(other, { instance: 'desk-b' });
    again.destroy();
    return { kept, destroyed: element.desk === null && element.shadowRoot.childNodes.length === 0 };
  });
  expect(lifecycle).toEqual({ kept: true, destroyed: true });
});


test('in a page on another site than the widget\'s, pack.load may name the widget\'s own site (where element.js is) or the page\'s, never a third', async ({ page }) => {
  const { port } = new URL(test.info().project.use.baseURL);
  // The widget's files on 127.0.0.1, the CRM's page on localhost: two origins of this server. The
  // widget's server allows the page's origin to use them (CORS), as docs/embedding.md asks.
  const widget = `http://127.0.0.1:${port}`;
  const crm = `http://localhost:${port}`;
  await page.route(`${widget}/**`, async (route) => {
    const response = await route.fetch();
    await route.fulfill({ response, headers: { ...response.headers(), 'access-control-allow-origin': crm } });
  });
  await page.goto(`${crm}/fixtures/hosts/element.html?widget=${widget}`);
  const element = page.locator('#desk');
  await expect(element).toHaveAttribute('data-incident-desk', 'ready');
  const heading = element.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText('Northbridge Borough Council');
  /** Sends pack.load and gives the event that answers it: pack.loaded or pack.error. */
  const load = (url) =>
    page.evaluate(
      (url) =>
        new Promise((resolve) => {
          const desk = window.__desk;
          const stops = [];
          const answered = (type) => (detail) => {
            stops.forEach((stop) => stop());
            resolve({ type, detail });
          };
          stops.push(desk.on('pack.loaded', answered('pack.loaded')), desk.on('pack.error', answered('pack.error')));
          desk.command('pack.load', { url });
        }),
      url,
    );

  // The widget's own site: the packs served beside element.js.
  expect(await load(`${widget}/packs/housing-repairs.json`)).toMatchObject({ type: 'pack.loaded' });
  await expect(heading).not.toHaveText('Northbridge Borough Council');
  // The page's own site, by a relative address (the page's) or an absolute one.
  expect(await load('/fixtures/packs/good/quick-close.json')).toMatchObject({ type: 'pack.loaded', detail: { version: 'practice-quick-1' } });
  expect(await load(`${crm}/packs/council-out-of-hours.json`)).toMatchObject({ type: 'pack.loaded' });
  await expect(heading).toHaveText('Northbridge Borough Council');
  // A third site: refused, saying which sites may be named, never the address sent.
  const refused = await load('https://packs.example.org/council.json?secret=abc');
  expect(refused.type).toBe('pack.error');
  expect(refused.detail.message).toContain("the widget's own site");
  expect(refused.detail.message).not.toContain('packs.example.org');
  expect(refused.detail.message).not.toContain('secret');
  await expect(heading).toHaveText('Northbridge Borough Council');
});

test('in a host page, the procedures load beside the widget (where element.js is) and open in each desk\'s own shadow root', async ({ page }) => {
  await recordCspViolations(page);
  const host = new ElementHostPage(page);
  await host.open();
  const a = host.widget('a');
  await a.browseProcedures().press('Enter');
  await expect(a.preview()).toBeVisible();
  await expect(a.preview().getByRole('heading', { level: 2 })).toHaveText('Procedures: Northbridge Borough Council');
  // Only desk A's: desk B shows none.
  await expect(host.widget('b').preview()).toHaveCount(0);
  await expectNoAxeViolations(page, { preload: false });
  expect(await cspViolations(page)).toEqual([]);
});
