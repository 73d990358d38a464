// The two-desk demo's script: loads the widget's module (which defines <incident-desk>), lists
// the entries each desk emits (as text, never as HTML), and destroys desk A on request. Each desk's
// events are listened for on its own element: desk B's entries never reach desk A's list.
import { IncidentDesk } from '../element.js';

const status = document.getElementById('crm-status');

function listEntries(desk, listId) {
  const list = document.getElementById(listId);
  desk.addEventListener('incident-desk:entry.completed', (event) => {
    const { key, entry } = event.detail;
    const decision = entry.decision ?? {};
    const item = document.createElement('li');
    item.textContent = [
      decision.code ?? 'no code',
      decision.title ?? '',
      `handler ${entry.handler}`,
      `key ${key}`,
    ]
      .filter(Boolean)
      .join(' · ');
    list.append(item);
    // Stored: acknowledge it, or the desk sends it again (same key) until someone does.
    desk.desk?.command('entry.ack', { key }).catch((error) => {
      status.textContent = `${desk.id}: ${error.message}`;
    });
  });
  desk.addEventListener('incident-desk:error', (event) => {
    status.textContent = `${desk.id}: ${event.detail.message}`;
  });
}

const deskA = document.getElementById('crm-desk-a');
const deskB = document.getElementById('crm-desk-b');
listEntries(deskA, 'crm-entries-a');
listEntries(deskB, 'crm-entries-b');

document.getElementById('crm-destroy-a').addEventListener('click', (event) => {
  deskA.destroy();
  event.currentTarget.disabled = true;
  status.textContent = 'Desk A destroyed.';
});

// For the end-to-end tests: the module's API, as a host's own script would use it.
window.__incidentDesk = IncidentDesk;
