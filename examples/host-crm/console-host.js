// The example CRM's side of the supervisor's console (/console.html) in an iframe (issue 17: the
// host CRM is the incidents' system of record). The handshake is iframe-host.js's (and
// demo/host.js's): hello is answered with welcome (correlated to the hello's id), the
// MessageChannel port comes with ready, everything after goes over the port. Then:
//
// - on ready: `configure` (agent id and role from the form; "Send configure" sends it again),
//   `history.set` with the centre's recent calls (GET /crm/history), `review.add` with the stored
//   entries' deviations for the procedure check (GET /crm/reviews's `items`, 500 a command, none
//   when there are none; the console adds each once by call and deviation), and `incident.open`
//   for each open incident (GET /crm/incidents?open=1; the console takes an incident it has as a
//   no-op);
// - every 500 ms, GET /crm/incidents/feed?after=<cursor>, passing each item on as it is
//   (`incident.open` for an incident the CRM opened from an entry, `incident.report` for a unit's
//   report), leaving out the incidents closed since; `history.set` and `review.add` again
//   whenever the number of entries stored changes. The cursor starts at the feed's beginning when
//   the page loads (the console's board, kept in this browser, catches up with the reports
//   relayed while no page was open: a stage already reached changes nothing), goes on from where
//   it was when the console reloads, and skips to the feed's end after a teardown (the board was
//   erased: the incidents are sent again, but the old deployments' reports would be refused);
// - each `incident.opened`, `incident.tasked`, `incident.changed` and `incident.closed`, and each
//   `review.decided` (a deviation signed off or raised for coaching), from the console is POSTed
//   to /crm/incidents/events, one at a time in the order received, and acknowledged over the
//   port (`incident.ack` {key}) once the CRM answers 2xx. A 5xx or a network error is tried again
//   a second later; a 4xx is shown and left unacknowledged (the console sends it again when it
//   next opens). A key already stored in this page is acknowledged again without a second POST;
// - every second, the incidents as the CRM holds them (GET /crm/incidents) and the decisions on
//   deviations it has stored (GET /crm/reviews), in "Incidents in the CRM" and "Procedure check in
//   the CRM" (a section this script adds to the page, #crm-reviews-section).
//
// Query: ?pack= goes on to the console.
//
// Window messages are accepted only from the console's frame and origin; nothing is posted to '*';
// everything received is shown with textContent, never as HTML.
const query = new URLSearchParams(location.search);
const frame = document.querySelector('iframe.crm-widget');
const consoleUrl = new URL('/console.html', location.href);
if (query.has('pack')) consoleUrl.searchParams.set('pack', query.get('pack'));
frame.src = consoleUrl.href;

const MAX_MESSAGES_SHOWN = 500;
const FEED_EVERY_MS = 500;
const INCIDENTS_EVERY_MS = 1000;
const RETRY_MS = 1000;
const REVIEWS_EVERY_MS = 1000;
/** review.add's most items in one command (the protocol's maximum). */
const REVIEW_CHUNK = 500;
/** The console's events the CRM stores (POST /crm/incidents/events), acknowledged with incident.ack. */
const EVENT_TYPES = ['incident.opened', 'incident.tasked', 'incident.changed', 'incident.closed', 'review.decided'];

const linkStatus = document.getElementById('crm-link');
const configureForm = document.getElementById('crm-configure');
const configureStatus = document.getElementById('crm-configure-status');
const teardownButton = document.getElementById('crm-teardown');
const teardownStatus = document.getElementById('crm-teardown-status');
const messages = document.getElementById('crm-messages');
const relayFacts = document.getElementById('crm-relay');
const relayStatus = document.getElementById('crm-relay-status');
const incidentList = document.getElementById('crm-incidents');
const incidentsEmpty = document.getElementById('crm-incidents-empty');
const reviewList = document.getElementById('crm-reviews');
const reviewsEmpty = document.getElementById('crm-reviews-empty');
const reviewsSummary = document.getElementById('crm-reviews-summary');

