// Page objects for the end-to-end tests. Elements are found by role and accessible name, the way
// a handler using a screen reader or the keyboard would find them.
import { expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * The widget, in its own page or inside a host's iframe (`root` is a Page or a FrameLocator), or
 * mounted in a host's element (`root` is that element's Locator: use ElementHostPage.settled).
 */
export class Widget {
  constructor(root) {
    this.root = root;
  }

  /** Waits until the widget has shown either the handler's screen or a pack problem. */
  async settled() {
    await expect(this.root.locator('html')).toHaveAttribute('data-incident-desk', /^(ready|pack-error)$/);
  }

  organisation() {
    return this.root.getByRole('heading', { level: 1 });
  }

  greeting() {
    return this.root.getByRole('region', { name: 'Greeting' });
  }

  packProblem() {
    return this.root.getByRole('alert');
  }

  /** The value beside `term` in the pack problem's facts (Pack address, JSON path, Line, Column). */
  fact(term) {
    return this.packProblem()
      .getByRole('term')
      .filter({ hasText: new RegExp(`^${term}$`) })
      .locator('xpath=following-sibling::dd[1]');
  }

  problems() {
    return this.root.getByRole('list', { name: 'Problems in the pack' }).getByRole('listitem');
  }

  retry() {
    return this.root.getByRole('button', { name: 'Try again' });
  }

  browseProcedures() {
    return this.root.getByRole('button', { name: 'Browse procedures' });
  }

  /** The pack preview region (present once "Browse procedures" is pressed). */
  preview() {
    return this.root.getByRole('region', { name: /^Procedures: / });
  }

  /** A section of the preview by its title, e.g. "Incident codes". */
  previewSection(title) {
    return this.preview().locator('details').filter({ has: this.root.locator('summary', { hasText: new RegExp(`^${title} \\(\\d+\\)$`) }) });
  }
}

/** The standalone widget page. */
export class StandalonePage {
  constructor(page) {
    this.page = page;
    this.widget = new Widget(page);
  }

  async open(pack) {
    const query = pack === undefined ? '' : `?pack=${encodeURIComponent(pack)}`;
    await this.page.goto(`/index.html${query}`);
    await this.widget.settled();
    return this.widget;
  }
}

/** The plain demo host page that embeds the widget in an iframe. */
export class DemoHostPage {
  constructor(page) {
    this.page = page;
    this.widget = new Widget(this.frame());
  }

  /** Opens the host page; `query` (e.g. `?pack=...`) is passed on to the widget. */
  async open(query = '') {
    await this.page.goto(`/demo/host.html${query}`);
    await this.widget.settled();
    return this.widget;
  }

  /** The log entries the host has received from the widget. */
  receivedEntries() {
    return this.page.getByRole('list', { name: 'Log entries received' }).getByRole('listitem');
  }

  heading() {
    return this.page.getByRole('heading', { level: 1, name: 'Incoming call' });
  }

  /** The embedded widget's frame, as a FrameLocator. */
  frame() {
    return this.page.frameLocator('iframe[title="Incident Desk call handling"]');
  }

  /** The call screen in the embedded widget. */
  callDesk() {
    return new CallDesk(this.page, this.frame());
  }

  /** The Playwright Frame of the embedded widget (for the accessibility scan). */
  widgetFrame() {
    return this.page.frames().find((f) => f !== this.page.mainFrame() && f.url().includes('/index.html'));
  }
}

/** The example CRM page embedding the widget in an iframe (examples/host-crm/iframe.html). */
export class CrmHostPage {
  constructor(page) {
    this.page = page;
    this.widget = new Widget(page.frameLocator('iframe[title="Incident Desk call handling"]'));
  }

  /**
   * Opens the page and waits for the widget to settle. `query`: `?endpoint=1` configures HTTP
   * delivery to this origin's /crm/entries once the widget is ready, `?ack=0` never acknowledges
   * over the port; `?pack=` and `?agent=` go on to the widget.
   */
  async open(query = '') {
    await this.page.goto(`/examples/host-crm/iframe.html${query}`);
    await this.widget.settled();
    return this.widget;
  }

