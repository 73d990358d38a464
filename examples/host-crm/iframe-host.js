// The example CRM's side of the widget in an iframe, speaking the host message protocol exactly as
// demo/host.js does (docs/embedding.md, schema/protocol.schema.json): hello is answered with
// welcome (correlated to the hello's id), the MessageChannel port comes with ready, and entries
// are acknowledged with entry.ack over the port. On top of that it sends `configure` (with an
// HTTP `endpoint` for the widget to POST entries to), lists every message it receives, and shows
// the test CRM endpoint's state (GET /crm/state, every second). It sends the centre's recent calls
// (`history.set`, from GET /crm/history) once the widget is ready, and again after each entry:
// when one is completed or delivered, and when the number the CRM has stored changes.
//
// Query: ?pack= and ?agent= go on to the widget; ?endpoint=1 sends configure with this origin's
// /crm/entries as soon as the widget is ready; ?ack=0 never acknowledges over the port, so the
// HTTP endpoint is the only way an entry can be delivered.
//
// Window messages are accepted only from the widget's frame and origin; nothing is posted to '*';
// everything received is shown with textContent, never as HTML.
const query = new URLSearchParams(location.search);
const frame = document.querySelector('iframe.crm-widget');
const widgetUrl = new URL('/index.html', location.href);
for (const [key, value] of query) {
  if (key === 'pack' || key === 'agent') widgetUrl.searchParams.set(key, value);
}
frame.src = widgetUrl.href;

const SAME_ORIGIN_ENDPOINT = new URL('/crm/entries', location.href).href;
const MAX_MESSAGES_SHOWN = 500;

const linkStatus = document.getElementById('crm-link');
const configureForm = document.getElementById('crm-configure');
const configureStatus = document.getElementById('crm-configure-status');
const endpointInput = document.getElementById('crm-endpoint');
const ackBox = document.getElementById('crm-ack');
const entries = document.getElementById('crm-entries');
const entriesEmpty = document.getElementById('crm-entries-empty');
const messages = document.getElementById('crm-messages');

endpointInput.value = SAME_ORIGIN_ENDPOINT;
ackBox.checked = query.get('ack') !== '0';

let seq = 0;
let link = null; // { session, instance, port }

function envelope(type, payload, correlation = null) {
  seq += 1;
  return {
    protocol: 'incident-desk',
    version: 1,
    id: `crm-${seq}`,
    correlation,
    session: link.session,
    instance: link.instance,
    seq,
    type,
    payload,
  };
}

function time() {
  return new Date().toISOString().slice(11, 23);
}

/** Adds a message to "Messages received": when, how, its type, and the whole message as JSON text. */
function showMessage(channel, message) {
  const item = document.createElement('li');
  const details = document.createElement('details');
  const summary = document.createElement('summary');
  summary.textContent = `${time()} ${channel}: ${String(message?.type ?? '(no type)')}`;
  const json = document.createElement('pre');
  json.textContent = JSON.stringify(message, null, 2);
  details.append(summary, json);
  item.append(details);
  messages.append(item);
  while (messages.children.length > MAX_MESSAGES_SHOWN) messages.firstElementChild.remove();
}

function showEntry(key, entry) {
  const decision = entry?.decision ?? {};
  const item = document.createElement('li');
  const summary = document.createElement('p');
  summary.textContent = [
    decision.code ?? 'no code',
    decision.title ?? '',
    decision.priority ? `priority ${decision.priority}` : '',
    entry?.fields?.location ? `at ${entry.fields.location}` : '',
    `key ${key}`,
    ackBox.checked ? 'acknowledged' : 'not acknowledged (HTTP delivery only)',
  ]
    .filter(Boolean)
    .join(' · ');
  item.append(summary);
  entries.append(item);
  entriesEmpty.hidden = true;
}

