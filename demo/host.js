// The demo CRM's side of the widget: embeds it in an iframe, telling it this page's origin (so the
// widget posts completed entries here and nowhere else), and shows each entry it receives. A real
// CRM would store the entry; see docs for the protocol. Messages are accepted only from the
// widget's own frame and origin, and everything received is shown as text, never as HTML.
const frame = document.querySelector('iframe.crm-widget');
const widgetUrl = new URL('../index.html', location.href);
widgetUrl.searchParams.set('host', location.origin);
for (const [key, value] of new URLSearchParams(location.search)) {
  // Pass through what the widget understands (e.g. ?pack=, ?agent=) for demos and tests.
  if (key === 'pack' || key === 'agent') widgetUrl.searchParams.set(key, value);
}
frame.src = widgetUrl.href;

const list = document.getElementById('crm-entries');
const empty = document.getElementById('crm-entries-empty');

window.addEventListener('message', (event) => {
  if (event.origin !== widgetUrl.origin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (!message || message.protocol !== 'incident-desk/1' || message.type !== 'entry.completed') return;
  const entry = message.payload ?? {};
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
});