  /** Waits until the handshake is done and the host holds the widget's port. */
  async connected() {
    await expect(this.page.locator('#crm-link')).toHaveText('Connected to the widget.');
  }

  /** The line that says how the link is (connected, or the last refusal's code). */
  linkStatus() {
    return this.page.locator('#crm-link');
  }

  /** Fills the configure form (any of agent, role, locale, endpoint) and sends it. */
  async configure({ agent, agentName, role, locale, endpoint } = {}) {
    if (agent !== undefined) await this.page.getByLabel('Agent id').fill(agent);
    if (agentName !== undefined) await this.page.getByLabel('Name callers hear (optional)').fill(agentName);
    if (role !== undefined) await this.page.getByLabel('Role').selectOption(role);
    if (locale !== undefined) await this.page.getByLabel('Locale (optional)').fill(locale);
    if (endpoint !== undefined) await this.page.getByLabel(/^HTTP endpoint/).fill(endpoint ?? '');
    await this.page.getByRole('button', { name: 'Send configure' }).click();
  }

  configureStatus() {
    return this.page.locator('#crm-configure-status');
  }

  /** Every protocol message received from the widget, one list item each ("time channel: type"). */
  messages() {
    return this.page.getByRole('list', { name: 'Messages received' }).getByRole('listitem');
  }

  /** The messages of one `type` received on one channel (`window` or `port`). */
  messagesOf(channel, type) {
    const summary = this.page.locator('summary').filter({ hasText: new RegExp(`\\d ${channel}: ${type.replace('.', '\\.')}$`) });
    return this.messages().filter({ has: summary });
  }

  /** The log entries received over the port. */
  receivedEntries() {
    return this.page.getByRole('list', { name: 'Log entries received' }).getByRole('listitem');
  }

  /** The value of one fact in the live view of /crm/state, e.g. "Entries stored" or "Faults". */
  endpointFact(term) {
    return this.page
      .locator('#crm-state dt')
      .filter({ hasText: new RegExp(`^${term.replace(/[()]/g, '\\$&')}$`) })
      .locator('xpath=following-sibling::dd[1]');
  }

  /** The Playwright Frame of the embedded widget. */
  widgetFrame() {
    return this.page.frames().find((f) => f !== this.page.mainFrame() && f.url().includes('/index.html'));
  }

  /** Sends the widget one command over the port, as the host's script would (after `connected`). */
  async send(type, payload) {
    await this.page.evaluate(([type, payload]) => {
      const link = window.__incidentDeskLink;
      link.port.postMessage(link.envelope(type, payload));
    }, [type, payload]);
  }
}

/**
 * The demo host page with two widgets mounted as custom elements (`<incident-desk>`, element.js):
 * desk A and desk B, each with the list of entries the host received from it.
 */
export class ElementHostPage {
  constructor(page) {
    this.page = page;
  }

  /** Opens the page and waits until both desks have settled. */
  async open() {
    await this.page.goto('/demo/element.html');
    await this.settled('a');
    await this.settled('b');
  }

  /** Waits until desk `letter` has shown the handler's screen or a pack problem. */
  async settled(letter) {
    await expect(this.host(letter)).toHaveAttribute('data-incident-desk', /^(ready|pack-error)$/);
  }

  /** The `<incident-desk>` element of desk `letter` ('a' or 'b'); its open shadow root holds the widget. */
  host(letter) {
    return this.page.locator(`incident-desk#crm-desk-${letter}`);
  }

  /** The widget of desk `letter`. */
  widget(letter) {
    return new Widget(this.host(letter));
  }

  /** The call screen of desk `letter`. */
  callDesk(letter) {
    return new CallDesk(this.page, this.host(letter));
  }

