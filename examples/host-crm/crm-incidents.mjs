// The test CRM as the incidents' system of record (issue 17): the supervisor's console sends its
// incidents' events here (through the host page, console.html), the CRM opens incidents from the
// handlers' log entries, keeps the centre's recent calls for `history.set`, lists the entries'
// deviations from the procedure for `review.add` and keeps the supervisor's decisions on them
// (`review.decided`, F13), and plays the units tasked: each acknowledges, goes en route and
// arrives, and one per incident acknowledges only when chased. Everything it holds can be kept in
// a JSON file, so it outlives a restart.
//
//   const desk = createIncidentDesk({ dataFile, pack, unitDelayMs, unitSeed, now, entries });
//   desk.entryStored(record);                   // after /crm/entries stores a new key
//   if (desk.handles(rest)) desk.route(req, res, url, rest);
//
// createCrmHandler (crm-endpoint.mjs) makes one and mounts it under /crm/incidents...,
// /crm/history and /crm/reviews, behind the same loopback and Host-header checks; `/crm/control`
// reset clears it.
// Routes and shapes: examples/host-crm/README.md ("Incidents").
//
// Test use only. What it promises, and the tests check (crm-incidents.test.mjs):
//
// - Events are kept once per key (`<reference>#<n>`, the console's; `review:<call>#<deviation>`
//   for a decision in the procedure check): the first copy is stored and applied (a decision
//   touches no incident), a later one only counted. The console resends every event not yet
//   acknowledged each time it opens, so one key can arrive many times.
// - With `dataFile`, every change is written to that file before the answer goes (a temporary
//   file, flushed, then renamed over it: a crash leaves the old file or the new one, never half of
//   one), and read back when the desk is made. A file that is not this desk's JSON stops the
//   start with an error naming it, after moving it aside untouched: nothing is overwritten.
// - The units are deterministic for a seed (`unitSeed`, mulberry32): the generator is drawn once
//   when an incident becomes known to the CRM (which of its taskings will be late) and once on
//   the first copy of each tasking (its ETA), in arrival order, and the number of draws is kept in
//   the data file so a restart goes on where it was. Timers use real time (`unitDelayMs`).
import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { mediaType, mulberry32, readBody, sendJson, sendProblem } from './crm-endpoint.mjs';

/** The data file's format (its `format` field); another value is refused when it is read. */
export const DATA_FORMAT = 'incident-desk/test-crm-data@1';
/** The procedure pack the CRM opens incidents under unless told otherwise. */
export const DEFAULT_PACK = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../packs/council-out-of-hours.json');
/** The CRM's incident references: CRM-INC-0001, CRM-INC-0002, … */
export const REFERENCE_PREFIX = 'CRM-INC-';
/** The console's events about incidents, applied to them. */
export const INCIDENT_EVENT_TYPES = ['incident.opened', 'incident.tasked', 'incident.changed', 'incident.closed'];
/** The console's decision on a deviation in the procedure check (F13): stored, touches no incident. */
export const REVIEW_EVENT_TYPE = 'review.decided';
/** Every event POST /crm/incidents/events takes; each is stored once per key. */
export const EVENT_TYPES = [...INCIDENT_EVENT_TYPES, REVIEW_EVENT_TYPE];
/** `review.decided`'s outcomes. */
export const REVIEW_OUTCOMES = ['signed_off', 'coaching'];
/** A deployment's stages, in the order a unit goes through them (stood_down ends one early). */
export const STAGES = ['selected', 'tasked', 'acknowledged', 'en_route', 'on_scene', 'cleared', 'stood_down'];
export const DEFAULT_UNIT_DELAY_MS = 1500;
/** How far back `history.set` looks, and how many calls it may carry (the protocol's maximum). */
export const HISTORY_WINDOW_MS = 24 * 60 * 60 * 1000;
export const HISTORY_LIMIT = 1000;
const MAX_EVENT_BYTES = 64 * 1024;
/** Feed items per answer; `next` says where to go on from. */
const FEED_PAGE = 500;
/** The engine's SUMMARY_CHARS (Opening::from_call): the longest summary line taken from a narrative. */
const SUMMARY_CHARS = 200;
/** The ETA a unit gives with its acknowledgement, in minutes: from ETA_MIN to ETA_MAX. */
const ETA_MIN = 5;
const ETA_MAX = 30;
/** After which report the unit sends which (it never clears itself: the supervisor records that). */
const REPORT_AFTER = { acknowledged: 'en_route', en_route: 'on_scene', on_scene: null };
const KEY = /^(.+)#([1-9][0-9]{0,9})$/;

/**
 * A place as the engine compares them (board.rs `place`): runs of whitespace one space, trimmed,
 * lower case. Two entries at the same place link to one incident; a blank place never links.
 */