function onPortMessage(event) {
  const message = event.data;
  showMessage('port', message);
  if (!message || message.protocol !== 'incident-desk') return;
  if (message.type === 'entry.completed') {
    showEntry(message.payload?.key, message.payload?.entry);
    if (ackBox.checked) link.port.postMessage(envelope('entry.ack', { key: message.payload.key }, message.id));
    sendHistory();
  } else if (message.type === 'entry.delivered') {
    sendHistory();
  } else if (message.type === 'error' && message.payload?.code === 'teardown_failed') {
    // Signed out, but this browser may still hold the last handler's data: never taken for done.
    // The widget starts a new session all the same (its hello is answered below); sending
    // teardown again there retries the erasing.
    document.getElementById('crm-teardown-status').textContent =
      `Teardown failed: ${message.payload.message}`;
    linkStatus.textContent = `The widget refused a message: ${message.payload.code}`;
  } else if (message.type === 'error') {
    linkStatus.textContent = `The widget refused a message: ${message.payload?.code}`;
  } else if (message.type === 'teardown.done') {
    // The session is over: the widget erased what it keeps and says hello again. The next
    // handler's configure goes on the new session's port.
    document.getElementById('crm-teardown-status').textContent =
      `Teardown done: ${message.payload?.kept ?? 0} undelivered entries kept. Waiting for the widget's new hello…`;
    link.port.onmessage = null;
    link.port.close();
    link = null;
    linkStatus.textContent = 'Signed out; waiting for the widget.';
    configureForm.querySelector('button[type="submit"]').disabled = true;
    teardownButton.disabled = true;
  }
}

function onWindowMessage(event) {
  if (event.origin !== widgetUrl.origin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.protocol !== 'incident-desk') return;
  showMessage('window', message);
  if (message.type === 'hello' && message.session !== link?.session) {
    // A new session: the first, the widget reloaded, or the next one after a teardown (done, or
    // failed). The last session's port is closed.
    if (link?.port) {
      link.port.onmessage = null;
      link.port.close();
    }
    link = { session: message.session, instance: message.instance, port: null };
    frame.contentWindow.postMessage(envelope('welcome', {}, message.id), widgetUrl.origin);
  } else if (message.type === 'ready' && link && event.ports[0] && !link.port) {
    link.port = event.ports[0];
    link.port.onmessage = onPortMessage;
    linkStatus.textContent = 'Connected to the widget.';
    configureForm.querySelector('button[type="submit"]').disabled = false;
    teardownButton.disabled = false;
    // For the end-to-end tests, as in demo/host.js: the port and the envelope maker.
    window.__incidentDeskLink = { port: link.port, envelope };
    if (query.get('endpoint') === '1') sendConfigure();
    sendHistory();
  }
}

/**
 * Sends `history.set` with the calls the test CRM holds from the last 24 hours (GET
 * /crm/history), for the widget's repeat-caller checks. Without the CRM (no --crm), nothing.
 */
async function sendHistory() {
  try {
    const response = await fetch('/crm/history', { cache: 'no-store' });
    if (!response.ok) return;
    const { calls } = await response.json();
    if (link?.port) link.port.postMessage(envelope('history.set', { calls }));
  } catch {
    // The state view already says when the CRM does not answer.
  }
}

/** The configure payload from the form; an empty endpoint is `null` (postMessage only). */
function configurePayload() {
  const data = new FormData(configureForm);
  const payload = { agent_id: String(data.get('agent_id')), role: String(data.get('role')) };
  const name = String(data.get('agent_name')).trim();
  if (name) payload.agent_name = name;
  const locale = String(data.get('locale')).trim();
  if (locale) payload.locale = locale;
  const endpoint = String(data.get('endpoint')).trim();
  payload.endpoint = endpoint === '' ? null : endpoint;
  return payload;
}

function sendConfigure() {
  if (!link?.port) {
    configureStatus.textContent = 'Not sent: the widget is not connected yet.';
    return;
  }
  const payload = configurePayload();
  link.port.postMessage(envelope('configure', payload));
  configureStatus.textContent = payload.endpoint
    ? `Sent configure: ${payload.agent_id} (${payload.role}), entries to ${payload.endpoint}.`
    : `Sent configure: ${payload.agent_id} (${payload.role}), postMessage only.`;
}