  /** The entries the host page listed from desk `letter`. */
  receivedEntries(letter) {
    return this.page.getByRole('list', { name: `Log entries from desk ${letter.toUpperCase()}` }).getByRole('listitem');
  }

  destroyA() {
    return this.page.getByRole('button', { name: 'Destroy desk A' });
  }

  status() {
    return this.page.getByRole('status').filter({ hasText: /^Desk|^crm-desk/ });
  }
}

/**
 * The call screen, found by role and label; `root` is the page, the host's widget frame, or a
 * host element whose (open) shadow root holds the widget.
 */
export class CallDesk {
  constructor(page, root = page) {
    this.page = page;
    this.root = root;
    this.region = root.getByRole('region', { name: 'Call', exact: true });
  }

  async answer() {
    await this.root.getByRole('button', { name: 'Answer call' }).focus();
    await this.page.keyboard.press('Enter');
    await expect(this.region).toBeVisible();
  }

  /** Types into a log field and leaves it (Tab), as a handler would. */
  async type(label, text) {
    await this.region.getByLabel(label, { exact: true }).focus();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Tab');
  }

  question() {
    return this.region.locator('#idk-question');
  }

  alert() {
    return this.region.getByRole('alert').filter({ hasNotText: 'Escalation proposed' });
  }

  escalation() {
    return this.region.getByRole('alert').filter({ hasText: 'Escalation proposed' });
  }

  /** Starts the first suggested tree whose title is `title`, by keyboard. */
  async startSuggested(title) {
    await this.region.getByRole('button', { name: `Start: ${title}` }).focus();
    await this.page.keyboard.press('Enter');
    await expect(this.question()).toBeFocused();
  }

  /** Answers the current question with digit `n` and waits for the question to change. */
  async press(n) {
    const before = await this.question().innerText();
    await this.page.keyboard.press(String(n));
    // The first of the two: the question while one is asked (a continued tree asks with a code
    // so far on screen), else the code it ended in.
    await expect(this.question().or(this.decision()).first()).not.toHaveText(before);
  }

  /** Types a number or text answer and records it with the keyboard. */
  async typeAnswer(text) {
    const before = await this.question().innerText();
    const field = this.region.getByRole('spinbutton').or(this.region.getByRole('textbox', { name: 'Answer', exact: true }));
    await field.focus();
    await this.page.keyboard.type(text);
    await this.region.getByRole('button', { name: /^Record answer/ }).focus();
    await this.page.keyboard.press('Enter');
    // The first of the two: the question while one is asked (a continued tree asks with a code
    // so far on screen), else the code it ended in.
    await expect(this.question().or(this.decision()).first()).not.toHaveText(before);
  }

  decision() {
    return this.region.getByRole('region', { name: 'Code and priority' });
  }

  why() {
    return this.decision().getByRole('list', { name: 'Why this code' }).getByRole('listitem');
  }

  closeDialog() {
    return this.root.getByRole('dialog', { name: 'Review and close the call' });
  }