let seq = 0;
let link = null; // { session, instance, port, synced }
/** Where the feed has been passed on to (its epoch and cursor), and the entries count last seen. */
let feed = { epoch: null, cursor: 0 };
let feedFromEnd = false;
let entriesSeen = null;
const counts = { sent: 0, eventsStored: 0, eventsDuplicate: 0, eventsRefused: 0, acks: 0, history: 0, reviewAdds: 0, reviewItems: 0 };
/** Events waiting to be POSTed, in order; the keys stored by the CRM while this page is open. */
const outbox = [];
const stored = new Set();
let posting = false;

function envelope(type, payload, correlation = null) {
  seq += 1;
  return {
    protocol: 'incident-desk',
    version: 1,
    id: `crm-console-${seq}`,
    correlation,
    session: link.session,
    instance: link.instance,
    seq,
    type,
    payload,
  };
}

/** Sends a command over the port, if the console is connected; says whether it was sent. */
function send(type, payload, correlation = null) {
  if (!link?.port) return false;
  link.port.postMessage(envelope(type, payload, correlation));
  counts.sent += 1;
  return true;
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

async function getJson(path) {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

// ---- Console → CRM: the incidents' events ----------------------------------------------------

function queueEvent(message) {
  const key = message.payload?.key;
  if (typeof key !== 'string') return;
  if (stored.has(key)) {
    // Sent again before our acknowledgement reached it: the CRM has it already.
    if (send('incident.ack', { key }, message.id)) counts.acks += 1;
    return;
  }
  if (outbox.some((m) => m.payload.key === key)) return;
  outbox.push(message);
  postEvents();
}

/** POSTs the waiting events one at a time, in order: an incident's events keep their order. */
async function postEvents() {
  if (posting) return;
  posting = true;
  try {
    while (outbox.length) {
      const message = outbox[0];
      const key = message.payload.key;
      let response;
      try {
        response = await fetch('/crm/incidents/events', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ type: message.type, payload: message.payload }),
        });
      } catch (error) {
        relayStatus.textContent = `${key} not stored (${error.message}): trying again.`;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      if (response.status >= 500) {
        relayStatus.textContent = `${key} not stored (HTTP ${response.status}): trying again.`;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        continue;
      }
      outbox.shift();
      const body = await response.json().catch(() => ({}));
      if (response.ok) {
        stored.add(key);
        if (body.duplicate) counts.eventsDuplicate += 1;
        else counts.eventsStored += 1;
        if (send('incident.ack', { key }, message.id)) counts.acks += 1;
        relayStatus.textContent = `${message.type} ${key} ${body.duplicate ? 'was already stored' : 'stored'}; acknowledged.`;
      } else {
        counts.eventsRefused += 1;
        relayStatus.textContent = `The CRM refused ${message.type} ${key} (HTTP ${response.status}): ${body.detail ?? ''}`;
      }
      showRelay();
    }
  } finally {
    posting = false;
  }
}

// ---- CRM → console: history, open incidents, the feed ----------------------------------------

async function sendHistory() {
  try {
    const { calls } = await getJson('/crm/history');
    if (send('history.set', { calls })) counts.history += 1;
  } catch (error) {
    relayStatus.textContent = `The recent calls were not sent (${error.message}): start the server with --crm.`;
  }
}

/**
 * The stored entries' deviations for the procedure check: GET /crm/reviews's `items` as they are,
 * 500 to a `review.add` (none when there are none). The console adds each once by call and
 * deviation, so sending them all again is harmless.
 */
async function sendReviews() {
  try {
    const { items } = await getJson('/crm/reviews');
    for (let start = 0; start < items.length; start += REVIEW_CHUNK) {
      const chunk = items.slice(start, start + REVIEW_CHUNK);
      if (!send('review.add', { items: chunk })) break;
      counts.reviewAdds += 1;
      counts.reviewItems += chunk.length;
    }
  } catch (error) {
    relayStatus.textContent = `The deviations were not sent (${error.message}): start the server with --crm.`;
  }
}

/** On ready: the history, the deviations and every open incident; then the feed from its cursor. */
async function sync(current) {
  await sendHistory();
  if (link !== current) return;
  await sendReviews();
  try {
    const { open } = await getJson('/crm/incidents?open=1');
    if (link !== current) return;
    for (const payload of open) send('incident.open', payload);
    if (feedFromEnd) {
      const page = await getJson(`/crm/incidents/feed?after=${feed.cursor}`);
      feed = { epoch: page.epoch, cursor: page.last };
      feedFromEnd = false;
    }
  } catch (error) {
    relayStatus.textContent = `The open incidents were not sent (${error.message}).`;
  }
  if (link !== current) return;
  current.synced = true;
  showRelay();
}

