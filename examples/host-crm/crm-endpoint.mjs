// A small test CRM endpoint for the widget's HTTP delivery (issue 5): it stores completed log
// entries once per idempotency key, records every request, and can be told to fail, so the
// delivery tests can check "exactly once" against a server that misbehaves on purpose.
//
//   import { createCrmHandler } from './crm-endpoint.mjs';
//   const crm = createCrmHandler({ seed: 1, allowedOrigins: ['http://localhost:8080'] });
//   createServer((req, res) => crm(req, res) || serveStaticFile(req, res));
//
// The handler answers everything under `/crm/` and returns true; anything else it leaves alone
// and returns false. tests/support/static-server.mjs mounts it with `--crm`, so the widget and
// the endpoint share one loopback origin (the widget's Content Security Policy is
// `default-src 'self'`). Routes, status codes and the state's shape: examples/host-crm/README.md.
//
// Test use only: it keeps everything in memory (or, with `dataFile`, in one JSON file that
// outlives a restart), answers loopback clients only, and refuses a Host header that does not
// name this machine (a DNS-rebinding page would send its own name).
// Faults come from a seeded generator (mulberry32), so a failing run can be replayed: every
// request to /crm/entries that gets past the offline switch draws exactly two numbers, one for
// "fail" and one for "drop", in arrival order, whatever becomes of the request.
//
// Every answer closes its connection (`Connection: close`; option `closeConnections`). Chromium
// resends a request by itself, up to twice, when a reused keep-alive connection closes before
// any answer (it takes that for a server closing an idle connection), so a dropped answer would
// mostly never reach the widget. static-server.mjs does the same for its files when --crm is on.
//
// The incidents (issue 17: the CRM as the incidents' system of record) are crm-incidents.mjs's:
// /crm/incidents, /crm/incidents/events, /crm/incidents/feed and /crm/history are answered there,
// behind the same checks; each new entry is handed to it, and it keeps the data file.
import { setTimeout as sleep } from 'node:timers/promises';
import { createIncidentDesk } from './crm-incidents.mjs';

export const ENTRY_FORMAT = 'incident-desk/log-entry@1';
export const MAX_ENTRY_BYTES = 1024 * 1024;
const MAX_CONTROL_BYTES = 16 * 1024;
/** A request body beyond this is not read any further: the connection is cut after the 413. */
const MAX_DRAIN_BYTES = 8 * 1024 * 1024;
const MAX_LATENCY_MS = 60_000;
/** Request records kept for `log` in the state (the counters count every request). */
const LOG_LIMIT = 10_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** The request headers a cross-origin page may send (preflight): nothing else is needed. */
const CORS_HEADERS = ['idempotency-key', 'content-type', 'authorization'];

const DEFAULTS = { failRate: 0, dropRate: 0, offline: false, latencyMs: 0, seed: 1, redirect: false, token: null, reject: false };