  /** Answers every safety question by keyboard: "Yes" to those whose words match `yesTo`. */
  async safetyNet(yesTo = []) {
    const groups = this.region.getByRole('group', { name: 'Safety questions (ask every caller)' }).getByRole('radiogroup');
    const count = await groups.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const group = groups.nth(i);
      const asked = await group.getAttribute('aria-labelledby').then((id) => this.region.locator(`#${id}`).innerText());
      const yes = yesTo.some((words) => asked.includes(words));
      await group.getByRole('radio', { name: yes ? 'Yes' : 'No', exact: true }).focus();
      await this.page.keyboard.press('Space');
      await expect(group.getByRole('radio', { name: yes ? 'Yes' : 'No', exact: true })).toBeChecked();
    }
    await expect(this.region).toContainText(`${count} of ${count} asked`);
  }

  /**
   * Opens the closing dialog and confirms; the dialog stays open if something is still needed.
   * With `reason`, first types it as the reason for every deviation from the procedure that has
   * none yet.
   */
  async close({ reason } = {}) {
    await this.region.getByRole('button', { name: 'Close call' }).focus();
    await this.page.keyboard.press('Enter');
    await expect(this.closeDialog()).toBeVisible();
    const confirm = this.closeDialog().getByRole('button', { name: 'Confirm close' });
    const stillNeeded = this.closeDialog().getByText('Still needed before closing', { exact: true });
    // Focus starts on "Confirm close" when the call can close, else on what it still needs.
    await expect
      .poll(async () => {
        const target = (await stillNeeded.count()) > 0 ? stillNeeded : confirm;
        return target.evaluate((el) => el === el.getRootNode().activeElement);
      })
      .toBe(true);
    if (reason) {
      const fields = this.deviations().getByRole('textbox');
      for (let i = 0; i < (await fields.count()); i++) {
        await fields.nth(i).focus();
        await this.page.keyboard.type(reason);
      }
    }
    await confirm.focus();
    await this.page.keyboard.press('Enter');
  }

  /** The call's "External organisations" region. */
  organisations() {
    return this.region.getByRole('region', { name: 'External organisations' });
  }

  /**
   * Records, by keyboard, the gas emergency service notified by telephone with its `reference` and
   * the `person` spoken to, and waits until it shows as notified.
   */
  async notifyGasService(reference, person) {
    const organisations = this.organisations();
    await organisations.getByRole('textbox', { name: "National Gas Emergency Service's reference" }).focus();
    await this.page.keyboard.type(reference);
    await organisations.getByRole('textbox', { name: 'Name of the person spoken to' }).first().focus();
    await this.page.keyboard.type(person);
    await organisations.getByRole('button', { name: 'Record notified by Telephone: 0800 111 999' }).focus();
    await this.page.keyboard.press('Enter');
    await expect(organisations.getByText(`National Gas Emergency Service (notified, their reference ${reference})`)).toBeVisible();
  }

  /** The closing dialog's list of deviations from the procedure. */
  deviations() {
    return this.closeDialog().getByRole('list', { name: 'Deviations from the procedure' });
  }

  /** Declines every escalation proposed, by keyboard, with `reason`. */
  async declineProposals(reason) {
    const proposals = this.escalation().getByRole('listitem');
    while ((await proposals.count()) > 0) {
      const before = await proposals.count();
      await proposals.first().getByRole('textbox', { name: /^Reason for not escalating/ }).focus();
      await this.page.keyboard.type(reason);
      await proposals.first().getByRole('button', { name: 'Do not escalate' }).focus();
      await this.page.keyboard.press('Enter');
      await expect(proposals).toHaveCount(before - 1);
      // Focus moves on to the next proposal, or back to the call: never to the page's body.
      await expect(this.region.locator(':focus')).toHaveCount(1);
    }
  }

  stillNeeded() {
    return this.closeDialog().getByRole('list', { name: 'Still needed' });
  }

  /** Leaves the closing dialog with Escape; focus returns to "Close call". */
  async keepOpen() {
    await this.page.keyboard.press('Escape');
    await expect(this.closeDialog()).toBeHidden();
    await expect(this.region.getByRole('button', { name: 'Close call' })).toBeFocused();
  }
}

/**
 * Answers a call of the quick pack (tests/fixtures/packs/good/quick-close.json) on `desk` (a
 * CallDesk) up to its code, and types the caller's `name`, leaving the field as a handler would.
 */
export async function quickCallToCode(page, desk, name) {
  await desk.root.getByRole('button', { name: /^Answer (next )?call$/ }).click();
  await expect(desk.region).toBeVisible();
  await desk.region
    .getByRole('group', { name: 'Safety questions (ask every caller)' })
    .getByRole('radio', { name: 'No', exact: true })
    .check();
  await desk.region.getByRole('button', { name: 'Start tree' }).click();
  await expect(desk.question()).toBeFocused();
  await page.keyboard.press('1');
  await expect(desk.decision()).toContainText('QK-01');
  await desk.region.getByLabel("Caller's name", { exact: true }).fill(name);
  await page.keyboard.press('Tab');
}