async function pollFeed() {
  try {
    const current = link;
    if (current?.port && current.synced) {
      let more = true;
      while (more && link === current) {
        const page = await getJson(`/crm/incidents/feed?after=${feed.cursor}`);
        if (link !== current) break;
        if (page.epoch !== feed.epoch) {
          // The CRM was reset (or this is the first answer): the feed starts again.
          const first = feed.epoch === null;
          feed = { epoch: page.epoch, cursor: 0 };
          if (!first) continue;
        }
        for (const item of page.items) {
          // A closed incident is left alone: the console would take it for new, or refuse the report.
          if (item.open) send(item.type, item.payload);
        }
        feed.cursor = page.next;
        more = page.more;
        if (page.entries !== entriesSeen) {
          entriesSeen = page.entries;
          await sendHistory();
          await sendReviews();
        }
      }
    }
  } catch (error) {
    relayStatus.textContent = `The CRM's feed did not answer (${error.message}): start the server with --crm.`;
  } finally {
    showRelay();
    setTimeout(pollFeed, FEED_EVERY_MS);
  }
}

function fact(term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  return [dt, dd];
}

function showRelay() {
  relayFacts.replaceChildren(
    ...fact('Feed cursor', String(feed.cursor)),
    ...fact('Commands sent', String(counts.sent)),
    ...fact('Recent calls sent (history.set)', String(counts.history)),
    ...fact('Deviations sent (review.add)', `${counts.reviewItems} in ${counts.reviewAdds} commands`),
    ...fact('Events stored', String(counts.eventsStored)),
    ...fact('Events already stored', String(counts.eventsDuplicate)),
    ...fact('Events refused', String(counts.eventsRefused)),
    ...fact('Events waiting', String(outbox.length)),
    ...fact('Acknowledged (incident.ack)', String(counts.acks)),
  );
}

// ---- The incidents as the CRM holds them -----------------------------------------------------

function describeDeployment(d) {
  return `${d.deployment}. ${d.call_sign ?? d.unit ?? 'unit'}${d.unit ? ` (${d.unit})` : ''}: ${d.stage ?? 'unknown'}${d.late ? ', the late one' : ''}`;
}

function showIncidents({ incidents }) {
  incidentList.replaceChildren(
    ...incidents.map((incident) => {
      const item = document.createElement('li');
      const title = document.createElement('p');
      title.textContent = [
        incident.reference,
        incident.code ?? 'no code',
        incident.priority ? `priority ${incident.priority}` : '',
        incident.state,
        incident.location ? `at ${incident.location}` : '',
        incident.outcome ? `outcome: ${incident.outcome}` : '',
      ]
        .filter(Boolean)
        .join(' · ');
      const facts = document.createElement('ul');
      const line = (text) => {
        const li = document.createElement('li');
        li.textContent = text;
        facts.append(li);
      };
      line(
        incident.deployments.length
          ? `Deployments: ${incident.deployments.map(describeDeployment).join('; ')}`
          : 'Deployments: none',
      );
      line(`Calls: ${incident.calls.map((c) => `${c.reference} (${c.handler})`).join(', ') || 'none'}`);
      line(`Events stored: ${incident.events.length}`);
      item.append(title, facts);
      return item;
    }),
  );
  incidentsEmpty.hidden = incidents.length > 0;
}

async function pollIncidents() {
  try {
    showIncidents(await getJson('/crm/incidents'));
  } catch (error) {
    relayStatus.textContent = `The CRM's incidents did not answer (${error.message}).`;
  } finally {
    setTimeout(pollIncidents, INCIDENTS_EVERY_MS);
  }
}

// ---- The procedure check as the CRM holds it -------------------------------------------------

/** One decision as a line of text: call, deviation, outcome, note, by (and when). */
function describeDecision(d) {
  const when = Number.isFinite(d.at) ? new Date(d.at).toISOString() : String(d.at);
  return [
    `call ${d.call}`,
    `deviation ${d.deviation}`,
    `outcome ${d.outcome}`,
    `note: ${d.note === '' ? '(none)' : d.note}`,
    `by ${d.by}`,
    `at ${when}`,
  ].join(' · ');
}