/**
 * mulberry32 (Tommy Ettinger, 2017): a tiny seeded generator of numbers in [0, 1). Not
 * cryptographic; it only has to make the same faults for the same seed.
 */
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whether a socket's remote address is this machine (IPv4 127/8, IPv6 ::1, or 127/8 mapped). */
export function isLoopbackAddress(address) {
  if (typeof address !== 'string') return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Whether a Host header names this machine: 127/8, [::1], localhost or *.localhost. */
export function isLoopbackHost(host) {
  if (typeof host !== 'string' || host === '') return false;
  let hostname;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return (
    hostname === 'localhost' ||
    hostname.endsWith('.localhost') ||
    hostname === '[::1]' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/** The key from an `Idempotency-Key` header (bare, or quoted as a structured-field string). */
export function parseIdempotencyKey(header) {
  if (typeof header !== 'string') return null;
  const bare = header.length >= 2 && header.startsWith('"') && header.endsWith('"') ? header.slice(1, -1) : header;
  return UUID_V4.test(bare) ? bare.toLowerCase() : null;
}

/** JSON with object keys sorted, so two bodies that differ only in key order compare equal. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A Content-Type header's media type, lower case, without its parameters. */
export function mediaType(header) {
  return String(header ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

/** The problem types this endpoint answers with (RFC 9457 `type`, relative to the endpoint). */
const PROBLEMS = {
  'not-loopback': [403, 'Only this machine may use the test CRM'],
  'not-loopback-host': [403, 'The Host header must name this machine'],
  'origin-not-allowed': [403, 'This origin is not on the CRM allow-list'],
  'preflight-refused': [403, 'Cross-origin request refused'],
  'not-found': [404, 'No such CRM route'],
  'method-not-allowed': [405, 'Method not allowed'],
  'bad-idempotency-key': [400, 'Idempotency-Key must be a UUID v4'],
  'unsupported-media-type': [415, 'Content-Type must be application/json'],
  'too-large': [413, 'The body is over the limit'],
  'not-json': [422, 'The body is not JSON'],
  'wrong-format': [422, `The body is not an ${ENTRY_FORMAT} log entry`],
  'key-reused': [422, 'This Idempotency-Key was used for a different entry'],
  unavailable: [503, 'The CRM is unavailable (injected failure)'],
  'bad-control': [400, 'The control settings do not fit'],
  unauthorised: [401, 'Sign in: a bearer token is needed'],
  rejected: [422, 'The CRM refuses this entry (injected permanent rejection)'],
  'bad-event': [422, 'The body is not an incident event {type, payload} the CRM can keep'],
  'bad-query': [400, 'The query does not fit'],
  internal: [500, 'Internal error'],
};

/** Answers JSON (or a problem), with no caching; `headers` adds to or overrides the defaults. */
export function sendJson(res, status, body, headers = {}) {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': status >= 400 ? 'application/problem+json' : 'application/json',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** Answers the problem `type` (one of PROBLEMS) as RFC 9457 JSON, with `detail` and `extra`. */
export function sendProblem(res, type, detail, headers = {}, extra = {}) {
  const [status, title] = PROBLEMS[type];
  sendJson(res, status, { type: `/crm/problems/${type}`, title, status, detail, ...extra }, headers);
}

/**
 * Reads a request body up to `limit` bytes. Past the limit it keeps reading (and discarding) so
 * the client gets a clean answer, up to MAX_DRAIN_BYTES; beyond that it says `cut`.
 */
export function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let settled = false;
    const done = (value) => {
      if (!settled) {
        settled = true;
        resolve(value);
      }
    };
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else if (size > MAX_DRAIN_BYTES) {
        req.pause();
        done({ tooLarge: true, cut: true, size });
      }
    });
    req.on('end', () =>
      done(size > limit ? { tooLarge: true, cut: false, size } : { tooLarge: false, bytes: Buffer.concat(chunks), size }),
    );
    req.on('error', (error) => {
      if (!settled) {
        settled = true;
        reject(error);
      }
    });
    req.on('aborted', () => {
      if (!settled) {
        settled = true;
        reject(new Error('the client went away'));
      }
    });
  });
}

/** Checks a `POST /crm/control` body: every problem, or the settings to apply. */
function readControl(body) {
  const problems = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { problems: ['the body must be a JSON object'] };
  }
  const known = ['failRate', 'dropRate', 'offline', 'latencyMs', 'seed', 'reset', 'redirect', 'token', 'reject'];
  for (const key of Object.keys(body)) {
    if (!known.includes(key)) problems.push(`unknown field ${JSON.stringify(key)} (known: ${known.join(', ')})`);
  }
  for (const key of ['failRate', 'dropRate']) {
    if (key in body && !(typeof body[key] === 'number' && body[key] >= 0 && body[key] <= 1)) {
      problems.push(`${key} must be a number from 0 to 1`);
    }
  }
  if ('token' in body && !(body.token === null || (typeof body.token === 'string' && /^[A-Za-z0-9._~+/-]{1,200}=*$/.test(body.token)))) {
    problems.push('token must be null or a bearer token (letters, digits, - . _ ~ + /)');
  }
  for (const key of ['offline', 'reset', 'redirect', 'reject']) {
    if (key in body && typeof body[key] !== 'boolean') problems.push(`${key} must be true or false`);
  }
  if ('latencyMs' in body && !(Number.isInteger(body.latencyMs) && body.latencyMs >= 0 && body.latencyMs <= MAX_LATENCY_MS)) {
    problems.push(`latencyMs must be a whole number from 0 to ${MAX_LATENCY_MS}`);
  }
  if ('seed' in body && !(Number.isInteger(body.seed) && body.seed >= 0 && body.seed <= 0xffffffff)) {
    problems.push('seed must be a whole number from 0 to 4294967295');
  }
  return { problems, settings: body };
}

