// The practice page's service worker (issue 16): after one visit, the practice page, its wasm, the
// procedures' wasm, the stylesheet, every pack and every scenario work with no network.
//
// The build (scripts/precache.mjs, run by scripts/build after every app is built) writes dist/sw.js
// as two lines, `const VERSION = "<hash of every file listed>"` and `const PRECACHE = [<paths>]`,
// followed by this file. A new deployment changes VERSION, so the browser, which compares sw.js
// byte for byte on every visit, installs the new worker: it caches the new files, takes over at
// once (skipWaiting) and removes the old caches; the page already open keeps running what it
// loaded, and the next visit runs the new build.
//
// Its scope is the practice pages alone, practice.html, practice-record.html and
// practice-knowledge.html (registered by
// src/host/offline.rs with scope `./practice`):
// it never sees the live call screen, the console or a host CRM's requests.
//
// What it answers:
// - the page and its code (html, wasm, js, css, icon): from the cache of this version, all of one
//   build (the page's integrity values must match its files);
// - the data (json: packs, scenario lists, scenarios): from the network when it answers within
//   NETWORK_WAIT_MS, the cache refreshed with it; from the cache otherwise, so a pack replaced on
//   the server without a rebuild is still seen online, and practice still works offline.
/* global VERSION, PRECACHE */

const PREFIX = 'incident-desk-practice-';
const CACHE = PREFIX + VERSION;
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // Past the HTTP cache, so a new version never caches an old file.
      await cache.addAll(PRECACHE.map((path) => new Request(path, { cache: 'reload' })));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys()) {
        if (name.startsWith(PREFIX) && name !== CACHE) await caches.delete(name);
      }
    })(),
  );
});

// The path a request has in PRECACHE, or null: same origin, under this worker's folder, no query.
function listed(request) {
  const url = new URL(request.url);
  const base = new URL('./', self.location.href);
  if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return null;
  const path = url.pathname.slice(base.pathname.length);
  return PRECACHE.includes(path) ? path : null;
}

function isData(path) {
  return path.endsWith('.json');
}

async function fromCache(path) {
  const cache = await caches.open(CACHE);
  return cache.match(path);
}

async function networkFirst(request, path) {
  const cache = await caches.open(CACHE);
  let timer;
  const late = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_WAIT_MS, null);
  });
  const network = fetch(request, { cache: 'no-cache' })
    .then(async (response) => {
      // Only a whole, good answer replaces what is kept (never a login page's redirect or an error).
      if (response.ok && response.type === 'basic' && !response.redirected) {
        await cache.put(path, response.clone());
        return response;
      }
      return null;
    })
    .catch(() => null);
  const first = await Promise.race([network, late]);
  clearTimeout(timer);
  if (first) return first;
  const kept = await cache.match(path);
  if (kept) return kept;
  // Nothing kept: the network's own answer or error, as the page would have had without us.
  return fetch(request);
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const path = listed(request);
  if (path === null) return;
  if (isData(path)) {
    event.respondWith(networkFirst(request, path));
  } else {
    event.respondWith(fromCache(path).then((kept) => kept || fetch(request)));
  }
});