export function place(text) {
  return String(text ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ')
    .toLowerCase();
}

/** `text` on one line, as the engine's one_line: trimmed, each run of whitespace one space. */
function oneLine(text) {
  return String(text ?? '')
    .split(/\s+/)
    .filter(Boolean)
    .join(' ');
}

/** At most `n` characters (code points) of `text`. */
function clip(text, n) {
  const chars = [...text];
  return chars.length > n ? chars.slice(0, n).join('') : text;
}

/**
 * What the CRM needs of a procedure pack: each code's response plan size and notify list and
 * default priority, and the safety-net questions (label, whether a "yes" marks someone
 * vulnerable). Throws an error naming the file when it cannot be read.
 */
export function loadPack(file) {
  let pack;
  try {
    pack = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`test CRM: cannot read the procedure pack ${file}: ${error.message}`);
  }
  if (!Array.isArray(pack?.codes)) throw new Error(`test CRM: ${file} is not a procedure pack (no "codes")`);
  const codes = new Map();
  for (const code of pack.codes) {
    const plan = Array.isArray(code.response_plan) ? code.response_plan : [];
    codes.set(code.code, {
      priority: code.default_priority ?? null,
      planUnits: plan.reduce((n, line) => n + (Number.isInteger(line?.count) && line.count > 0 ? line.count : 0), 0),
      notify: Array.isArray(code.notify) ? code.notify.filter((o) => typeof o === 'string') : [],
    });
  }
  const safety = (Array.isArray(pack.safety_net) ? pack.safety_net : []).map((q) => ({
    id: q.id,
    label: q.label ?? q.question ?? q.id,
    vulnerable: q.if_yes?.vulnerable === true,
  }));
  return { file, codes, safety };
}

/**
 * The `incident.open` a stored log entry asks for, without its reference, or null when it asks
 * for none: it has no decision, its code is not in the pack, or its code sends no unit and
 * notifies no one (the pack's `response_plan` and `notify` both empty, and the entry's `notify`
 * empty). Mirrors the engine's Opening::from_call: the summary is the narrative's first line (at
 * most 200 characters, the 200th an ellipsis), `safety` the labels of the safety-net questions
 * last answered yes that are about the situation, `vulnerable` a yes that marks someone
 * vulnerable or the vulnerability field filled in. `place` is the location as given (maybe blank,
 * which never links); the payload's location is never blank (the protocol requires one).
 */
export function openingFromEntry(pack, key, body) {
  const code = body?.decision?.code;
  if (typeof code !== 'string' || !pack.codes.has(code)) return null;
  const known = pack.codes.get(code);
  const entryNotify = Array.isArray(body.notify) ? body.notify.filter((o) => typeof o === 'string' && o !== '') : [];
  if (known.planUnits === 0 && known.notify.length === 0 && entryNotify.length === 0) return null;
  const fields = body.fields && typeof body.fields === 'object' ? body.fields : {};
  const text = (name) => (typeof fields[name] === 'string' ? fields[name].trim() : '');
  const first = text('narrative').split('\n')[0].replace(/\r$/, '');
  const summary = [...first].length > SUMMARY_CHARS ? `${[...first].slice(0, SUMMARY_CHARS - 1).join('')}…` : first;
  // The latest answer to each safety-net question, and whether any "yes" marked vulnerability.
  const latest = new Map();
  const asked = new Map();
  for (const event of Array.isArray(body.events) ? body.events : []) {
    if (event?.type !== 'safety_net_answered' || typeof event.question !== 'string') continue;
    latest.set(event.question, event.yes === true);
    if (typeof event.asked === 'string') asked.set(event.question, event.asked);
  }
  let vulnerable = text('vulnerability') !== '';
  const safety = [];
  for (const q of pack.safety) {
    if (latest.get(q.id) !== true) continue;
    if (q.vulnerable) vulnerable = true;
    else safety.push(clip(oneLine(q.label), 200));
  }
  for (const [id, yes] of latest) {
    if (yes && !pack.safety.some((q) => q.id === id)) safety.push(clip(oneLine(asked.get(id) ?? id), 200));
  }
  const location = clip(text('location'), 1000);
  const priority = typeof body.decision.priority === 'string' && body.decision.priority !== '' ? body.decision.priority : known.priority;
  return {
    code,
    priority,
    location: location === '' ? 'Location not given' : location,
    place: place(location),
    summary,
    vulnerable,
    safety: safety.slice(0, 50),
    notify: entryNotify.slice(0, 50),
    call: callOf(key, body),
  };
}

/**
 * The call a stored entry is, as the CRM names it everywhere: `reference` its `crm.call_id`
 * (trimmed), else the entry's key; `handler` its `handler` (trimmed), else "unknown"; each at most
 * 128 characters. `incident.open`'s `call` and `review.add`'s `call` and `handler` are both this,
 * so a deviation and the incident opened from the same entry name the same call.
 */
export function callOf(key, body) {
  const callId = typeof body?.crm?.call_id === 'string' && body.crm.call_id.trim() !== '' ? body.crm.call_id.trim() : key;
  const handler = typeof body?.handler === 'string' && body.handler.trim() !== '' ? body.handler.trim() : 'unknown';
  return { reference: clip(String(callId), 128), handler: clip(handler, 128) };
}

/**
 * `history.set`'s calls from stored entries: those answered (`opened_at`) within the 24 hours
 * before `now` (and not after it), newest first, at most 1000; the callback number and location
 * exactly as the entry has them, '' when none (cut only past the protocol's 32 and 1000
 * characters). Exactly: the call screen counts a call it took itself and the host lists once,
 * when the two are equal (Call::as_prior takes the fields as they stand).
 */
export function historyFrom(entries, now) {
  const calls = [];
  for (const { body } of entries) {
    const at = Date.parse(body?.opened_at ?? '');
    if (!Number.isFinite(at) || at > now || at < now - HISTORY_WINDOW_MS) continue;
    const field = (name) => (typeof body.fields?.[name] === 'string' ? body.fields[name] : '');
    calls.push({ at, callback: clip(field('callback_number'), 32), location: clip(field('location'), 1000) });
  }
  calls.sort((a, b) => b.at - a.at);
  return calls.slice(0, HISTORY_LIMIT);
}

