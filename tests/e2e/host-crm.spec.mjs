// The example CRM pages (examples/host-crm/) and the test CRM endpoint behind them (/crm/, served
// by the e2e server's --crm): the iframe host's handshake, its configure form and message list, its
// live view of the endpoint, and the other modes' pages. The delivery tests themselves (entries
// POSTed by the widget through faults) come with the widget's HTTP delivery.
import { test, expect } from '@playwright/test';
import {
  CrmEndpoint,
  CrmHostPage,
  cspViolations,
  expectInlineScriptRefused,
  expectNoAxeViolations,
  recordCspViolations,
} from './pages.mjs';

// One endpoint per server, shared by every test that uses it: these run one after another.
test.describe.configure({ mode: 'default' });

test.beforeEach(async ({ request }) => {
  await new CrmEndpoint(request).reset();
});

test('iframe mode: ?endpoint=1&ack=0 connects, configures HTTP delivery, and shows every message', async ({ page, baseURL }) => {
  await recordCspViolations(page);
  const host = new CrmHostPage(page);
  await host.open('?endpoint=1&ack=0');
  await host.connected();
  const endpoint = CrmEndpoint.url(baseURL);
  await expect(host.configureStatus()).toHaveText(`Sent configure: crm-agent-1 (handler), entries to ${endpoint}.`);
  await expect(page.getByLabel('Acknowledge entries over the port (entry.ack)')).not.toBeChecked();
  // The widget took the configuration: nothing refused.
  await page.waitForTimeout(300);
  expect(await host.widgetFrame().locator('html').getAttribute('data-incident-desk-refused')).toBeNull();
  await expect(host.linkStatus()).toHaveText('Connected to the widget.');
  // The handshake's messages, as text.
  await expect(host.messagesOf('window', 'hello').first()).toBeVisible();
  await expect(host.messagesOf('window', 'ready')).toHaveCount(1);
  await host.messagesOf('window', 'ready').locator('summary').click();
  const ready = JSON.parse(await host.messagesOf('window', 'ready').locator('pre').textContent());
  expect(ready).toMatchObject({ protocol: 'incident-desk', version: 1, type: 'ready' });
  // The live view of the endpoint.
  await expect(host.endpointFact('Entries stored')).toHaveText('0');
  await expect(host.endpointFact('Overlaps (one key twice at once)')).toHaveText('0');

  await expectNoAxeViolations(page, { iframes: false });
  await expectInlineScriptRefused(page);
  expect(await cspViolations(page)).toEqual([]);
});

test('iframe mode: an endpoint the widget may not use (plain http to another machine) is refused and reported', async ({ page }) => {
  const host = new CrmHostPage(page);
  await host.open();
  await host.connected();
  await host.configure({ agent: 'crm-agent-7', role: 'supervisor', endpoint: 'http://crm.example.org/entries' });
  await expect(host.configureStatus()).toHaveText('Sent configure: crm-agent-7 (supervisor), entries to http://crm.example.org/entries.');
  await expect(host.linkStatus()).toHaveText('The widget refused a message: invalid_payload');
  await expect(host.messagesOf('port', 'error')).toHaveCount(1);
  // Then a good one, postMessage only (an empty endpoint is null): accepted.
  const refusedBefore = await host.widgetFrame().locator('html').getAttribute('data-incident-desk-refused');
  await host.configure({ endpoint: '' });
  await expect(host.configureStatus()).toHaveText('Sent configure: crm-agent-7 (supervisor), postMessage only.');
  await page.waitForTimeout(300);
  expect(await host.widgetFrame().locator('html').getAttribute('data-incident-desk-refused')).toBe(refusedBefore);
});

test('iframe mode: the page drives the endpoint\'s faults, and shows what the endpoint stored', async ({ page, request }) => {
  const crm = new CrmEndpoint(request);
  const host = new CrmHostPage(page);
  await host.open();
  await page.getByLabel('Fail rate (503), 0 to 1').fill('0.3');
  await page.getByLabel('Drop rate (stored, answer lost), 0 to 1').fill('0.1');
  await page.getByLabel('Latency (ms)').fill('50');
  await page.getByRole('button', { name: 'Apply faults' }).click();
  await expect(page.locator('#crm-faults-status')).toHaveText('Faults applied: fail 0.3, drop 0.1, latency 50 ms, online.');
  expect((await crm.state()).config).toMatchObject({ failRate: 0.3, dropRate: 0.1, latencyMs: 50, offline: false });
  await expect(host.endpointFact('Faults')).toHaveText('fail 0.3, drop 0.1, latency 50 ms, online, seed 1');

  // An entry stored by someone else shows up in the live view within the second.
  await crm.configure({ failRate: 0, dropRate: 0 });
  const key = '0b9e2c7a-4d1f-4c3e-9a8b-1f2e3d4c5b6a';
  const posted = await request.post('/crm/entries', {
    headers: { 'Idempotency-Key': key },
    data: { format: 'incident-desk/log-entry@1', handler: 'crm-agent-1' },
  });
  expect(posted.status()).toBe(201);
  await expect(host.endpointFact('Entries stored')).toHaveText('1');
  await expect(page.getByRole('list', { name: 'Entries stored by the endpoint' })).toContainText(key);
  expect(await crm.keys()).toEqual([key]);

  await page.getByRole('button', { name: 'Reset endpoint' }).click();
  await expect(page.locator('#crm-faults-status')).toHaveText('The endpoint was reset: no entries, no faults.');
  expect(await crm.state()).toMatchObject({ entries: [], requests: 0, config: { failRate: 0, dropRate: 0, latencyMs: 0 } });
  await expect(host.endpointFact('Entries stored')).toHaveText('0');
});

test('the modes page links each mode; the element page says whether its element is there', async ({ page }) => {
  await recordCspViolations(page);
  await page.goto('/examples/host-crm/index.html');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Embedding Incident Desk in a CRM page');
  await expectNoAxeViolations(page, { iframes: false });
  await page.getByRole('main').getByRole('link', { name: 'Standalone' }).click();
  await expect(page.getByRole('link', { name: "the widget's page" })).toHaveAttribute('href', '/index.html');
  await page.getByRole('navigation', { name: 'Embedding modes' }).getByRole('link', { name: 'Custom element' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Incoming call (custom element mode)');
  // dist/element.js comes from a parallel branch: either way the page says which.
  await expect(page.locator('#crm-element-status')).toHaveText(
    /^(The widget element is loaded\.|The widget element is not available \(.+\)\. It comes from dist\/element\.js, built in a parallel branch\.)$/,
    { timeout: 15_000 },
  );
  expect(await cspViolations(page)).toEqual([]);
});