configureForm.querySelector('button[type="submit"]').disabled = true;

// Logging out on a shared PC: the widget clears what it keeps in this browser.
const teardownButton = document.getElementById('crm-teardown');
teardownButton.addEventListener('click', () => {
  if (!link?.port) return;
  link.port.postMessage(envelope('teardown', {}));
  document.getElementById('crm-teardown-status').textContent = 'Sent teardown.';
});
configureForm.addEventListener('submit', (event) => {
  event.preventDefault();
  sendConfigure();
});

// ---- The test CRM endpoint: its state, and its faults ----------------------------------------

const stateFacts = document.getElementById('crm-state');
const stateStatus = document.getElementById('crm-state-status');
const keys = document.getElementById('crm-keys');
const keysEmpty = document.getElementById('crm-keys-empty');
const faultsForm = document.getElementById('crm-faults');
const faultsStatus = document.getElementById('crm-faults-status');
const MAX_KEYS_SHOWN = 50;

function fact(term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  return [dt, dd];
}

let entriesStored = null;

function showState(state) {
  if (entriesStored !== null && state.entries.length !== entriesStored) sendHistory();
  entriesStored = state.entries.length;
  const outcomes = Object.entries(state.outcomes)
    .map(([name, n]) => `${name} ${n}`)
    .join(', ');
  const c = state.config;
  stateFacts.replaceChildren(
    ...fact('Entries stored', String(state.entries.length)),
    ...fact('Requests', String(state.requests)),
    ...fact('Outcomes', outcomes || 'none'),
    ...fact('Duplicates refused', String(state.duplicatesRefused)),
    ...fact('Overlaps (one key twice at once)', String(state.overlaps)),
    ...fact(
      'Faults',
      `fail ${c.failRate}, drop ${c.dropRate}, latency ${c.latencyMs} ms, ${c.offline ? 'offline' : 'online'}, seed ${c.seed}`,
    ),
  );
  const shown = state.entries.slice(-MAX_KEYS_SHOWN);
  keys.replaceChildren(
    ...shown.map(({ key, at }) => {
      const item = document.createElement('li');
      item.textContent = `${at.slice(11, 23)} ${key}`;
      return item;
    }),
  );
  keysEmpty.hidden = state.entries.length > 0;
  stateStatus.textContent =
    state.entries.length > MAX_KEYS_SHOWN ? `Showing the last ${MAX_KEYS_SHOWN} entries stored.` : '';
}

async function pollState() {
  try {
    const response = await fetch('/crm/state?summary=1', { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    showState(await response.json());
  } catch (error) {
    stateStatus.textContent = `The test CRM endpoint did not answer (${error.message}): start the server with --crm.`;
  } finally {
    setTimeout(pollState, 1000);
  }
}
pollState();

async function control(settings) {
  const response = await fetch('/crm/control', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(settings),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(body.detail ?? `HTTP ${response.status}`);
  return body.config;
}

faultsForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const data = new FormData(faultsForm);
  try {
    const config = await control({
      failRate: Number(data.get('failRate')),
      dropRate: Number(data.get('dropRate')),
      latencyMs: Number(data.get('latencyMs')),
      offline: data.get('offline') === 'on',
    });
    faultsStatus.textContent = `Faults applied: fail ${config.failRate}, drop ${config.dropRate}, latency ${config.latencyMs} ms, ${config.offline ? 'offline' : 'online'}.`;
  } catch (error) {
    faultsStatus.textContent = `Not applied: ${error.message}`;
  }
});

document.getElementById('crm-reset').addEventListener('click', async () => {
  try {
    await control({ reset: true });
    faultsForm.reset();
    faultsStatus.textContent = 'The endpoint was reset: no entries, no faults.';
  } catch (error) {
    faultsStatus.textContent = `Not reset: ${error.message}`;
  }
});

// Listen from the start: the widget repeats its hello until answered, but the first one is best.
window.addEventListener('message', onWindowMessage);
