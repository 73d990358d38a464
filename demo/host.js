// The demo CRM's side of the widget, speaking the host message protocol (docs: schema/
// protocol.schema.json). It embeds the widget in an iframe, answers its hello with welcome,
// takes the MessageChannel port the widget hands over with ready, lists each log entry it
// receives and acknowledges it (entry.ack). Window messages are accepted only from the widget's
// frame and origin, everything received is shown as text (never as HTML), and nothing is posted
// to '*'.
const frame = document.querySelector('iframe.crm-widget');
const widgetUrl = new URL('../index.html', location.href);
for (const [key, value] of new URLSearchParams(location.search)) {
  // Pass through what the widget understands (e.g. ?pack=, ?agent=) for demos and tests.
  if (key === 'pack' || key === 'agent') widgetUrl.searchParams.set(key, value);
}
frame.src = widgetUrl.href;

const list = document.getElementById('crm-entries');
const empty = document.getElementById('crm-entries-empty');
const status = document.getElementById('crm-link');

// ?keep=0 counts the entries without listing them, as a CRM that stores them elsewhere would (the
// benchmark's shift uses it, so the host's own list does not count as the widget's memory).
const keep = new URLSearchParams(location.search).get('keep') !== '0';
let received = 0;

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

function showEntry(entry) {
  received += 1;
  if (!keep) {
    empty.textContent = `${received} log entries received (not listed).`;
    return;
  }
  const decision = entry.decision ?? {};
  const item = document.createElement('li');
  const summary = document.createElement('p');
  summary.textContent = [
    decision.code ?? 'no code',
    decision.title ?? '',
    decision.priority ? `priority ${decision.priority}` : '',
    entry.fields?.location ? `at ${entry.fields.location}` : '',
    `${(entry.events ?? []).length} events`,
  ]
    .filter(Boolean)
    .join(' · ');
  const details = document.createElement('details');
  const label = document.createElement('summary');
  label.textContent = 'Log entry as received (JSON)';
  const json = document.createElement('pre');
  json.textContent = JSON.stringify(entry, null, 2);
  details.append(label, json);
  item.append(summary, details);
  list.append(item);
  empty.hidden = true;
}

function onPortMessage(event) {
  const message = event.data;
  if (!message || message.protocol !== 'incident-desk') return;
  if (message.type === 'entry.completed') {
    showEntry(message.payload.entry);
    link.port.postMessage(envelope('entry.ack', { key: message.payload.key }, message.id));
  } else if (message.type === 'error') {
    status.textContent = `The widget refused a message: ${message.payload.code}`;
  } else if (message.type === 'teardown.done') {
    // Signed out: the widget starts a new session with a new hello, answered as the first was.
    link.port.onmessage = null;
    link.port.close();
    link = null;
    status.textContent = 'Signed out; waiting for the widget.';
  }
}

function onWindowMessage(event) {
  if (event.origin !== widgetUrl.origin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.protocol !== 'incident-desk') return;
  if (message.type === 'hello' && message.session !== link?.session) {
    // A new session: the first, the widget reloaded, or the next one after a teardown (done, or
    // failed: an `error` teardown_failed, which is never taken for done).
    link?.port?.close();
    link = { session: message.session, instance: message.instance, port: null };
    frame.contentWindow.postMessage(envelope('welcome', {}, message.id), widgetUrl.origin);
  } else if (message.type === 'ready' && link && event.ports[0]) {
    link.port = event.ports[0];
    link.port.onmessage = onPortMessage;
    status.textContent = 'Connected to the widget.';
    // For the end-to-end tests: the port and the next sequence number, to send by hand.
    window.__incidentDeskLink = { port: link.port, envelope };
  }
}

// ?slow-host=<ms> starts listening late, as a slow CRM page might: the widget repeats its hello.
const slow = Number(new URLSearchParams(location.search).get('slow-host')) || 0;
setTimeout(() => window.addEventListener('message', onWindowMessage), slow);