/**
 * The test CRM as a request handler: `(req, res) => boolean`, true when the request was under
 * `/crm/` (and is being answered), false when it is someone else's.
 *
 * Options: `failRate`, `dropRate` (0–1), `offline`, `latencyMs`, `seed` (the settings a reset
 * returns to), `allowedOrigins` (exact origins a cross-origin page may POST from; the endpoint's
 * own origin is always allowed), `maxEntryBytes`, `closeConnections` (default true: every
 * answer says `Connection: close`), `now` (a clock in ms, for tests).
 *
 * The incidents' options (crm-incidents.mjs): `dataFile` (a path: entries, incidents, events and
 * the feed are kept in that JSON file and read back from it; none: memory only), `pack` (the
 * procedure pack incidents are opened under; default packs/council-out-of-hours.json; `false`:
 * none are), `unitDelayMs` (default 1500), `unitSeed` (default 1).
 *
 * The handler also carries `state()`, `control(settings)`, `incidents({open})` and `close()` (stops
 * the simulated units' timers) for in-process use.
 */
export function createCrmHandler(options = {}) {
  const initial = {};
  for (const key of Object.keys(DEFAULTS)) initial[key] = options[key] ?? DEFAULTS[key];
  const checked = readControl(initial);
  if (checked.problems.length) throw new Error(`createCrmHandler: ${checked.problems.join('; ')}`);
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  for (const origin of allowedOrigins) {
    if (origin === '*' || origin === 'null' || new URL(origin).origin !== origin) {
      throw new Error(`createCrmHandler: allowed origins are exact origins (scheme://host:port), not ${origin}`);
    }
  }
  const maxEntryBytes = options.maxEntryBytes ?? MAX_ENTRY_BYTES;
  const now = options.now ?? Date.now;
  const closeConnections = options.closeConnections ?? true;

  let config;
  let random;
  let store; // key -> { key, body, canonical, at, route }
  let log;
  let counters;
  const inProgress = new Map(); // key -> Set of request records being answered now
  const requestsOnSocket = new WeakMap();

  function reset() {
    config = { ...initial };
    random = mulberry32(config.seed);
    store = new Map();
    log = [];
    counters = { requests: 0, outcomes: {}, overlaps: 0, duplicatesRefused: 0, logDropped: 0 };
  }
  reset();
  // Reads the data file if there is one (its entries come back into the store): after reset, which
  // starts the store empty; `/crm/control` reset clears both.
  const desk = createIncidentDesk({
    dataFile: options.dataFile,
    pack: options.pack,
    unitDelayMs: options.unitDelayMs,
    unitSeed: options.unitSeed,
    now,
    entries: () => store.values(),
  });
  for (const { key, body, at, route } of desk.loaded) store.set(key, { key, body, canonical: canonical(body), at, route });

  function control(settings) {
    const { problems } = readControl(settings);
    if (problems.length) return { problems };
    if (settings.reset) {
      reset();
      desk.reset();
    }
    for (const key of ['failRate', 'dropRate', 'offline', 'latencyMs', 'redirect', 'token', 'reject']) {
      if (key in settings) config[key] = settings[key];
    }
    if ('seed' in settings) {
      config.seed = settings.seed;
      random = mulberry32(config.seed);
    }
    return { config: { ...config } };
  }

  function state({ summary = false } = {}) {
    return {
      entries: [...store.values()].map(({ key, body, at, route }) => (summary ? { key, at, route } : { key, body, at, route })),
      requests: counters.requests,
      outcomes: { ...counters.outcomes },
      overlaps: counters.overlaps,
      duplicatesRefused: counters.duplicatesRefused,
      config: { ...config },
      ...desk.state(),
      ...(summary ? {} : { log: log.map((r) => ({ ...r })), logDropped: counters.logDropped }),
    };
  }

  /** Starts the record of a request to /crm/entries; `finish` sets its outcome once. */
  function record(req) {
    const seen = requestsOnSocket.get(req.socket) ?? 1;
    const entry = {
      at: new Date(now()).toISOString(),
      method: req.method,
      key: null,
      outcome: null,
      status: null,
      overlap: false,
      reusedConnection: seen > 1,
    };
    counters.requests += 1;
    log.push(entry);
    if (log.length > LOG_LIMIT) {
      log.shift();
      counters.logDropped += 1;
    }
    return entry;
  }

  function finish(entry, outcome, status) {
    if (entry.outcome !== null) return;
    entry.outcome = outcome;
    entry.status = status;
    counters.outcomes[outcome] = (counters.outcomes[outcome] ?? 0) + 1;
  }

  /** Marks `entry` as in progress for its key until the response closes; counts overlaps. */
  function track(entry, res) {
    let running = inProgress.get(entry.key);
    if (!running) inProgress.set(entry.key, (running = new Set()));
    if (running.size > 0) {
      counters.overlaps += 1;
      entry.overlap = true;
      for (const other of running) other.overlap = true;
    }
    running.add(entry);
    res.once('close', () => {
      running.delete(entry);
      if (running.size === 0 && inProgress.get(entry.key) === running) inProgress.delete(entry.key);
    });
  }

  /** CORS headers for a response to `origin`, or null when the origin may not use the CRM. */
  function corsFor(req) {
    const origin = req.headers.origin;
    if (origin === undefined) return {}; // not a browser's cross-origin request
    if (origin === `http://${req.headers.host}`) return {}; // same origin
    if (!allowedOrigins.has(origin)) return null;
    return { 'access-control-allow-origin': origin, vary: 'Origin' };
  }

  function preflight(req, res, entry) {
    const origin = req.headers.origin;
    const method = req.headers['access-control-request-method'];
    if (method === undefined) {
      // A plain OPTIONS, not a preflight.
      finish(entry, 'options', 204);
      res.writeHead(204, { allow: 'POST, OPTIONS', 'cache-control': 'no-store' });
      return res.end();
    }
    const asked = String(req.headers['access-control-request-headers'] ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean);
    const sameOrigin = origin === `http://${req.headers.host}`;
    let why = null;
    if (origin === undefined || (!sameOrigin && !allowedOrigins.has(origin))) why = 'the origin is not on the allow-list';
    else if (method !== 'POST') why = 'only POST is allowed';
    else if (asked.some((h) => !CORS_HEADERS.includes(h))) why = `only these request headers are allowed: ${CORS_HEADERS.join(', ')}`;
    const vary = { vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers' };
    if (why) {
      finish(entry, 'preflight-refused', 403);
      return sendProblem(res, 'preflight-refused', why, vary);
    }
    finish(entry, 'preflight', 204);
    res.writeHead(204, {
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Idempotency-Key, Content-Type, Authorization',
      'access-control-max-age': '600',
      // Chromium's Private Network Access asks before a public page reaches a private address.
      ...(req.headers['access-control-request-private-network'] === 'true'
        ? { 'access-control-allow-private-network': 'true' }
        : {}),
      'cache-control': 'no-store',
      ...vary,
    });
    res.end();
  }

  async function entries(req, res, route = 'entries') {
    const entry = record(req);
    entry.route = route;
    entry.key = parseIdempotencyKey(req.headers['idempotency-key']);
    if (config.offline) {
      finish(entry, 'offline', null);
      return req.socket.destroy();
    }
    if (req.method === 'OPTIONS') return preflight(req, res, entry);
    const cors = corsFor(req);
    if (cors === null) {
      finish(entry, 'origin-refused', 403);
      return sendProblem(res, 'origin-not-allowed', 'cross-origin POSTs are accepted only from the allow-list');
    }
    if (req.method !== 'POST') {
      finish(entry, 'method-not-allowed', 405);
      return sendProblem(res, 'method-not-allowed', 'POST a log entry here', { allow: 'POST, OPTIONS', ...cors });
    }
    if (entry.key !== null) track(entry, res);
    // Always two draws per request, so the faults depend only on the order of requests.
    const failRoll = random();
    const dropRoll = random();

    let body;
    try {
      body = await readBody(req, maxEntryBytes);
    } catch {
      finish(entry, 'aborted', null);
      return;
    }
    if (config.latencyMs > 0) await sleep(config.latencyMs);
    if (config.offline) {
      // The network went while this request was on its way.
      finish(entry, 'offline', null);
      return req.socket.destroy();
    }
    if (config.redirect) {
      // An expired sign-in: the CRM sends the POST to its login page, which answers 200.
      finish(entry, 'redirected', 302);
      res.writeHead(302, { location: '/crm/login', 'cache-control': 'no-store', ...cors });
      return res.end();
    }
    if (config.token !== null && req.headers.authorization !== `Bearer ${config.token}`) {
      finish(entry, 'unauthorised', 401);
      return sendProblem(res, 'unauthorised', 'send "Authorization: Bearer <token>" with the current token', {
        'www-authenticate': 'Bearer',
        ...cors,
      });
    }
    if (config.reject) {
      finish(entry, 'rejected', 422);
      return sendProblem(res, 'rejected', 'this entry will never be accepted as it is', cors);
    }
    if (failRoll < config.failRate) {
      finish(entry, 'failed', 503);
      return sendProblem(res, 'unavailable', 'try again later with the same Idempotency-Key', { 'retry-after': '1', ...cors });
    }
    if (entry.key === null) {
      finish(entry, 'bad-key', 400);
      return sendProblem(res, 'bad-idempotency-key', 'send the entry\'s key as "Idempotency-Key: <uuid v4>"', cors);
    }
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      finish(entry, 'unsupported-media-type', 415);
      return sendProblem(res, 'unsupported-media-type', 'send the entry as application/json', cors);
    }
    if (body.tooLarge) {
      finish(entry, 'too-large', 413);
      return sendProblem(res, 'too-large', `an entry may be at most ${maxEntryBytes} bytes`, {
        ...(body.cut ? { connection: 'close' } : {}),
        ...cors,
      });
    }
    let parsed;
    try {
      parsed = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      finish(entry, 'not-json', 422);
      return sendProblem(res, 'not-json', 'the body could not be parsed as JSON', cors);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed) || parsed.format !== ENTRY_FORMAT) {
      finish(entry, 'wrong-format', 422);
      return sendProblem(res, 'wrong-format', `the body must be an object with "format": "${ENTRY_FORMAT}"`, cors);
    }

    const text = canonical(parsed);
    const stored = store.get(entry.key);
    let outcome;
    let status;
    let answer;
    if (!stored) {
      store.set(entry.key, { key: entry.key, body: parsed, canonical: text, at: new Date(now()).toISOString(), route: entry.route });
      // The first copy only: may open an incident (or link to one), and writes the data file.
      desk.entryStored(store.get(entry.key));
      [outcome, status, answer] = ['stored', 201, { stored: true, key: entry.key }];
    } else if (stored.canonical === text) {
      counters.duplicatesRefused += 1;
      [outcome, status, answer] = ['duplicate', 200, { stored: false, duplicate: true, key: entry.key }];
    } else {
      finish(entry, 'key-reused', 422);
      return sendProblem(res, 'key-reused', 'a different entry was already stored under this key', cors);
    }
    if (dropRoll < config.dropRate) {
      // Processed, but the answer is lost: the client sees a network error and must send again.
      entry.dropped = outcome;
      finish(entry, 'dropped', null);
      return req.socket.destroy();
    }
    entry.clientGone = res.destroyed || req.socket.destroyed;
    finish(entry, outcome, status);
    sendJson(res, status, answer, cors);
  }

  async function stateRoute(req, res, url) {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendProblem(res, 'method-not-allowed', 'GET the state', { allow: 'GET, HEAD' });
    }
    sendJson(res, 200, state({ summary: url.searchParams.get('summary') === '1' }));
  }

  async function controlRoute(req, res) {
    if (req.method !== 'POST') return sendProblem(res, 'method-not-allowed', 'POST the settings', { allow: 'POST' });
    // JSON only: a plain cross-site form cannot send it without a preflight, which is refused.
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      return sendProblem(res, 'unsupported-media-type', 'send the settings as application/json');
    }
    const body = await readBody(req, MAX_CONTROL_BYTES);
    if (body.tooLarge) return sendProblem(res, 'too-large', `at most ${MAX_CONTROL_BYTES} bytes`, body.cut ? { connection: 'close' } : {});
    let settings;
    try {
      settings = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      return sendProblem(res, 'bad-control', 'the body is not JSON', {}, { problems: ['the body is not JSON'] });
    }
    const result = control(settings);
    if (result.problems) return sendProblem(res, 'bad-control', result.problems.join('; '), {}, { problems: result.problems });
    sendJson(res, 200, result);
  }

  async function route(req, res, url, rest) {
    if (!isLoopbackAddress(req.socket.remoteAddress)) {
      return sendProblem(res, 'not-loopback', 'the test CRM answers this machine only', { connection: 'close' });
    }
    if (!isLoopbackHost(req.headers.host)) {
      return sendProblem(res, 'not-loopback-host', 'use 127.0.0.1, [::1] or localhost', { connection: 'close' });
    }
    if (rest === 'entries' || rest === 'entries-b') return entries(req, res, rest);
    if (rest === 'login') {
      const page = '<!doctype html><title>Sign in</title><p>Sign in to the CRM.</p>';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      return res.end(page);
    }
    if (rest === 'state') return stateRoute(req, res, url);
    if (rest === 'control') return controlRoute(req, res);
    if (desk.handles(rest)) return desk.route(req, res, url, rest);
    return sendProblem(
      res,
      'not-found',
      'the routes are /crm/entries, /crm/entries-b, /crm/login, /crm/state, /crm/control, /crm/incidents, ' +
        '/crm/incidents/events, /crm/incidents/feed and /crm/history',
    );
  }

  function handler(req, res) {
    // Every request the handler sees (its server's files too), to tell a reused connection.
    if (req.socket) requestsOnSocket.set(req.socket, (requestsOnSocket.get(req.socket) ?? 0) + 1);
    let url;
    try {
      url = new URL(req.url, 'http://127.0.0.1');
    } catch {
      return false;
    }
    if (url.pathname !== '/crm' && !url.pathname.startsWith('/crm/')) return false;
    if (closeConnections) res.setHeader('connection', 'close');
    route(req, res, url, url.pathname.slice('/crm/'.length)).catch((error) => {
      sendProblem(res, 'internal', String(error?.message ?? error));
    });
    return true;
  }
  handler.state = state;
  handler.control = control;
  handler.incidents = desk.view;
  handler.close = desk.close;
  return handler;
}
