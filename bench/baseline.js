// The benchmark's plain-JS baseline: fetches the default pack, shows the organisation name and the
// greeting, then gives the same ready signals as the widget (the `incident-desk:interactive`
// performance mark and data-incident-desk on <html>). Text goes in with textContent only.
const PACK_URL = 'packs/council-out-of-hours.json';
const MARK = 'incident-desk:interactive';

function settle(state) {
  document.documentElement.setAttribute('data-incident-desk', state);
  if (performance.getEntriesByName(MARK).length === 0) performance.mark(MARK);
}

function element(name, text, className) {
  const node = document.createElement(name);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

async function main() {
  const response = await fetch(PACK_URL);
  if (!response.ok) throw new Error(`pack: HTTP ${response.status}`);
  const pack = await response.json();
  const organisation = String(pack?.organisation?.name ?? '');
  const template = String(pack?.wording?.greeting ?? '');
  if (!organisation || !template) throw new Error('pack: no organisation name or greeting');
  const greeting = template
    .replaceAll('{organisation}', organisation)
    .replaceAll('{agent}', '[your name]');

  const header = element('header');
  header.append(element('h1', organisation));
  const main = element('main');
  const section = element('section');
  section.setAttribute('aria-labelledby', 'greeting-heading');
  const heading = element('h2', 'Greeting');
  heading.id = 'greeting-heading';
  section.append(heading, element('p', greeting));
  main.append(section);
  document.body.append(header, main);
  settle('ready');
}

main().catch((error) => {
  const alert = element('p', `Could not load the pack: ${error?.message ?? error}`);
  alert.setAttribute('role', 'alert');
  document.body.append(alert);
  settle('pack-error');
});