/**
 * Answers a flooding call on `desk` up to its code, HW-FLD-01 (a vulnerable person, 45 cm of
 * water), by keyboard.
 */
export async function floodingCallToCode(desk) {
  await desk.answer();
  await desk.safetyNet(['elderly, disabled']);
  await desk.type('What is happening', 'The road is flooding outside the school');
  await desk.startSuggested('Flooding');
  await desk.press(1);
  await desk.typeAnswer('45');
  await expect(desk.decision()).toContainText('HW-FLD-01');
}

/**
 * Completes the log of the flooding call (HW-FLD-01, a vulnerable person) on `desk` and closes
 * it: the caller's name and number, the location, the hazards, who is vulnerable, proposals
 * declined with a reason.
 */
export async function completeFloodingCall(desk) {
  await desk.type('Vulnerability', 'Elderly man at number 4, uses a walking frame');
  await desk.type("Caller's name", 'Alex Morgan');
  await desk.type('Callback number', '01632 960001');
  await desk.type('Location', 'Station Road by the primary school');
  await desk.type('Hazards', 'Deep moving water; children walking to school');
  await desk.declineProposals('Supervisor is listening in');
  await desk.close({ reason: 'Caller rang off to move the children' });
  await expect(desk.region).toContainText('Call closed.');
}

/** Chooses `code` in the code combobox by keyboard and uses it with `reason`. */
export async function chooseCode(desk, code, reason) {
  const summary = desk.region.getByText('Choose or override the code', { exact: true });
  if ((await summary.locator('..').getAttribute('open')) === null) {
    await summary.focus();
    await desk.page.keyboard.press('Enter');
  }
  const search = desk.region.getByRole('combobox', { name: 'Find a code' });
  await search.focus();
  await desk.page.keyboard.press('Control+A');
  await desk.page.keyboard.type(code);
  await desk.page.keyboard.press('ArrowDown');
  await desk.page.keyboard.press('Enter');
  await expect(desk.region.getByText(new RegExp(`^Chosen: ${code} `))).toBeVisible();
  await desk.region.getByRole('textbox', { name: 'Reason', exact: true }).focus();
  await desk.page.keyboard.type(reason);
  await desk.region.getByRole('button', { name: 'Use this code' }).focus();
  await desk.page.keyboard.press('Enter');
  await expect(desk.decision()).toContainText(code);
}

/**
 * Runs axe-core in `target` (a Page or a Frame) and asserts there are no violations. `preload:
 * false` skips axe's CSSOM preload: for stylesheets in shadow roots it rebuilds them as inline
 * `<style>`, which a strict page policy refuses (console errors and violation events of axe's own
 * making). The one rule that needs it (css-orientation-lock) is checked on the widget's own page.
 */
export async function expectNoAxeViolations(target, { iframes = true, preload = true } = {}) {
  // Evaluated, not added as a <script>: the widget's Content Security Policy refuses inline
  // scripts, and the test must not need a hole in it.
  await target.evaluate(AXE_SOURCE);
  const result = await target.evaluate(
    ([tags, iframes, preload]) => window.axe.run(document, { runOnly: { type: 'tag', values: tags }, iframes, preload }),
    [AXE_TAGS, iframes, preload],
  );
  const violations = result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
  expect(violations, 'axe-core violations').toEqual([]);
  expect(result.passes.length, 'axe-core ran its rules').toBeGreaterThan(0);
}

/**
 * Records Content Security Policy violations in every frame of `page` from the start, for
 * `cspViolations`. Call before the page is opened.
 */
