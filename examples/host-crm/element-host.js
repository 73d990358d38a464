// The example CRM with the widget as a custom element in its own document. It loads /element.js
// (the widget's element build: the <incident-desk> element and IncidentDesk.mount), waits for the
// element to be defined, and lists each `incident-desk:entry.completed` event it hears (they
// bubble and are composed, so the document hears them), as text.
//
// If /element.js cannot be loaded (a build without it, or the widget's server down), the status
// line says so; this page then shows an empty <incident-desk> and no events.
const status = document.getElementById('crm-element-status');
const list = document.getElementById('crm-events');
const empty = document.getElementById('crm-events-empty');
const ELEMENT_WAIT_MS = 10_000;

document.addEventListener('incident-desk:entry.completed', (event) => {
  // The detail is the entry, or {key, entry} if the element sends the key with it.
  const detail = event.detail ?? {};
  const entry = detail.entry ?? detail;
  // Stored (listed): acknowledge it, or the widget sends it again, same key, until someone does.
  if (detail.key) event.target.desk?.command('entry.ack', { key: detail.key }).catch(() => {});
  const decision = entry.decision ?? {};
  const item = document.createElement('li');
  const summary = document.createElement('p');
  summary.textContent = [
    decision.code ?? 'no code',
    decision.title ?? '',
    decision.priority ? `priority ${decision.priority}` : '',
    entry.fields?.location ? `at ${entry.fields.location}` : '',
    detail.key ? `key ${detail.key}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  const details = document.createElement('details');
  const label = document.createElement('summary');
  label.textContent = 'Event detail as received (JSON)';
  const json = document.createElement('pre');
  json.textContent = JSON.stringify(detail, null, 2);
  details.append(label, json);
  item.append(summary, details);
  list.append(item);
  empty.hidden = true;
});

try {
  await import('/element.js');
  const defined = customElements.whenDefined('incident-desk');
  const late = new Promise((_, reject) =>
    setTimeout(() => reject(new Error(`<incident-desk> was not defined within ${ELEMENT_WAIT_MS / 1000} s`)), ELEMENT_WAIT_MS),
  );
  await Promise.race([defined, late]);
  status.textContent = 'The widget element is loaded.';
} catch (error) {
  status.textContent = `The widget element is not available (${error.message}). It comes from dist/element.js.`;
}