function showReviews({ reviews, decided }) {
  const list = Object.values(decided);
  reviewList.replaceChildren(
    ...list.map((d) => {
      const item = document.createElement('li');
      item.dataset.key = String(d.key);
      item.textContent = describeDecision(d);
      return item;
    }),
  );
  reviewsEmpty.hidden = list.length > 0;
  const open = reviews.filter((r) => !r.decided).length;
  reviewsSummary.textContent = `${reviews.length} deviations in the CRM's entries, ${open} not decided; ${list.length} decisions stored.`;
}

async function pollReviews() {
  try {
    showReviews(await getJson('/crm/reviews'));
  } catch (error) {
    relayStatus.textContent = `The CRM's procedure check did not answer (${error.message}).`;
  } finally {
    setTimeout(pollReviews, REVIEWS_EVERY_MS);
  }
}

// ---- The protocol ----------------------------------------------------------------------------

function onPortMessage(event) {
  const message = event.data;
  showMessage('port', message);
  if (!message || message.protocol !== 'incident-desk') return;
  if (EVENT_TYPES.includes(message.type)) {
    queueEvent(message);
  } else if (message.type === 'error' && message.payload?.code === 'teardown_failed') {
    // Signed out, but this browser may still hold the supervisor's board: never taken for done.
    teardownStatus.textContent = `Teardown failed: ${message.payload.message}`;
    linkStatus.textContent = `The console refused a message: ${message.payload.code}`;
  } else if (message.type === 'error') {
    linkStatus.textContent = `The console refused a message: ${message.payload?.code}`;
  } else if (message.type === 'teardown.done') {
    // The session is over: the console says hello again, and the next sign-in goes on its port.
    teardownStatus.textContent = `Teardown done: ${message.payload?.kept ?? 0} unsent events kept. Waiting for the console's new hello…`;
    link.port.onmessage = null;
    link.port.close();
    link = null;
    feedFromEnd = true;
    linkStatus.textContent = 'Signed out; waiting for the console.';
    configureForm.querySelector('button[type="submit"]').disabled = true;
    teardownButton.disabled = true;
  }
}

function onWindowMessage(event) {
  if (event.origin !== consoleUrl.origin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.protocol !== 'incident-desk') return;
  showMessage('window', message);
  if (message.type === 'hello' && message.session !== link?.session) {
    // A new session: the first, the console reloaded, or the next one after a teardown.
    if (link?.port) {
      link.port.onmessage = null;
      link.port.close();
    }
    link = { session: message.session, instance: message.instance, port: null, synced: false };
    frame.contentWindow.postMessage(envelope('welcome', {}, message.id), consoleUrl.origin);
  } else if (message.type === 'ready' && link && event.ports[0] && !link.port) {
    link.port = event.ports[0];
    link.port.onmessage = onPortMessage;
    linkStatus.textContent = 'Connected to the console.';
    configureForm.querySelector('button[type="submit"]').disabled = false;
    teardownButton.disabled = false;
    // For the end-to-end tests, as in iframe-host.js: the port and the envelope maker.
    window.__incidentDeskLink = { port: link.port, envelope };
    sendConfigure();
    sync(link);
  }
}

function configurePayload() {
  const data = new FormData(configureForm);
  return { agent_id: String(data.get('agent_id')), role: String(data.get('role')) };
}

function sendConfigure() {
  if (!link?.port) {
    configureStatus.textContent = 'Not sent: the console is not connected yet.';
    return;
  }
  const payload = configurePayload();
  send('configure', payload);
  configureStatus.textContent = `Sent configure: ${payload.agent_id} (${payload.role}).`;
}

configureForm.querySelector('button[type="submit"]').disabled = true;
configureForm.addEventListener('submit', (event) => {
  event.preventDefault();
  sendConfigure();
});

// Logging out on a shared PC: the console clears what it keeps in this browser.
teardownButton.addEventListener('click', () => {
  if (!link?.port) return;
  send('teardown', {});
  teardownStatus.textContent = 'Sent teardown.';
});

showRelay();
pollFeed();
pollIncidents();
pollReviews();
// Listen from the start: the console repeats its hello until answered, but the first one is best.
window.addEventListener('message', onWindowMessage);