export async function recordCspViolations(page) {
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI || '(inline)'}`);
    });
  });
}

/** The violations recorded in `target` (a Page or a Frame) since it loaded. */
export async function cspViolations(target) {
  return target.evaluate(() => window.__cspViolations ?? ['(not recording)']);
}

/**
 * Proves the widget's policy is in force in `target`: an inline script is refused (and reported).
 * Returns the violations it caused, which the caller leaves out of its own count.
 */
export async function expectInlineScriptRefused(target) {
  const ran = await target.evaluate(async () => {
    const before = window.__cspViolations.length;
    const script = document.createElement('script');
    script.textContent = 'window.__inlineRan = true;';
    document.head.append(script);
    script.remove();
    // The violation event is dispatched as a task.
    await new Promise((resolve) => setTimeout(resolve, 50));
    return { ran: window.__inlineRan === true, caused: window.__cspViolations.splice(before) };
  });
  expect(ran.ran, 'an inline script ran: the Content Security Policy is not in force').toBe(false);
  expect(ran.caused.join(' | ')).toContain('script-src');
}

/**
 * The test CRM endpoint (examples/host-crm/crm-endpoint.mjs, served under /crm/ by the e2e
 * server's `--crm`). `request` is Playwright's APIRequestContext: the `request` fixture or
 * `page.request`, whose baseURL is the server's. There is one endpoint per server, so tests that
 * use it must not run at the same time as each other: `test.describe.configure({ mode: 'default' })`
 * in their file (the config runs files fully parallel), and keep them in one file or mark the
 * files serial.
 */
export class CrmEndpoint {
  constructor(request) {
    this.request = request;
  }

  /** The address the widget should POST to (`configure`'s `endpoint`), on `baseURL`'s origin. */
  static url(baseURL) {
    return new URL('/crm/entries', baseURL).href;
  }

  /** Forgets every entry and request and returns to no faults; `settings` are applied after. */
  async reset(settings = {}) {
    return this.configure({ reset: true, ...settings });
  }

  /**
   * Sets any of `failRate`, `dropRate` (0–1), `offline` (true/false), `latencyMs`, `seed`; the
   * endpoint refuses unknown names. Returns the settings now in force.
   */
  async configure(settings) {
    const response = await this.request.post('/crm/control', { data: settings });
    expect(response.status(), `POST /crm/control: ${await response.text()}`).toBe(200);
    return (await response.json()).config;
  }

  /**
   * What the endpoint has seen: `{entries: [{key, body, at}], requests, outcomes, overlaps,
   * duplicatesRefused, config, log}`; `{summary: true}` leaves out bodies and the log.
   */
  async state({ summary = false } = {}) {
    const response = await this.request.get(`/crm/state${summary ? '?summary=1' : ''}`);
    expect(response.status(), 'GET /crm/state').toBe(200);
    return response.json();
  }

  /** The keys of the stored entries, in the order they were stored. */
  async keys() {
    return (await this.state({ summary: true })).entries.map((entry) => entry.key);
  }
}

/**
 * What the widget keeps in `target`'s browser storage (a Page or Frame on the widget's origin):
 * the keys in its IndexedDB store, the number of localStorage items, and the text stored under
 * `key` (or null).
 */
export async function storedData(target, key = undefined) {
  return target.evaluate(async (key) => {
    // By default, the draft of the widget's own page in this tab (`draft@<tab>`).
    key ??= `draft@${sessionStorage.getItem('incident-desk:tab')}`;
    const read = await new Promise((resolve, reject) => {
      const open = indexedDB.open('incident-desk');
      open.onerror = () => reject(open.error);
      open.onsuccess = () => {
        const db = open.result;
        if (!db.objectStoreNames.contains('kv')) {
          db.close();
          resolve({ keys: [], value: null });
          return;
        }
        const store = db.transaction('kv').objectStore('kv');
        const all = store.getAllKeys();
        const one = store.get(key);
        one.onsuccess = () => {
          db.close();
          resolve({ keys: all.result, value: one.result ?? null });
        };
        one.onerror = () => reject(one.error);
      };
    });
    return { ...read, localStorage: localStorage.length };
  }, key ?? null);
}