/** What the protocol's reader refuses in a label: control characters (line breaks and tabs too) and text-direction marks. */
const NOT_TEXT = /[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/u;
const NOT_TEXT_ALL = new RegExp(NOT_TEXT.source, 'gu');
const LINE_BREAKS = /[\n\r\t]/u;

/** Whether the protocol takes `text` as a label (1–128 characters, not blank, one line, no control). */
function isLabel(text) {
  return typeof text === 'string' && text.trim() !== '' && [...text].length <= 128 && !NOT_TEXT.test(text);
}

/**
 * `text` as the protocol takes words (review.add's `what` and `reason`): the control and
 * text-direction characters taken out (line breaks and tabs kept), at most 1000 characters; null
 * when nothing is left.
 */
function words(text) {
  if (typeof text !== 'string') return null;
  const kept = clip(text.replace(NOT_TEXT_ALL, (c) => (LINE_BREAKS.test(c) ? c : '')), 1000);
  return kept.trim() === '' ? null : kept;
}

/**
 * What a deviation is, in words, from its `issue` (schema/log-entry.schema.json ComplianceIssue)
 * and its key, as the engine's deviation_label says it without a pack: "must-say advice not given:
 * <id>", "checklist not done: <id>", "escalation to <level> declined", "the tree's code was
 * overridden", "the decision tree was not completed"; another or a missing issue, by its key.
 */
export function deviationWhat(issue, key) {
  const after = (prefix) => (typeof key === 'string' && key.startsWith(prefix) ? key.slice(prefix.length) : key);
  const detail = (fallback) => (typeof issue?.detail === 'string' && issue.detail.trim() !== '' ? issue.detail : fallback);
  switch (issue?.type) {
    case 'mandatory_advice_missing':
      return `must-say advice not given: ${detail(after('advice:'))}`;
    case 'checklist_not_done':
      return `checklist not done: ${detail(after('checklist:'))}`;
    case 'escalation_declined': {
      const level = typeof issue.detail?.level === 'string' && issue.detail.level.trim() !== '' ? issue.detail.level : after('declined:');
      return `escalation to ${level} declined`;
    }
    case 'overridden':
      return "the tree's code was overridden";
    case 'tree_not_completed':
      return 'the decision tree was not completed';
    default:
      return `deviation from the procedure: ${key}`;
  }
}

/** The key the console gives a deviation's decision (`review.decided`'s `key`). */
export function reviewKey(call, deviation) {
  return `review:${call}#${deviation}`;
}

/**
 * `review.add`'s items for the stored entries' deviations (schema/protocol.schema.json
 * ReviewAddItem), oldest closed first (the order stored when two closed at once), each deviation
 * in the entry's order, and once per call and deviation (the first). `call` and `handler` are
 * callOf's (the incident's `call`); `code` the entry's `decision.code` (left out when none);
 * `closed_at` the entry's `closed_at` in ms (else `opened_at`, else when it was stored); `what`
 * from the issue (deviationWhat); `reason` the handler's, or "No reason recorded". Returns
 * `{items, keys}` (each item's reviewKey, in the same order) and `leftOut`: the deviations the
 * protocol would refuse (a key, call or handler that is blank, over 128 characters or with control
 * characters), with why, so one bad entry does not stop the others being sent.
 */
export function reviewsFrom(records) {
  const found = [];
  let order = 0;
  const leftOut = [];
  for (const record of records) {
    const body = record?.body;
    if (!Array.isArray(body?.deviations) || body.deviations.length === 0) continue;
    const call = callOf(record.key, body);
    const closedAt = [body.closed_at, body.opened_at, record.at].map((t) => (typeof t === 'string' ? Date.parse(t) : NaN)).find(Number.isFinite);
    const code = isLabel(body.decision?.code) ? body.decision.code : null;
    for (const deviation of body.deviations) {
      const key = deviation?.key;
      const why = !isLabel(key)
        ? 'its key is not 1 to 128 characters of text on one line'
        : !isLabel(call.reference)
          ? 'its call reference is not 1 to 128 characters of text on one line'
          : !isLabel(call.handler)
            ? 'its handler is not 1 to 128 characters of text on one line'
            : null;
      if (why) {
        leftOut.push({ entry: record.key, deviation: typeof key === 'string' ? clip(key, 128) : null, why });
        continue;
      }
      const item = { call: call.reference, handler: call.handler };
      if (code) item.code = code;
      item.closed_at = Math.max(0, Math.floor(closedAt ?? 0));
      item.deviation = key;
      item.what = words(deviationWhat(deviation.issue, key)) ?? words(`deviation from the procedure: ${key}`);
      item.reason = words(deviation.reason) ?? 'No reason recorded';
      found.push({ item, key: reviewKey(item.call, item.deviation), order: order++ });
    }
  }
  found.sort((a, b) => a.item.closed_at - b.item.closed_at || a.order - b.order);
  const seen = new Set();
  const kept = found.filter(({ key }) => !seen.has(key) && seen.add(key));
  return { items: kept.map((f) => f.item), keys: kept.map((f) => f.key), leftOut };
}

/** What is wrong with an event sent to POST /crm/incidents/events, as a list (empty: nothing). */
export function eventProblems(body) {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return ['the body must be a JSON object {type, payload}'];
  const problems = [];
  for (const key of Object.keys(body)) {
    if (key !== 'type' && key !== 'payload') problems.push(`unknown field ${JSON.stringify(key)} (known: type, payload)`);
  }
  if (!EVENT_TYPES.includes(body.type)) problems.push(`type must be one of ${EVENT_TYPES.join(', ')}`);
  const p = body.payload;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return [...problems, 'payload must be an object'];
  if (body.type === REVIEW_EVENT_TYPE) return [...problems, ...decidedProblems(p)];
  const string = (name) => typeof p[name] === 'string' || problems.push(`payload.${name} must be a string`);
  const optional = (name, ok, what) => p[name] === undefined || p[name] === null || ok(p[name]) || problems.push(`payload.${name} must be ${what} or null`);
  const match = typeof p.key === 'string' && p.key.length <= 128 ? KEY.exec(p.key) : null;
  if (!match) problems.push('payload.key must be "<reference>#<n>" (n from 1), at most 128 characters');
  if (typeof p.reference !== 'string' || p.reference === '') problems.push('payload.reference must be a string');
  else if (match && match[1] !== p.reference) problems.push('payload.key must start with payload.reference and "#"');
  if (!(Number.isSafeInteger(p.at) && p.at >= 0)) problems.push('payload.at must be milliseconds since 1970 (a whole number)');
  string('by');
  string('what');
  if (body.type === 'incident.opened') {
    for (const name of ['code', 'priority', 'location', 'summary']) string(name);
    if (typeof p.vulnerable !== 'boolean') problems.push('payload.vulnerable must be true or false');
    optional('zone', (z) => typeof z === 'string', 'a string');
  } else if (body.type === 'incident.tasked') {
    if (!(Number.isInteger(p.deployment) && p.deployment >= 0)) problems.push('payload.deployment must be a whole number');
    for (const name of ['unit', 'call_sign', 'channel', 'message']) string(name);
  } else if (body.type === 'incident.changed') {
    optional('deployment', (d) => Number.isInteger(d) && d >= 0, 'a whole number');
    optional('unit', (u) => typeof u === 'string', 'a string');
    optional('stage', (s) => STAGES.includes(s), `one of ${STAGES.join(', ')}`);
  } else if (body.type === 'incident.closed') {
    string('outcome');
  }
  return problems;
}

/**
 * What is wrong with a `review.decided` payload (schema/protocol.schema.json Decided): `key`
 * `review:<call>#<deviation>` (at most 300 characters), `call`, `handler`, `deviation` and `by`
 * strings, `outcome` signed_off or coaching, `note` a string (may be empty), `at` whole ms.
 */
function decidedProblems(p) {
  const problems = [];
  for (const name of ['call', 'handler', 'deviation', 'by', 'note']) {
    if (typeof p[name] !== 'string') problems.push(`payload.${name} must be a string`);
  }
  if (typeof p.key !== 'string' || !p.key.startsWith('review:') || [...p.key].length > 300) {
    problems.push('payload.key must be "review:<call>#<deviation>", at most 300 characters');
  } else if (typeof p.call === 'string' && typeof p.deviation === 'string' && p.key !== reviewKey(p.call, p.deviation)) {
    problems.push('payload.key must be "review:" and payload.call, "#" and payload.deviation');
  }
  if (!REVIEW_OUTCOMES.includes(p.outcome)) problems.push(`payload.outcome must be one of ${REVIEW_OUTCOMES.join(', ')}`);
  if (!(Number.isSafeInteger(p.at) && p.at >= 0)) problems.push('payload.at must be milliseconds since 1970 (a whole number)');
  return problems;
}

/** The number n of a key `<reference>#<n>`. */
function keyNumber(key) {
  return Number(KEY.exec(key)?.[2] ?? 0);
}

function stageRank(stage) {
  return STAGES.indexOf(stage);
}

/** An error about the data file: names it, and where a bad copy was moved to. */
export class DataFileError extends Error {
  constructor(message, file, aside = null) {
    super(message);
    this.name = 'DataFileError';
    this.code = 'CRM_DATA_FILE';
    this.file = file;
    this.aside = aside;
  }
}

/** Why a parsed data file cannot be used, or null when it can. */
function dataProblem(data) {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return 'it is not a JSON object';
  if (data.format !== DATA_FORMAT) return `its "format" is not "${DATA_FORMAT}"`;
  for (const list of ['entries', 'incidents', 'events', 'units']) {
    if (!Array.isArray(data[list])) return `"${list}" is not a list`;
  }
  if (!Array.isArray(data.feed?.items) || typeof data.feed.epoch !== 'string') return '"feed" is not {epoch, items}';
  if (!(Number.isInteger(data.next_reference) && data.next_reference >= 1)) return '"next_reference" is not a whole number from 1';
  if (!(Number.isInteger(data.draws) && data.draws >= 0)) return '"draws" is not a whole number';
  if (!data.entries.every((e) => typeof e?.key === 'string' && e.body && typeof e.body === 'object')) return 'an entry has no key or body';
  if (!data.incidents.every((i) => typeof i?.reference === 'string' && Array.isArray(i.deployments))) return 'an incident has no reference';
  if (!data.events.every((e) => typeof e?.key === 'string' && EVENT_TYPES.includes(e.type))) return 'an event has no key or type';
  if (!data.units.every((u) => typeof u?.id === 'string' && typeof u.reference === 'string')) return 'a unit has no id';
  if (!data.feed.items.every((i) => Number.isInteger(i?.cursor))) return 'a feed item has no cursor';
  return null;
}

/**
 * Reads the data file: its data, or null when there is none yet. A file that cannot be used is
 * renamed to `<file>.corrupt-<time>` (untouched) and a DataFileError names both.
 */
function readDataFile(file) {
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error.code === 'ENOENT') return null;
    throw new DataFileError(`test CRM: cannot read the data file ${file}: ${error.message}`, file);
  }
  let data;
  let problem;
  try {
    data = JSON.parse(text);
    problem = dataProblem(data);
  } catch (error) {
    problem = `it is not JSON (${error.message})`;
  }
  if (problem === null) return data;
  const aside = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  renameSync(file, aside);
  throw new DataFileError(
    `test CRM: the data file ${file} cannot be used: ${problem}. Nothing was loaded or overwritten: ` +
      `the file was moved aside, as it was, to ${aside}. Mend it and move it back, or start again with an empty store.`,
    file,
    aside,
  );
}

/** Writes `text` to `file` so that a crash leaves the old file or the new one: temp, flush, rename. */
function writeAtomically(file, text) {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

/**
 * The incidents' side of the test CRM. Options: `dataFile` (a path: keep everything there; none:
 * memory only), `pack` (a procedure pack's path, default DEFAULT_PACK; `false`: open no incident
 * from entries), `unitDelayMs` (default 1500: between a tasking and each of a unit's reports),
 * `unitSeed` (default 1), `now` (a clock in ms), and `entries` (a function giving the CRM's stored
 * entry records `{key, body, at, route}`, written to the data file with the rest).
 *
 * Returns the desk: `loaded` (the entries read from the data file, for the caller's store),
 * `entryStored(record)`, `save()`, `reset()`, `close()`, `handles(rest)`, `route(req, res, url,
 * rest)`, `view({open})` (GET /crm/incidents's answer), `reviews()` (GET /crm/reviews's) and
 * `state()` (what /crm/state adds).
 */
export function createIncidentDesk(options = {}) {
  const now = options.now ?? Date.now;
  const dataFile = options.dataFile ? path.resolve(options.dataFile) : null;
  const pack = options.pack === false ? null : loadPack(options.pack ? path.resolve(options.pack) : DEFAULT_PACK);
  const unitDelayMs = options.unitDelayMs ?? DEFAULT_UNIT_DELAY_MS;
  const unitSeed = options.unitSeed ?? 1;
  const entries = options.entries ?? (() => []);
  if (!(Number.isInteger(unitDelayMs) && unitDelayMs >= 0 && unitDelayMs <= 3_600_000)) {
    throw new Error('createCrmHandler: unitDelayMs must be a whole number of ms from 0 to 3600000');
  }
  if (!(Number.isInteger(unitSeed) && unitSeed >= 0 && unitSeed <= 0xffffffff)) {
    throw new Error('createCrmHandler: unitSeed must be a whole number from 0 to 4294967295');
  }

  let incidents; // reference -> incident record
  let events; // key -> { key, type, payload, at (received, ISO), received (copies) }
  let feed; // { epoch, items: [{ cursor, type, payload, at }] }
  let units; // `${reference}#d${deployment}` -> simulated unit
  let nextReference;
  let draws;
  let random;
  let saveError = null;
  const timers = new Map(); // unit id -> timeout

  function clear() {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
    incidents = new Map();
    events = new Map();
    feed = { epoch: crypto.randomUUID(), items: [] };
    units = new Map();
    nextReference = 1;
    draws = 0;
    random = mulberry32(unitSeed);
  }

  /** The next number from the seeded generator; counted, so a restart can go on from it. */
  function draw() {
    draws += 1;
    return random();
  }

  // ---- The data file ------------------------------------------------------------------------

  function snapshot() {
    return {
      format: DATA_FORMAT,
      saved_at: new Date(now()).toISOString(),
      unit_seed: unitSeed,
      entries: [...entries()].map(({ key, body, at, route }) => ({ key, body, at, route })),
      incidents: [...incidents.values()],
      events: [...events.values()],
      feed,
      units: [...units.values()],
      next_reference: nextReference,
      draws,
    };
  }

  /** Writes everything to the data file (nothing without one). Throws when the write fails. */
  function save() {
    if (!dataFile) return;
    writeAtomically(dataFile, `${JSON.stringify(snapshot(), null, 1)}\n`);
    saveError = null;
  }

  /** As save, for a timer's change: a failure is kept for the state and logged, not thrown. */
  function saveQuietly() {
    try {
      save();
    } catch (error) {
      saveError = `${new Date(now()).toISOString()} ${error.message}`;
      console.error(`test CRM: could not write ${dataFile}: ${error.message}`);
    }
  }

  clear();
  let loaded = [];
  if (dataFile) {
    mkdirSync(path.dirname(dataFile), { recursive: true });
    const data = readDataFile(dataFile);
    if (data) {
      loaded = data.entries;
      incidents = new Map(data.incidents.map((i) => [i.reference, i]));
      events = new Map(data.events.map((e) => [e.key, e]));
      feed = data.feed;
      units = new Map(data.units.map((u) => [u.id, u]));
      nextReference = data.next_reference;
      for (let i = 0; i < data.draws; i++) draw();
      for (const unit of units.values()) schedule(unit);
    }
  }

  // ---- Incidents ----------------------------------------------------------------------------

  /** A new incident record; draws which of its taskings will acknowledge late (1 to plan size). */
  function newIncident(fields, source) {
    const planUnits = pack?.codes.get(fields.code)?.planUnits ?? 0;
    const record = {
      reference: fields.reference,
      code: fields.code ?? null,
      priority: fields.priority ?? null,
      location: fields.location ?? null,
      zone: fields.zone ?? null,
      summary: fields.summary ?? '',
      vulnerable: fields.vulnerable === true,
      safety: fields.safety ?? [],
      notify: fields.notify ?? [],
      call: fields.call ?? null,
      calls: fields.call ? [{ ...fields.call, entry: fields.entry ?? null, at: now() }] : [],
      source,
      state: 'open',
      outcome: null,
      opened_at: now(),
      closed_at: null,
      deployments: [],
      events: [],
      // Which tasking on this incident acknowledges only when chased: the late_position-th.
      late_position: 1 + Math.floor(draw() * Math.max(1, planUnits)),
      taskings: 0,
    };
    incidents.set(record.reference, record);
    return record;
  }

  /** The incident's `incident.open` payload, as a host page sends it to the console. */
  function openPayload(incident) {
    const payload = {
      reference: incident.reference,
      code: incident.code,
      priority: incident.priority,
      location: incident.location,
      summary: incident.summary,
      vulnerable: incident.vulnerable,
    };
    if (incident.zone) payload.zone = incident.zone;
    if (incident.safety.length) payload.safety = [...incident.safety];
    if (incident.notify.length) payload.notify = [...incident.notify];
    if (incident.call) payload.call = { reference: incident.call.reference, handler: incident.call.handler };
    return payload;
  }

  function pushFeed(type, payload) {
    const last = feed.items.at(-1)?.cursor ?? 0;
    const item = { cursor: last + 1, type, payload, at: now() };
    feed.items.push(item);
    return item;
  }

  /**
   * A new entry was stored (the first copy of its key): opens an incident when its code sends
   * units or notifies anyone, or links it to the open incident with the same code at the same
   * place; then writes the data file. Returns the incident's reference, or null.
   */
  function entryStored(record) {
    const opening = pack ? openingFromEntry(pack, record.key, record.body) : null;
    let reference = null;
    if (opening) {
      const same =
        opening.place === ''
          ? null
          : [...incidents.values()].find((i) => i.state === 'open' && i.code === opening.code && place(i.place ?? i.location) === opening.place);
      if (same) {
        same.calls.push({ ...opening.call, entry: record.key, at: now() });
        same.vulnerable ||= opening.vulnerable;
        for (const label of opening.safety) if (!same.safety.includes(label)) same.safety.push(label);
        reference = same.reference;
      } else {
        reference = `${REFERENCE_PREFIX}${String(nextReference).padStart(4, '0')}`;
        nextReference += 1;
        const incident = newIncident({ ...opening, reference, entry: record.key }, 'entry');
        incident.place = opening.place;
        pushFeed('incident.open', openPayload(incident));
      }
    }
    save();
    return reference;
  }

  function deploymentOf(incident, number, unit = null) {
    let d = incident.deployments.find((x) => x.deployment === number);
    if (!d) {
      d = { deployment: number, unit, call_sign: null, channel: null, stage: null, stage_n: 0 };
      incident.deployments.push(d);
      incident.deployments.sort((a, b) => a.deployment - b.deployment);
    }
    if (unit && !d.unit) d.unit = unit;
    return d;
  }

  /** Sets a deployment's stage from the event numbered n, unless a later event already did. */
  function setStage(d, stage, n) {
    if (stage && n >= d.stage_n) {
      d.stage = stage;
      d.stage_n = n;
    }
  }

  /** Applies the first copy of an event to its incident (made if the CRM did not know it). */
  function applyEvent(type, p) {
    const n = keyNumber(p.key);
    let incident = incidents.get(p.reference);
    if (!incident) {
      // Opened in the console (or an event before its incident.opened): the console's fields.
      incident = newIncident(type === 'incident.opened' ? p : { reference: p.reference }, 'console');
    } else if (type === 'incident.opened') {
      for (const name of ['code', 'priority', 'location']) incident[name] ??= p[name];
      incident.zone ??= p.zone ?? null;
    }
    incident.events.push(p.key);
    incident.events.sort((a, b) => keyNumber(a) - keyNumber(b));
    if (type === 'incident.tasked') {
      const d = deploymentOf(incident, p.deployment, p.unit);
      d.call_sign = p.call_sign;
      d.channel = p.channel;
      setStage(d, 'tasked', n);
      unitTasked(incident, p);
    } else if (type === 'incident.changed' && Number.isInteger(p.deployment)) {
      const d = deploymentOf(incident, p.deployment, p.unit ?? null);
      setStage(d, p.stage ?? null, n);
      const unit = units.get(unitId(p.reference, p.deployment));
      if (unit && (p.stage === 'stood_down' || p.stage === 'cleared')) stop(unit, p.stage);
      if (unit && /\bchased\b/.test(p.what)) unitChased(unit, p);
    } else if (type === 'incident.closed') {
      incident.state = 'closed';
      incident.outcome = p.outcome;
      incident.closed_at = p.at;
      for (const unit of units.values()) if (unit.reference === incident.reference) stop(unit, 'closed');
    }
  }

  // ---- Simulated units ------------------------------------------------------------------------

  function unitId(reference, deployment) {
    return `${reference}#d${deployment}`;
  }

  /** The first copy of a tasking: the unit will acknowledge after unitDelayMs, unless it is late. */
  function unitTasked(incident, p) {
    const id = unitId(p.reference, p.deployment);
    if (units.has(id)) return; // the same deployment tasked again: its unit is already under way
    incident.taskings += 1;
    const position = incident.taskings;
    const late = position === incident.late_position;
    const unit = {
      id,
      reference: p.reference,
      deployment: p.deployment,
      unit: p.unit,
      call_sign: p.call_sign,
      position,
      late,
      eta_minutes: ETA_MIN + Math.floor(draw() * (ETA_MAX - ETA_MIN + 1)),
      tasked_at: now(),
      tasked_key: p.key,
      chased: [],
      reports: [],
      next: null,
      waiting: null,
      stopped: null,
    };
    units.set(id, unit);
    if (incident.state !== 'open') unit.stopped = 'closed';
    else if (late) unit.waiting = 'chase';
    else plan(unit, 'acknowledged');
  }

  /** A chase: the late unit, not yet acknowledged, acknowledges after unitDelayMs. */
  function unitChased(unit, p) {
    unit.chased.push(p.at);
    if (unit.waiting === 'chase' && !unit.stopped) {
      unit.waiting = null;
      plan(unit, 'acknowledged');
    }
  }

  function plan(unit, report) {
    unit.next = report ? { report, due: now() + unitDelayMs } : null;
    schedule(unit);
  }

  function stop(unit, why) {
    if (unit.stopped) return;
    unit.stopped = why;
    unit.next = null;
    unit.waiting = null;
    schedule(unit);
  }

  function schedule(unit) {
    clearTimeout(timers.get(unit.id));
    timers.delete(unit.id);
    if (!unit.next || unit.stopped) return;
    const timer = setTimeout(() => report(unit.id), Math.max(0, unit.next.due - now()));
    timer.unref?.(); // a test process or a server may end with units still on their way
    timers.set(unit.id, timer);
  }

  /**
   * A unit's next report is due: relayed through the feed as `incident.report`, unless its
   * deployment has already reached that stage by the supervisor's events (kept as skipped). The
   * following report is planned unitDelayMs later; after on_scene there is none.
   */
  function report(id) {
    timers.delete(id);
    const unit = units.get(id);
    if (!unit?.next || unit.stopped) return;
    const incident = incidents.get(unit.reference);
    const d = incident?.deployments.find((x) => x.deployment === unit.deployment);
    const what = unit.next.report;
    const at = now();
    if (!incident || incident.state !== 'open') stop(unit, 'closed');
    else if (d?.stage === 'cleared' || d?.stage === 'stood_down') stop(unit, d.stage);
    else {
      if (d?.stage && stageRank(d.stage) >= stageRank(what)) {
        unit.reports.push({ report: what, at, skipped: `already ${d.stage}` });
      } else {
        const payload = { reference: unit.reference, unit: unit.unit, report: what };
        if (what === 'acknowledged') payload.eta_minutes = unit.eta_minutes;
        const item = pushFeed('incident.report', payload);
        unit.reports.push({ report: what, at, cursor: item.cursor });
      }
      plan(unit, REPORT_AFTER[what]);
    }
    saveQuietly();
  }

  // ---- Views ----------------------------------------------------------------------------------

  function lateView(incident) {
    const unit = [...units.values()].find((u) => u.reference === incident.reference && u.late);
    return {
      reference: incident.reference,
      position: incident.late_position,
      deployment: unit?.deployment ?? null,
      unit: unit?.unit ?? null,
      call_sign: unit?.call_sign ?? null,
      chased: (unit?.chased.length ?? 0) > 0,
      acknowledged: unit?.reports.some((r) => r.report === 'acknowledged') ?? false,
    };
  }

  function unitView(unit) {
    return { ...unit, next: unit.next && { ...unit.next }, chased: [...unit.chased], reports: unit.reports.map((r) => ({ ...r })) };
  }

  function incidentView(incident) {
    const late = lateView(incident);
    return {
      reference: incident.reference,
      code: incident.code,
      priority: incident.priority,
      location: incident.location,
      zone: incident.zone,
      summary: incident.summary,
      vulnerable: incident.vulnerable,
      safety: [...incident.safety],
      notify: [...incident.notify],
      call: incident.call,
      calls: incident.calls.map((c) => ({ ...c })),
      source: incident.source,
      state: incident.state,
      outcome: incident.outcome,
      opened_at: incident.opened_at,
      closed_at: incident.closed_at,
      deployments: incident.deployments.map(({ deployment, unit, call_sign, channel, stage }) => ({
        deployment,
        unit,
        call_sign,
        channel,
        stage,
        late: late.deployment === deployment,
      })),
      events: incident.events.map((key) => {
        const e = events.get(key);
        return { key, type: e?.type ?? null, what: e?.payload.what ?? null, at: e?.payload.at ?? null, received: e?.received ?? 0 };
      }),
      late,
    };
  }

  /** GET /crm/incidents's answer: every incident (or the open ones), `open` as payloads. */
  function view({ open = false } = {}) {
    const all = [...incidents.values()];
    const shown = open ? all.filter((i) => i.state === 'open') : all;
    return {
      incidents: shown.map(incidentView),
      open: all.filter((i) => i.state === 'open').map(openPayload),
      late: shown.map(lateView),
      units: [...units.values()].filter((u) => shown.some((i) => i.reference === u.reference)).map(unitView),
    };
  }

  /** The `review.decided` events stored, by key: each as the console sent it (the first copy). */
  function decisions() {
    const byKey = {};
    for (const e of events.values()) if (e.type === REVIEW_EVENT_TYPE) byKey[e.key] = e.payload;
    return byKey;
  }

  /**
   * GET /crm/reviews's answer: `items`, review.add's items for every stored entry's deviations
   * (only the protocol's fields: send them as they are, at most 500 a command); `reviews`, the same
   * in the same order with each one's `key` and `decided` (null, or {outcome, note, by, at}), for
   * a page; `decided`, every review.decided stored, by key (one the console decided on a call
   * that is not among the entries too); `left_out`, deviations the protocol would refuse.
   */
  function reviewsView() {
    const { items, keys, leftOut } = reviewsFrom(entries());
    const decided = decisions();
    return {
      items,
      reviews: items.map((item, i) => {
        const d = decided[keys[i]];
        return { key: keys[i], ...item, decided: d ? { outcome: d.outcome, note: d.note, by: d.by, at: d.at } : null };
      }),
      decided,
      left_out: leftOut,
    };
  }

  /** What GET /crm/state adds about incidents. */
  function state() {
    const list = [...events.values()];
    const reviews = reviewsView();
    const all = [...incidents.values()];
    return {
      incidents: {
        total: all.length,
        open: all.filter((i) => i.state === 'open').length,
        closed: all.filter((i) => i.state === 'closed').length,
      },
      incidentEvents: {
        stored: list.length,
        received: list.reduce((n, e) => n + e.received, 0),
        duplicates: list.reduce((n, e) => n + e.received - 1, 0),
        byKey: Object.fromEntries(list.map((e) => [e.key, e.received])),
      },
      feed: { epoch: feed.epoch, items: feed.items.length, last: feed.items.at(-1)?.cursor ?? 0 },
      reviews: { items: reviews.items.length, decided: Object.keys(reviews.decided).length, leftOut: reviews.left_out.length },
      late: all.map(lateView),
      units: [...units.values()].map(unitView),
      desk: { dataFile, pack: pack?.file ?? null, unitDelayMs, unitSeed, draws, saveError },
    };
  }

  // ---- Routes ---------------------------------------------------------------------------------

  function handles(rest) {
    return rest === 'incidents' || rest === 'incidents/events' || rest === 'incidents/feed' || rest === 'history' || rest === 'reviews';
  }

  function reading(req, res) {
    if (req.method === 'GET' || req.method === 'HEAD') return true;
    sendProblem(res, 'method-not-allowed', 'GET this', { allow: 'GET, HEAD' });
    return false;
  }

  async function eventsRoute(req, res) {
    if (req.method !== 'POST') return sendProblem(res, 'method-not-allowed', 'POST an incident event {type, payload}', { allow: 'POST' });
    // JSON only: a plain cross-site form cannot send it without a preflight, which is refused.
    if (mediaType(req.headers['content-type']) !== 'application/json') {
      return sendProblem(res, 'unsupported-media-type', 'send the event as application/json');
    }
    const body = await readBody(req, MAX_EVENT_BYTES);
    if (body.tooLarge) return sendProblem(res, 'too-large', `an event may be at most ${MAX_EVENT_BYTES} bytes`, body.cut ? { connection: 'close' } : {});
    let parsed;
    try {
      parsed = JSON.parse(body.bytes.toString('utf8'));
    } catch {
      return sendProblem(res, 'not-json', 'the body could not be parsed as JSON');
    }
    const problems = eventProblems(parsed);
    if (problems.length) return sendProblem(res, 'bad-event', problems.join('; '), {}, { problems });
    const { type, payload } = parsed;
    const known = events.get(payload.key);
    if (known) {
      known.received += 1;
      save();
      return sendJson(res, 200, { stored: false, duplicate: true, key: payload.key, received: known.received });
    }
    events.set(payload.key, { key: payload.key, type, payload, at: new Date(now()).toISOString(), received: 1 });
    // A decision on a deviation is kept (GET /crm/reviews), and touches no incident.
    if (INCIDENT_EVENT_TYPES.includes(type)) applyEvent(type, payload);
    save();
    sendJson(res, 201, { stored: true, key: payload.key });
  }

  function feedRoute(req, res, url) {
    if (!reading(req, res)) return;
    const raw = url.searchParams.get('after') ?? '0';
    if (!/^[0-9]{1,15}$/.test(raw)) return sendProblem(res, 'bad-query', 'after must be a cursor (a whole number, 0 for the start)');
    const after = Number(raw);
    const items = feed.items.filter((i) => i.cursor > after);
    const page = items.slice(0, FEED_PAGE).map((i) => ({ ...i, open: incidents.get(i.payload.reference)?.state === 'open' }));
    sendJson(res, 200, {
      items: page,
      next: page.at(-1)?.cursor ?? after,
      last: feed.items.at(-1)?.cursor ?? 0,
      more: items.length > page.length,
      epoch: feed.epoch,
      entries: [...entries()].length,
    });
  }

  async function route(req, res, url, rest) {
    // The incidents are for pages on the CRM's own origin: no CORS, and a foreign Origin is refused.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${req.headers.host}`) {
      return sendProblem(res, 'origin-not-allowed', 'the incident routes answer pages on this origin only');
    }
    if (rest === 'incidents/events') return eventsRoute(req, res);
    if (rest === 'incidents/feed') return feedRoute(req, res, url);
    if (!reading(req, res)) return;
    if (rest === 'history') return sendJson(res, 200, { calls: historyFrom(entries(), now()) });
    if (rest === 'reviews') return sendJson(res, 200, reviewsView());
    return sendJson(res, 200, view({ open: url.searchParams.get('open') === '1' }));
  }

  /** Forgets every incident, event, feed item and unit (a new feed epoch) and removes the data file. */
  function reset() {
    clear();
    if (dataFile) {
      try {
        unlinkSync(dataFile);
      } catch (error) {
        if (error.code !== 'ENOENT') throw error;
      }
    }
  }

  /** Stops the units' timers (they are unref'd: a process may also just end). */
  function close() {
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  }

  return { loaded, entryStored, save, reset, close, handles, route, view, reviews: reviewsView, state };
}
