// The test CRM's incidents (crm-incidents.mjs), over real HTTP on loopback: `node --test examples/host-crm/`.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { ENTRY_FORMAT, createCrmHandler } from './crm-endpoint.mjs';
import {
  DATA_FORMAT,
  DEFAULT_PACK,
  HISTORY_LIMIT,
  HISTORY_WINDOW_MS,
  callOf,
  deviationWhat,
  eventProblems,
  historyFrom,
  loadPack,
  openingFromEntry,
  place,
  reviewsFrom,
} from './crm-incidents.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const HOUR = 60 * 60 * 1000;

/** A log entry as the widget sends it (the fields the CRM reads, and a few more). */
function entry({
  code = 'HW-FLD-01',
  priority = 'P2',
  location = '12 Mill Lane, Northbridge',
  narrative = 'Water across both lanes under the railway bridge.\nA car has stopped in it.',
  callback = '07700 900123',
  handler = 'agent-1',
  callId = null,
  openedAt = new Date().toISOString(),
  vulnerability = null,
  safety = [],
  notify = [],
  decision = true,
  deviations = [],
  closedAt = openedAt,
} = {}) {
  const fields = { narrative };
  if (location !== null) fields.location = location;
  if (callback !== null) fields.callback_number = callback;
  if (vulnerability !== null) fields.vulnerability = vulnerability;
  return {
    format: ENTRY_FORMAT,
    pack: { id: 'northbridge-council', version: '1' },
    handler,
    handler_role: 'handler',
    opened_at: openedAt,
    closed_at: closedAt,
    crm: callId ? { call_id: callId, contact_ref: null } : null,
    decision: decision ? { code, title: code, priority, reason: 'tree outcome', overridden: false } : null,
    fields,
    events: safety.map(([question, yes], i) => ({
      at: openedAt,
      by: handler,
      revised: false,
      type: 'safety_net_answered',
      question,
      asked: `Question ${question}?`,
      yes,
      n: i,
    })),
    compliance: [],
    deviations,
    personal_fields: ['callback_number'],
    custom_fields: {},
    personal_custom_fields: [],
    stages: [],
    notify,
    routes: [],
    deadlines: [],
  };
}

/** An HTTP server with only the CRM handler (options as createCrmHandler's). */
async function startCrm(options = {}) {
  const crm = createCrmHandler(options);
  const server = createServer((req, res) => {
    if (crm(req, res)) return;
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('fell through');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    crm,
    base,
    close: () =>
      new Promise((r) => {
        crm.close();
        server.close(r).closeAllConnections();
      }),
  };
}

/** POSTs a log entry under a new (or the given) key: resolves the response. */
const postEntry = (base, body, key = crypto.randomUUID()) =>
  fetch(`${base}/crm/entries`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });

/** POSTs an incident event {type, payload}: resolves { status, body }. */
async function postEvent(base, type, payload, headers = {}) {
  const res = await fetch(`${base}/crm/incidents/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ type, payload }),
  });
  return { status: res.status, body: await res.json() };
}

const getJson = async (base, p) => {
  const res = await fetch(`${base}${p}`);
  assert.equal(res.status, 200, `GET ${p}`);
  return res.json();
};
const incidents = (base, q = '') => getJson(base, `/crm/incidents${q}`);
const feed = (base, after = 0) => getJson(base, `/crm/incidents/feed?after=${after}`);
const state = (base) => getJson(base, '/crm/state');
const control = (base, settings) =>
  fetch(`${base}/crm/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });

/** The console's events for one incident, numbered from `n` (keys `<reference>#<n>`). */
function consoleEvents(reference, by = 'crm-supervisor-1') {
  let n = 0;
  const change = (what) => ({ key: `${reference}#${++n}`, reference, at: 1_760_000_000_000 + n, by, what });
  return {
    opened: (fields = {}) => ({
      ...change('Opened by the host'),
      code: 'HW-FLD-01',
      priority: 'P2',
      location: '12 Mill Lane, Northbridge',
      zone: null,
      summary: '',
      vulnerable: false,
      ...fields,
    }),
    deployed: (deployment, unit, callSign) => ({
      ...change(`${callSign} deployed`),
      deployment,
      unit,
      stage: 'selected',
    }),
    tasked: (deployment, unit, callSign) => ({
      ...change(`${callSign} tasked by radio`),
      deployment,
      unit,
      call_sign: callSign,
      channel: 'radio',
      message: `${callSign}: attend ${reference}`,
    }),
    changed: (what, deployment = null, unit = null, stage = null) => ({ ...change(what), deployment, unit, stage }),
    closed: (outcome) => ({ ...change('Closed'), outcome }),
  };
}

/** Waits until `check()` resolves truthy (polling), or fails after `ms`. */
async function until(check, ms = 3000, what = 'the condition') {
  const end = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('incidents opened from entries', () => {
  let crm;
  before(async () => (crm = await startCrm({ unitDelayMs: 10 })));
  after(() => crm.close());
  beforeEach(async () => assert.equal((await control(crm.base, { reset: true })).status, 200));

  test('an entry whose code has a response plan opens CRM-INC-0001, sent on as incident.open', async () => {
    const key = crypto.randomUUID();
    const body = entry({ handler: 'agent-7' });
    assert.equal((await postEntry(crm.base, body, key)).status, 201);
    const { incidents: list, open, late } = await incidents(crm.base);
    assert.equal(list.length, 1);
    const incident = list[0];
    assert.equal(incident.reference, 'CRM-INC-0001');
    assert.equal(incident.state, 'open');
    assert.equal(incident.outcome, null);
    assert.equal(incident.source, 'entry');
    assert.deepEqual(incident.deployments, []);
    assert.deepEqual(incident.calls.map((c) => [c.reference, c.handler, c.entry]), [[key, 'agent-7', key]]);
    const payload = {
      reference: 'CRM-INC-0001',
      code: 'HW-FLD-01',
      priority: 'P2',
      location: '12 Mill Lane, Northbridge',
      summary: 'Water across both lanes under the railway bridge.',
      vulnerable: false,
      call: { reference: key, handler: 'agent-7' },
    };
    assert.deepEqual(open, [payload]);
    assert.deepEqual(late, [{ reference: 'CRM-INC-0001', position: 1, deployment: null, unit: null, call_sign: null, chased: false, acknowledged: false }]);
    const f = await feed(crm.base);
    assert.deepEqual(f.items.map(({ cursor, type, payload: p, open: o }) => ({ cursor, type, payload: p, open: o })), [
      { cursor: 1, type: 'incident.open', payload, open: true },
    ]);
    // The same entry again (its duplicate) opens nothing more.
    assert.equal((await postEntry(crm.base, body, key)).status, 200);
    assert.equal((await incidents(crm.base)).incidents.length, 1);
  });

  test('a code with no response plan and no one to notify opens none; nor does an entry with no decision', async () => {
    assert.equal((await postEntry(crm.base, entry({ code: 'HW-ABV-01', priority: 'P4' }))).status, 201);
    assert.equal((await postEntry(crm.base, entry({ decision: false }))).status, 201);
    assert.equal((await postEntry(crm.base, entry({ code: 'NO-SUCH-01' }))).status, 201);
    assert.deepEqual((await incidents(crm.base)).incidents, []);
    assert.deepEqual((await feed(crm.base)).items, []);
    // A code with no plan but organisations to notify (the pack's, or the entry's) opens one.
    assert.equal((await postEntry(crm.base, entry({ code: 'UT-GAS-01', priority: 'P1' }))).status, 201);
    assert.equal((await postEntry(crm.base, entry({ code: 'HW-ABV-01', notify: ['police'], location: '1 High St' }))).status, 201);
    const { open } = await incidents(crm.base);
    assert.deepEqual(open.map((o) => [o.reference, o.code, o.notify]), [
      ['CRM-INC-0001', 'UT-GAS-01', undefined],
      ['CRM-INC-0002', 'HW-ABV-01', ['police']],
    ]);
  });

  test('a second entry with the same code at the same place (case and spacing aside) links to the open incident', async () => {
    await postEntry(crm.base, entry({ callId: 'CALL-1', handler: 'agent-1' }));
    await postEntry(crm.base, entry({ callId: 'CALL-2', handler: 'agent-2', location: '  12 MILL   lane,\nnorthbridge ', vulnerability: 'Lives alone' }));
    let list = (await incidents(crm.base)).incidents;
    assert.equal(list.length, 1);
    assert.deepEqual(list[0].calls.map((c) => [c.reference, c.handler]), [['CALL-1', 'agent-1'], ['CALL-2', 'agent-2']]);
    assert.equal(list[0].vulnerable, true, 'what the new caller adds about danger is kept');
    assert.equal((await feed(crm.base)).items.length, 1, 'a link is not a new incident.open');
    // Another code at the same place is another incident; so is the same code once it is closed.
    await postEntry(crm.base, entry({ code: 'HW-OBS-01' }));
    assert.equal((await incidents(crm.base)).incidents.length, 2);
    const e = consoleEvents('CRM-INC-0001');
    assert.equal((await postEvent(crm.base, 'incident.opened', e.opened())).status, 201);
    assert.equal((await postEvent(crm.base, 'incident.closed', e.closed('Road made safe'))).status, 201);
    await postEntry(crm.base, entry({ callId: 'CALL-3' }));
    list = (await incidents(crm.base)).incidents;
    assert.deepEqual(list.map((i) => [i.reference, i.state]), [
      ['CRM-INC-0001', 'closed'],
      ['CRM-INC-0002', 'open'],
      ['CRM-INC-0003', 'open'],
    ]);
    assert.equal(list[0].outcome, 'Road made safe');
    // ?open=1: the open ones only.
    const open = await incidents(crm.base, '?open=1');
    assert.deepEqual(open.incidents.map((i) => i.reference), ['CRM-INC-0002', 'CRM-INC-0003']);
    assert.deepEqual(open.open.map((i) => i.reference), ['CRM-INC-0002', 'CRM-INC-0003']);
  });

  test('what the incident.open says: summary (first line, 200 characters), safety, vulnerable, call id, blank location', async () => {
    const long = 'x'.repeat(250);
    await postEntry(
      crm.base,
      entry({
        narrative: `  ${long}\nsecond line`,
        callId: 'CRM-CALL-77',
        safety: [
          ['sn-danger', true],
          ['sn-worse', true],
          ['sn-worse', false],
          ['sn-vulnerable', true],
        ],
      }),
    );
    await postEntry(crm.base, entry({ location: null, code: 'HW-OBS-01' }));
    await postEntry(crm.base, entry({ location: '   ', code: 'HW-OBS-01' }));
    const { open } = await incidents(crm.base);
    assert.equal(open[0].summary, `${'x'.repeat(199)}…`);
    assert.equal([...open[0].summary].length, 200);
    assert.deepEqual(open[0].safety, ['Someone in immediate danger, hurt or trapped'], 'the last answer counts; vulnerability is not a danger label');
    assert.equal(open[0].vulnerable, true);
    assert.deepEqual(open[0].call, { reference: 'CRM-CALL-77', handler: 'agent-1' });
    // The protocol needs a location: a blank one is said, and never links two calls.
    assert.deepEqual(open.slice(1).map((o) => o.location), ['Location not given', 'Location not given']);
  });
});

describe('POST /crm/incidents/events', () => {
  let crm;
  before(async () => (crm = await startCrm({ unitDelayMs: 10_000 })));
  after(() => crm.close());
  beforeEach(async () => assert.equal((await control(crm.base, { reset: true })).status, 200));

  test('a tasked event is stored once per key however often it is sent, and each copy counted', async () => {
    await postEntry(crm.base, entry());
    const e = consoleEvents('CRM-INC-0001');
    const opened = e.opened();
    const deployed = e.deployed(1, 'hw-1', 'HIGHWAYS 1');
    const tasked = e.tasked(1, 'hw-1', 'HIGHWAYS 1');
    for (const [type, p] of [['incident.opened', opened], ['incident.changed', deployed]]) {
      assert.deepEqual(await postEvent(crm.base, type, p), { status: 201, body: { stored: true, key: p.key } });
    }
    assert.deepEqual(await postEvent(crm.base, 'incident.tasked', tasked), { status: 201, body: { stored: true, key: 'CRM-INC-0001#3' } });
    for (let i = 2; i <= 5; i++) {
      assert.deepEqual(await postEvent(crm.base, 'incident.tasked', tasked), {
        status: 200,
        body: { stored: false, duplicate: true, key: 'CRM-INC-0001#3', received: i },
      });
    }
    // A resend with other contents is still the first copy's key: the first copy is kept.
    const changedCopy = { ...tasked, message: 'something else' };
    assert.equal((await postEvent(crm.base, 'incident.tasked', changedCopy)).status, 200);
    const s = await state(crm.base);
    assert.deepEqual(s.incidentEvents, {
      stored: 3,
      received: 8,
      duplicates: 5,
      byKey: { 'CRM-INC-0001#1': 1, 'CRM-INC-0001#2': 1, 'CRM-INC-0001#3': 6 },
    });
    assert.equal(s.units.length, 1, 'one unit under way, not six');
    const [incident] = (await incidents(crm.base)).incidents;
    assert.deepEqual(incident.deployments, [
      { deployment: 1, unit: 'hw-1', call_sign: 'HIGHWAYS 1', channel: 'radio', stage: 'tasked', late: true },
    ]);
    assert.deepEqual(incident.events.map((x) => [x.key, x.type, x.received]), [
      ['CRM-INC-0001#1', 'incident.opened', 1],
      ['CRM-INC-0001#2', 'incident.changed', 1],
      ['CRM-INC-0001#3', 'incident.tasked', 6],
    ]);
    assert.equal(incident.code, 'HW-FLD-01');
  });

  test('an incident opened in the console is kept too; closed gives it its outcome', async () => {
    const e = consoleEvents('INC-0004');
    await postEvent(crm.base, 'incident.opened', e.opened({ code: 'HW-COL-01', priority: 'P1', location: 'Station Road', zone: 'North' }));
    await postEvent(crm.base, 'incident.changed', e.changed('Note: cordon in place'));
    const closed = e.closed('Made safe');
    await postEvent(crm.base, 'incident.closed', closed);
    const [incident] = (await incidents(crm.base)).incidents;
    assert.deepEqual(
      { reference: incident.reference, source: incident.source, code: incident.code, zone: incident.zone, state: incident.state, outcome: incident.outcome },
      { reference: 'INC-0004', source: 'console', code: 'HW-COL-01', zone: 'North', state: 'closed', outcome: 'Made safe' },
    );
    assert.equal(incident.closed_at, closed.at);
    assert.deepEqual((await incidents(crm.base, '?open=1')).incidents, []);
  });

  test('what is refused: a bad type, key or field (422), not JSON (422), not JSON typed (415), GET (405), another origin (403)', async () => {
    const e = consoleEvents('CRM-INC-0001');
    const good = e.tasked(1, 'hw-1', 'HIGHWAYS 1');
    for (const [type, payload, fragment] of [
      ['incident.deleted', good, 'type must be one of'],
      ['incident.tasked', { ...good, key: 'CRM-INC-0001' }, 'payload.key'],
      ['incident.tasked', { ...good, key: 'CRM-INC-0002#1' }, 'must start with payload.reference'],
      ['incident.tasked', { ...good, key: 'CRM-INC-0001#0' }, 'payload.key'],
      ['incident.tasked', { ...good, deployment: 'one' }, 'payload.deployment'],
      ['incident.tasked', { ...good, at: -1 }, 'payload.at'],
      ['incident.changed', { ...good, stage: 'lost' }, 'payload.stage'],
      ['incident.closed', { ...good }, 'payload.outcome'],
      ['incident.opened', { ...good }, 'payload.code'],
    ]) {
      const { status, body } = await postEvent(crm.base, type, payload);
      assert.equal(status, 422, fragment);
      assert.equal(body.type, '/crm/problems/bad-event');
      assert.ok(body.problems.some((p) => p.includes(fragment)), `${fragment}: ${body.problems}`);
    }
    const post = (body, type = 'application/json', headers = {}) =>
      fetch(`${crm.base}/crm/incidents/events`, { method: 'POST', headers: { 'content-type': type, ...headers }, body });
    assert.equal((await post('{not json')).status, 422);
    assert.equal((await post(JSON.stringify({ type: 'incident.tasked', payload: good }), 'text/plain')).status, 415);
    assert.equal((await post(JSON.stringify({ type: 'incident.tasked', payload: good, extra: 1 }))).status, 422);
    assert.equal((await fetch(`${crm.base}/crm/incidents/events`)).status, 405);
    const foreign = await postEvent(crm.base, 'incident.tasked', good, { origin: 'https://crm.example.org' });
    assert.equal(foreign.status, 403);
    assert.equal((await fetch(`${crm.base}/crm/incidents`, { method: 'DELETE' })).status, 405);
    assert.equal((await state(crm.base)).incidentEvents.stored, 0);
    // The same origin is welcome.
    assert.equal((await postEvent(crm.base, 'incident.tasked', good, { origin: crm.base })).status, 201);
  });
});

describe('simulated units', () => {
  /** An incident of a code with three units in its plan (HW-COL-01), all three tasked. */
  async function threeTasked(options) {
    const crm = await startCrm({ unitDelayMs: 25, ...options });
    await postEntry(crm.base, entry({ code: 'HW-COL-01', priority: 'P1', location: 'Station Road' }));
    const e = consoleEvents('CRM-INC-0001');
    await postEvent(crm.base, 'incident.opened', e.opened({ code: 'HW-COL-01' }));
    const units = [
      [1, 'hw-1', 'HIGHWAYS 1'],
      [2, 'hw-2', 'HIGHWAYS 2'],
      [3, 'bc-1', 'BUILDING CONTROL 1'],
    ];
    for (const [n, unit, sign] of units) {
      await postEvent(crm.base, 'incident.changed', e.deployed(n, unit, sign));
      await postEvent(crm.base, 'incident.tasked', e.tasked(n, unit, sign));
    }
    return { crm, e, units };
  }

  const reports = async (base) =>
    (await feed(base)).items.filter((i) => i.type === 'incident.report').map((i) => [i.payload.unit, i.payload.report]);

  test('the units acknowledge (ETA 5–30), go en route and arrive; one, chosen on the seed, only once chased', async () => {
    const { crm, e } = await threeTasked({ unitSeed: 1 });
    try {
      const s = await state(crm.base);
      assert.equal(s.late.length, 1);
      const late = s.late[0];
      assert.equal(late.reference, 'CRM-INC-0001');
      assert.ok(late.position >= 1 && late.position <= 3);
      assert.equal(late.deployment, late.position, 'the late one is the position-th tasked');
      assert.deepEqual(s.units.filter((u) => u.late).map((u) => u.unit), [late.unit]);
      const others = s.units.filter((u) => !u.late).map((u) => u.unit);
      // Every unit but the late one: acknowledged, en route, on scene, in that order, and no more.
      await until(async () => (await reports(crm.base)).length === 6, 3000, 'six reports');
      await sleep(100);
      const got = await reports(crm.base);
      assert.equal(got.length, 6, 'no clearing, nothing from the late unit');
      for (const unit of others) {
        assert.deepEqual(got.filter(([u]) => u === unit).map(([, r]) => r), ['acknowledged', 'en_route', 'on_scene']);
      }
      const acks = (await feed(crm.base)).items.filter((i) => i.payload.report === 'acknowledged');
      for (const { payload } of acks) {
        assert.deepEqual(Object.keys(payload).sort(), ['eta_minutes', 'reference', 'report', 'unit']);
        assert.ok(Number.isInteger(payload.eta_minutes) && payload.eta_minutes >= 5 && payload.eta_minutes <= 30);
      }
      for (const i of (await feed(crm.base)).items.filter((x) => x.payload.report && x.payload.report !== 'acknowledged')) {
        assert.equal('eta_minutes' in i.payload, false);
      }
      // A chase of another unit changes nothing; the late unit's chase brings its acknowledgement.
      const other = s.units.find((u) => !u.late);
      await postEvent(crm.base, 'incident.changed', e.changed(`${other.call_sign} chased for an update`, other.deployment, other.unit, 'on_scene'));
      await sleep(80);
      assert.equal((await reports(crm.base)).length, 6);
      await postEvent(crm.base, 'incident.changed', e.changed(`${late.call_sign} chased for an acknowledgement`, late.deployment, late.unit, 'tasked'));
      await until(async () => (await reports(crm.base)).length === 9, 3000, 'the late unit');
      assert.deepEqual((await reports(crm.base)).filter(([u]) => u === late.unit).map(([, r]) => r), ['acknowledged', 'en_route', 'on_scene']);
      const after = (await state(crm.base)).late[0];
      assert.deepEqual({ chased: after.chased, acknowledged: after.acknowledged }, { chased: true, acknowledged: true });
      const lateUnit = (await state(crm.base)).units.find((u) => u.late);
      assert.deepEqual(lateUnit.reports.map((r) => r.report), ['acknowledged', 'en_route', 'on_scene']);
      assert.equal(lateUnit.chased.length, 1);
    } finally {
      await crm.close();
    }
  });

  test('the same seed picks the same late unit and the same ETAs; the seed decides', async () => {
    const picks = [];
    for (const seed of [7, 7, 1, 2, 3, 4, 5, 6]) {
      const crm = await startCrm({ unitDelayMs: 60_000, unitSeed: seed, pack: DEFAULT_PACK });
      try {
        await postEntry(crm.base, entry({ code: 'HW-COL-01', priority: 'P1', location: 'Station Road' }));
        const e = consoleEvents('CRM-INC-0001');
        for (const [n, unit, sign] of [[1, 'hw-1', 'HIGHWAYS 1'], [2, 'hw-2', 'HIGHWAYS 2'], [3, 'bc-1', 'BUILDING CONTROL 1']]) {
          await postEvent(crm.base, 'incident.tasked', e.tasked(n, unit, sign));
        }
        const s = await state(crm.base);
        picks.push({ seed, late: s.late[0].unit, etas: s.units.map((u) => u.eta_minutes).join(',') });
      } finally {
        await crm.close();
      }
    }
    assert.deepEqual(picks[0], { ...picks[1] });
    assert.ok(new Set(picks.map((p) => p.late)).size > 1, `some seed picks another unit: ${JSON.stringify(picks)}`);
  });

  test('a unit stood down or an incident closed reports no more; a stage the supervisor recorded is not reported again', async () => {
    const { crm, e, units } = await threeTasked({ unitSeed: 1, unitDelayMs: 300 });
    try {
      const s = await state(crm.base);
      const [a, b] = s.units.filter((u) => !u.late);
      // a: the supervisor records it en route before it says so; b: stood down.
      await postEvent(crm.base, 'incident.changed', e.changed(`${a.call_sign} en route`, a.deployment, a.unit, 'en_route'));
      await postEvent(crm.base, 'incident.changed', e.changed(`${b.call_sign} stood down: not needed`, b.deployment, b.unit, 'stood_down'));
      await until(async () => (await reports(crm.base)).some(([u, r]) => u === a.unit && r === 'on_scene'), 3000, 'on scene');
      const got = await reports(crm.base);
      assert.deepEqual(got.filter(([u]) => u === a.unit).map(([, r]) => r), ['on_scene']);
      assert.deepEqual(got.filter(([u]) => u === b.unit), []);
      const after = (await state(crm.base)).units;
      assert.deepEqual(after.find((u) => u.unit === a.unit).reports.map((r) => r.skipped ?? r.report), ['already en_route', 'already en_route', 'on_scene']);
      assert.equal(after.find((u) => u.unit === b.unit).stopped, 'stood_down');
      // Closed: the late unit, chased after, never answers.
      await postEvent(crm.base, 'incident.closed', e.closed('Made safe'));
      const late = after.find((u) => u.late);
      await postEvent(crm.base, 'incident.changed', e.changed(`${late.call_sign} chased for an acknowledgement`, late.deployment, late.unit, 'tasked'));
      await sleep(400);
      assert.deepEqual((await reports(crm.base)).filter(([u]) => u === late.unit), []);
      assert.equal((await state(crm.base)).units.find((u) => u.late).stopped, 'closed');
      assert.equal(units.length, 3);
    } finally {
      await crm.close();
    }
  });
});

describe('GET /crm/incidents/feed', () => {
  let crm;
  before(async () => (crm = await startCrm({ unitDelayMs: 60_000 })));
  after(() => crm.close());
  beforeEach(async () => assert.equal((await control(crm.base, { reset: true })).status, 200));

  test('the cursor: after=N gives what came after N, next to go on from, last, entries stored, and an epoch', async () => {
    const start = await feed(crm.base);
    assert.deepEqual({ ...start, epoch: null }, { items: [], next: 0, last: 0, more: false, epoch: null, entries: 0 });
    for (const location of ['1 A Road', '2 B Road', '3 C Road']) await postEntry(crm.base, entry({ location }));
    const all = await feed(crm.base);
    assert.deepEqual(all.items.map((i) => i.cursor), [1, 2, 3]);
    assert.deepEqual([all.next, all.last, all.entries, all.epoch], [3, 3, 3, start.epoch]);
    const rest = await feed(crm.base, 1);
    assert.deepEqual(rest.items.map((i) => i.payload.reference), ['CRM-INC-0002', 'CRM-INC-0003']);
    assert.equal(rest.next, 3);
    const none = await feed(crm.base, 3);
    assert.deepEqual([none.items, none.next], [[], 3]);
    for (const bad of ['-1', 'x', '1.5']) {
      const res = await fetch(`${crm.base}/crm/incidents/feed?after=${bad}`);
      assert.equal(res.status, 400);
      assert.equal((await res.json()).type, '/crm/problems/bad-query');
    }
    // A reset clears the feed and starts a new epoch, so a page can tell its cursor is stale.
    await control(crm.base, { reset: true });
    const fresh = await feed(crm.base, 3);
    assert.deepEqual([fresh.items, fresh.last, fresh.entries], [[], 0, 0]);
    assert.notEqual(fresh.epoch, start.epoch);
  });
});

describe('GET /crm/history', () => {
  test('the calls answered in the last 24 h, newest first, the fields exactly as the entries have them', async () => {
    const NOW = Date.parse('2026-03-10T12:00:00.000Z');
    const crm = await startCrm({ now: () => NOW, pack: false });
    try {
      const at = (ms) => new Date(NOW - ms).toISOString();
      await postEntry(crm.base, entry({ openedAt: at(HOUR), callback: '07700 900001', location: '1 Mill Lane' }));
      await postEntry(crm.base, entry({ openedAt: at(25 * HOUR), callback: '07700 900002' })); // too old
      await postEntry(crm.base, entry({ openedAt: at(60_000), callback: null, location: null }));
      await postEntry(crm.base, entry({ openedAt: at(23 * HOUR), callback: ' 01632\n960 123 ', location: '  Flat 2,\n3 High St ' }));
      await postEntry(crm.base, entry({ openedAt: new Date(NOW + HOUR).toISOString() })); // not yet
      await postEntry(crm.base, { format: ENTRY_FORMAT, handler: 'agent-1' }); // no answered time
      const res = await fetch(`${crm.base}/crm/history`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'application/json');
      assert.deepEqual(await res.json(), {
        calls: [
          { at: NOW - 60_000, callback: '', location: '' },
          { at: NOW - HOUR, callback: '07700 900001', location: '1 Mill Lane' },
          { at: NOW - 23 * HOUR, callback: ' 01632\n960 123 ', location: '  Flat 2,\n3 High St ' },
        ],
      });
      assert.equal((await fetch(`${crm.base}/crm/history`, { method: 'POST' })).status, 405);
      assert.deepEqual((await incidents(crm.base)).incidents, [], 'pack: false opens no incident');
    } finally {
      await crm.close();
    }
  });

  test('historyFrom: at most 1000, the newest; the protocol\'s lengths', () => {
    const now = Date.parse('2026-03-10T12:00:00.000Z');
    const entries = Array.from({ length: HISTORY_LIMIT + 5 }, (_, i) => ({
      body: { opened_at: new Date(now - i * 1000).toISOString(), fields: { callback_number: '0'.repeat(40), location: 'y'.repeat(1200) } },
    }));
    const calls = historyFrom(entries.reverse(), now);
    assert.equal(calls.length, 1000);
    assert.equal(calls[0].at, now);
    assert.equal(calls.at(-1).at, now - 999_000);
    assert.equal(calls[0].callback.length, 32);
    assert.equal(calls[0].location.length, 1000);
    assert.equal(historyFrom([{ body: { opened_at: new Date(now - HISTORY_WINDOW_MS).toISOString() } }], now).length, 1);
    assert.equal(historyFrom([{ body: { opened_at: new Date(now - HISTORY_WINDOW_MS - 1).toISOString() } }], now).length, 0);
  });
});

/** Deviations as a closed call's entry has them (schema/log-entry.schema.json EntryDeviation). */
const DEVIATIONS = [
  { key: 'advice:flood-no-drive', issue: { type: 'mandatory_advice_missing', detail: 'flood-no-drive' }, reason: 'The caller rang off first' },
  { key: 'checklist:ha-s150', issue: { type: 'checklist_not_done', detail: 'ha-s150' }, reason: null },
  { key: 'declined:duty-manager', issue: { type: 'escalation_declined', detail: { level: 'duty-manager', why: 'Handled locally' } }, reason: 'Handled locally' },
  { key: 'overridden', issue: { type: 'overridden', detail: { reason: 'Caller knows the road' } }, reason: 'Caller knows the road' },
  { key: 'tree_not_completed', issue: { type: 'tree_not_completed' }, reason: 'Line\nbroken' },
];

/** A review.decided payload, as the console sends it. */
const decision = (call, deviation, fields = {}) => ({
  key: `review:${call}#${deviation}`,
  call,
  handler: 'agent-1',
  deviation,
  outcome: 'coaching',
  note: 'Go over the flood advice',
  by: 'crm-supervisor-1',
  at: 1_760_000_100_000,
  ...fields,
});

const reviews = (base) => getJson(base, '/crm/reviews');

describe('GET /crm/reviews and review.decided', () => {
  let crm;
  before(async () => (crm = await startCrm({ unitDelayMs: 60_000 })));
  after(() => crm.close());
  beforeEach(async () => assert.equal((await control(crm.base, { reset: true })).status, 200));

  test("review.add's items for each stored entry's deviations, oldest closed first; none for an entry without", async () => {
    const early = '2025-10-09T08:00:00.000Z';
    const late = '2025-10-09T09:30:00.000Z';
    // The later call is stored first: the list goes by when each closed.
    await postEntry(crm.base, entry({ callId: 'CALL-2', handler: 'agent-2', code: 'HW-ABV-01', closedAt: late, deviations: [DEVIATIONS[3]] }));
    await postEntry(crm.base, entry({ callId: 'CALL-9', location: 'Elsewhere' })); // no deviations
    await postEntry(crm.base, entry({ callId: 'CALL-1', closedAt: early, deviations: DEVIATIONS }));
    const answer = await reviews(crm.base);
    const first = { call: 'CALL-1', handler: 'agent-1', code: 'HW-FLD-01', closed_at: Date.parse(early) };
    assert.deepEqual(answer.items, [
      { ...first, deviation: 'advice:flood-no-drive', what: 'must-say advice not given: flood-no-drive', reason: 'The caller rang off first' },
      { ...first, deviation: 'checklist:ha-s150', what: 'checklist not done: ha-s150', reason: 'No reason recorded' },
      { ...first, deviation: 'declined:duty-manager', what: 'escalation to duty-manager declined', reason: 'Handled locally' },
      { ...first, deviation: 'overridden', what: "the tree's code was overridden", reason: 'Caller knows the road' },
      { ...first, deviation: 'tree_not_completed', what: 'the decision tree was not completed', reason: 'Line\nbroken' },
      {
        call: 'CALL-2',
        handler: 'agent-2',
        code: 'HW-ABV-01',
        closed_at: Date.parse(late),
        deviation: 'overridden',
        what: "the tree's code was overridden",
        reason: 'Caller knows the road',
      },
    ]);
    assert.ok(!answer.items.some((i) => i.call === 'CALL-9'), 'an entry without deviations gives none');
    // Only the protocol's fields: a page sends the items as they are.
    const fields = ['call', 'handler', 'code', 'closed_at', 'deviation', 'what', 'reason'];
    for (const item of answer.items) assert.deepEqual(Object.keys(item).filter((k) => !fields.includes(k)), []);
    // The page's view: the same, with each one's key and decision (none yet).
    assert.deepEqual(
      answer.reviews.map(({ key, decided, ...item }) => [key, item, decided]),
      answer.items.map((item) => [`review:${item.call}#${item.deviation}`, item, null]),
    );
    assert.deepEqual(answer.decided, {});
    assert.deepEqual(answer.left_out, []);
    // The same entry sent again is a duplicate: no second copy of its deviations.
    const key = crypto.randomUUID();
    await postEntry(crm.base, entry({ closedAt: late, deviations: [DEVIATIONS[0]] }), key);
    await postEntry(crm.base, entry({ closedAt: late, deviations: [DEVIATIONS[0]] }), key);
    assert.equal((await reviews(crm.base)).items.filter((i) => i.call === key).length, 1);
    // An entry with no code leaves `code` out; GET only.
    await postEntry(crm.base, entry({ callId: 'CALL-3', decision: false, closedAt: late, deviations: [DEVIATIONS[4]] }));
    const noCode = (await reviews(crm.base)).items.find((i) => i.call === 'CALL-3');
    assert.equal('code' in noCode, false);
    const refused = await fetch(`${crm.base}/crm/reviews`, { method: 'POST' });
    assert.equal(refused.status, 405);
    await refused.body?.cancel();
  });

  test("a deviation's call is the call reference of the incident opened from the same entry", async () => {
    const withId = crypto.randomUUID();
    const withoutId = crypto.randomUUID();
    await postEntry(crm.base, entry({ callId: '  CALL-77 ', handler: ' agent-7 ', deviations: [DEVIATIONS[0]] }), withId);
    await postEntry(crm.base, entry({ location: 'Station Road', deviations: [DEVIATIONS[1]] }), withoutId);
    const list = (await incidents(crm.base)).incidents;
    assert.equal(list.length, 2);
    const { items } = await reviews(crm.base);
    assert.deepEqual(
      items.map((i) => ({ reference: i.call, handler: i.handler })),
      list.map((i) => i.call),
    );
    assert.deepEqual(list.map((i) => i.call), [
      { reference: 'CALL-77', handler: 'agent-7' },
      { reference: withoutId, handler: 'agent-1' },
    ]);
    const { open } = await incidents(crm.base, '?open=1');
    assert.deepEqual(open.map((p) => p.call.reference), items.map((i) => i.call));
  });

  test('review.decided is stored once per key, counted as the incident events are, and touches no incident', async () => {
    await postEntry(crm.base, entry({ callId: 'CALL-1', code: 'HW-ABV-01', deviations: DEVIATIONS.slice(0, 2) }));
    const d = decision('CALL-1', 'advice:flood-no-drive');
    assert.deepEqual(await postEvent(crm.base, 'review.decided', d), { status: 201, body: { stored: true, key: d.key } });
    for (let i = 2; i <= 3; i++) {
      assert.deepEqual(await postEvent(crm.base, 'review.decided', d), {
        status: 200,
        body: { stored: false, duplicate: true, key: d.key, received: i },
      });
    }
    // A copy that says otherwise is still the first copy's key: the first is kept.
    assert.equal((await postEvent(crm.base, 'review.decided', { ...d, outcome: 'signed_off', note: '' })).body.received, 4);
    // A decision on a call the CRM has no entry for (the console's own hand-over) is kept too.
    const other = decision('answered 1760000000000', 'overridden', { outcome: 'signed_off', note: '' });
    assert.equal((await postEvent(crm.base, 'review.decided', other)).status, 201);
    const s = await state(crm.base);
    assert.deepEqual(s.incidentEvents, { stored: 2, received: 5, duplicates: 3, byKey: { [d.key]: 4, [other.key]: 1 } });
    assert.deepEqual(s.incidents, { total: 0, open: 0, closed: 0 });
    assert.deepEqual(s.reviews, { items: 2, decided: 2, leftOut: 0 });
    assert.deepEqual((await incidents(crm.base)).incidents, []);
    const answer = await reviews(crm.base);
    assert.deepEqual(answer.decided, { [d.key]: d, [other.key]: other });
    assert.deepEqual(
      answer.reviews.map((r) => [r.deviation, r.decided]),
      [
        ['advice:flood-no-drive', { outcome: 'coaching', note: 'Go over the flood advice', by: 'crm-supervisor-1', at: 1_760_000_100_000 }],
        ['checklist:ha-s150', null],
      ],
    );
    // The items stay review.add's: no decision in them.
    assert.ok(answer.items.every((i) => !('decided' in i) && !('key' in i)));
  });

  test('a bad review.decided is refused 422, and nothing is stored', async () => {
    const good = decision('CALL-1', 'overridden');
    for (const [payload, fragment] of [
      [{ ...good, key: 'CALL-1#overridden' }, 'payload.key'],
      [{ ...good, key: 'review:CALL-2#overridden' }, 'payload.key'],
      [{ ...good, outcome: 'approved' }, 'payload.outcome'],
      [{ ...good, outcome: undefined }, 'payload.outcome'],
      [{ ...good, note: undefined }, 'payload.note'],
      [{ ...good, note: 7 }, 'payload.note'],
      [{ ...good, by: null }, 'payload.by'],
      [{ ...good, at: 1.5 }, 'payload.at'],
      [{ ...good, key: `review:${'x'.repeat(300)}` }, 'payload.key'],
    ]) {
      const { status, body } = await postEvent(crm.base, 'review.decided', payload);
      assert.equal(status, 422, fragment);
      assert.equal(body.type, '/crm/problems/bad-event');
      assert.ok(body.problems.some((p) => p.includes(fragment)), `${fragment}: ${body.problems}`);
    }
    // A decision is not an incident event, nor the other way round.
    assert.equal((await postEvent(crm.base, 'review.decided', consoleEvents('CRM-INC-0001').closed('Done'))).status, 422);
    assert.equal((await postEvent(crm.base, 'incident.closed', good)).status, 422);
    assert.equal((await state(crm.base)).incidentEvents.stored, 0);
    assert.deepEqual((await reviews(crm.base)).decided, {});
    assert.equal((await postEvent(crm.base, 'review.decided', good)).status, 201);
  });
});

describe('the data file', () => {
  let dir;
  before(() => (dir = mkdtempSync(path.join(tmpdir(), 'crm-data-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('everything survives a new handler on the same file: entries, incidents, events and counts, the feed, the units', async () => {
    const file = path.join(dir, 'nested', 'crm.json');
    const first = await startCrm({ dataFile: file, unitDelayMs: 60_000 });
    const key = crypto.randomUUID();
    const body = entry();
    const e = consoleEvents('CRM-INC-0001');
    const tasked = e.tasked(1, 'hw-1', 'HIGHWAYS 1');
    let before;
    try {
      assert.equal((await postEntry(first.base, body, key)).status, 201);
      await postEvent(first.base, 'incident.opened', e.opened());
      await postEvent(first.base, 'incident.tasked', tasked);
      await postEvent(first.base, 'incident.tasked', tasked);
      before = { incidents: await incidents(first.base), feed: await feed(first.base), state: await state(first.base) };
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      assert.equal(saved.format, DATA_FORMAT);
      assert.deepEqual(readdirSync(path.dirname(file)), ['crm.json'], 'no temporary file left');
    } finally {
      await first.close();
    }
    const second = await startCrm({ dataFile: file, unitDelayMs: 60_000 });
    try {
      const s = await state(second.base);
      assert.deepEqual(s.entries, before.state.entries);
      assert.deepEqual(s.incidentEvents, before.state.incidentEvents);
      assert.deepEqual(s.units, before.state.units);
      assert.deepEqual(s.late, before.state.late);
      assert.deepEqual(await incidents(second.base), before.incidents);
      assert.deepEqual(await feed(second.base), before.feed);
      // Still once per key: the entry and the event are duplicates now; the count goes on.
      assert.equal((await postEntry(second.base, body, key)).status, 200);
      assert.equal((await postEvent(second.base, 'incident.tasked', tasked)).body.received, 3);
      // The next incident's reference follows on.
      await postEntry(second.base, entry({ location: 'Elsewhere' }));
      assert.deepEqual((await incidents(second.base)).incidents.map((i) => i.reference), ['CRM-INC-0001', 'CRM-INC-0002']);
      // Reset removes the file.
      await control(second.base, { reset: true });
      assert.equal(existsSync(file), false);
    } finally {
      await second.close();
    }
  });

  test('the deviations and the decisions on them survive a restart on the same file', async () => {
    const file = path.join(dir, 'reviews.json');
    const d = decision('CALL-1', 'advice:flood-no-drive');
    let before;
    const first = await startCrm({ dataFile: file, unitDelayMs: 60_000 });
    try {
      await postEntry(first.base, entry({ callId: 'CALL-1', deviations: DEVIATIONS }));
      assert.equal((await postEvent(first.base, 'review.decided', d)).status, 201);
      assert.equal((await postEvent(first.base, 'review.decided', d)).status, 200);
      before = { reviews: await reviews(first.base), state: await state(first.base) };
      const saved = JSON.parse(readFileSync(file, 'utf8'));
      assert.deepEqual(saved.events.map((e) => [e.key, e.type, e.received]), [[d.key, 'review.decided', 2]]);
    } finally {
      await first.close();
    }
    const second = await startCrm({ dataFile: file, unitDelayMs: 60_000 });
    try {
      const after = await reviews(second.base);
      assert.deepEqual(after, before.reviews);
      assert.equal(after.items.length, DEVIATIONS.length);
      assert.equal(after.reviews[0].decided.outcome, 'coaching');
      assert.deepEqual((await state(second.base)).incidentEvents, before.state.incidentEvents);
      // Still once per key: the count goes on.
      assert.deepEqual((await postEvent(second.base, 'review.decided', d)).body, { stored: false, duplicate: true, key: d.key, received: 3 });
      const second2 = decision('CALL-1', 'overridden', { outcome: 'signed_off', note: '' });
      assert.equal((await postEvent(second.base, 'review.decided', second2)).status, 201);
    } finally {
      await second.close();
    }
    const third = await startCrm({ dataFile: file, unitDelayMs: 60_000 });
    try {
      assert.deepEqual(Object.keys((await reviews(third.base)).decided), [d.key, 'review:CALL-1#overridden']);
      assert.equal((await state(third.base)).incidentEvents.byKey[d.key], 3);
    } finally {
      await third.close();
    }
  });

  test('a unit on its way when the CRM stopped reports after the restart; the seed goes on where it was', async () => {
    const file = path.join(dir, 'units.json');
    const first = await startCrm({ dataFile: file, unitDelayMs: 150, unitSeed: 3 });
    await postEntry(first.base, entry({ code: 'HW-COL-01', priority: 'P1', location: 'Station Road' }));
    const e = consoleEvents('CRM-INC-0001');
    for (const [n, unit, sign] of [[1, 'hw-1', 'HIGHWAYS 1'], [2, 'hw-2', 'HIGHWAYS 2'], [3, 'bc-1', 'BUILDING CONTROL 1']]) {
      await postEvent(first.base, 'incident.tasked', e.tasked(n, unit, sign));
    }
    await first.close(); // before any acknowledgement
    const second = await startCrm({ dataFile: file, unitDelayMs: 150, unitSeed: 3 });
    try {
      await until(async () => (await feed(second.base)).items.filter((i) => i.payload.report === 'acknowledged').length === 2, 3000, 'two acknowledgements');
      // The next incident's draw is the one an unbroken run would have made.
      await postEntry(second.base, entry({ code: 'HW-COL-01', priority: 'P1', location: 'Other Road' }));
      const unbroken = await startCrm({ unitDelayMs: 60_000, unitSeed: 3 });
      try {
        await postEntry(unbroken.base, entry({ code: 'HW-COL-01', priority: 'P1', location: 'Station Road' }));
        for (const [n, unit, sign] of [[1, 'hw-1', 'HIGHWAYS 1'], [2, 'hw-2', 'HIGHWAYS 2'], [3, 'bc-1', 'BUILDING CONTROL 1']]) {
          await postEvent(unbroken.base, 'incident.tasked', e.tasked(n, unit, sign));
        }
        await postEntry(unbroken.base, entry({ code: 'HW-COL-01', priority: 'P1', location: 'Other Road' }));
        assert.deepEqual((await state(second.base)).late, (await state(unbroken.base)).late);
      } finally {
        await unbroken.close();
      }
    } finally {
      await second.close();
    }
  });

  test('a corrupt data file: a clear error naming it, the file kept aside as it was, nothing overwritten', async () => {
    const file = path.join(dir, 'corrupt.json');
    writeFileSync(file, '{"format": "incident-desk/test-crm-data@1", "entries": [');
    assert.throws(
      () => createCrmHandler({ dataFile: file }),
      (error) => {
        assert.equal(error.code, 'CRM_DATA_FILE');
        assert.ok(error.message.includes(file), error.message);
        assert.match(error.message, /not JSON/);
        assert.ok(error.message.includes(error.aside));
        assert.equal(readFileSync(error.aside, 'utf8'), '{"format": "incident-desk/test-crm-data@1", "entries": [');
        return true;
      },
    );
    assert.equal(existsSync(file), false);
    // Not this desk's JSON at all: the same.
    writeFileSync(file, JSON.stringify({ format: 'something-else', entries: [] }));
    assert.throws(() => createCrmHandler({ dataFile: file }), /"format" is not "incident-desk\/test-crm-data@1"/);
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('corrupt.json.corrupt-')).length, 2);
    // Started again, it begins empty and writes a good file.
    const crm = await startCrm({ dataFile: file });
    try {
      assert.deepEqual((await state(crm.base)).entries, []);
      await postEntry(crm.base, entry());
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).entries.length, 1);
    } finally {
      await crm.close();
    }
  });

  test('static-server.mjs --crm --crm-data FILE --crm-unit-seed N keeps the data there; the flags need --crm', async () => {
    const file = path.join(dir, 'cli.json');
    const args = ['tests/support/static-server.mjs', '--port', '0', '--mount', '/=demo', '--crm', '--crm-data', file, '--crm-unit-seed', '4', '--crm-unit-delay', '200'];
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      let out = '';
      for await (const chunk of child.stdout) {
        out += chunk;
        if (out.includes('test CRM data kept in')) break;
      }
      const base = out.match(/serving on (http:\/\/127\.0\.0\.1:\d+)\//)[1];
      assert.ok(out.includes(file), out);
      assert.equal((await postEntry(base, entry())).status, 201);
      const s = await state(base);
      assert.deepEqual([s.desk.dataFile, s.desk.unitSeed, s.desk.unitDelayMs], [file, 4, 200]);
      assert.equal(JSON.parse(readFileSync(file, 'utf8')).incidents[0].reference, 'CRM-INC-0001');
    } finally {
      child.kill();
    }
    const refused = spawn(process.execPath, ['tests/support/static-server.mjs', '--port', '0', '--crm-data', file], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    refused.stderr.on('data', (c) => (err += c));
    const [code] = await once(refused, 'exit');
    assert.notEqual(code, 0);
    assert.match(err, /--crm-data, --crm-pack, --crm-unit-delay and --crm-unit-seed need --crm/);
  });
});

test('pure helpers: place, openingFromEntry, callOf, deviationWhat, reviewsFrom, eventProblems', () => {
  assert.equal(place('  12 MILL\tLane \n'), '12 mill lane');
  assert.equal(place(undefined), '');
  const pack = loadPack(DEFAULT_PACK);
  assert.equal(openingFromEntry(pack, 'k', entry({ code: 'HW-ABV-01' })), null);
  const opening = openingFromEntry(pack, 'k', entry({ priority: '' }));
  assert.equal(opening.priority, 'P2', "the code's default priority when the entry has none");
  assert.deepEqual(opening.call, { reference: 'k', handler: 'agent-1' });
  assert.deepEqual(eventProblems([]), ['the body must be a JSON object {type, payload}']);
  assert.deepEqual(callOf('k', entry({ callId: 'CALL-5', handler: '' })), { reference: 'CALL-5', handler: 'unknown' });
  assert.deepEqual(opening.call, callOf('k', entry({ priority: '' })));
  assert.equal(deviationWhat({ type: 'escalation_declined', detail: { level: 'police', why: 'x' } }, 'declined:police'), 'escalation to police declined');
  assert.equal(deviationWhat(undefined, 'advice:x'), 'deviation from the procedure: advice:x');
  assert.equal(deviationWhat({ type: 'mandatory_advice_missing' }, 'advice:x'), 'must-say advice not given: x');
  // What the protocol would refuse is left out, and said; words are cleaned and cut to 1000.
  const records = [
    { key: 'e1', body: entry({ deviations: [{ key: 'bad\nkey', issue: { type: 'overridden' }, reason: 'r' }] }) },
    { key: 'e2', body: entry({ deviations: [{ key: 'overridden', issue: { type: 'overridden' }, reason: `\u202e${'y'.repeat(1200)}` }] }) },
    { key: 'e3', body: entry({ deviations: [{ key: 'overridden', issue: { type: 'overridden' }, reason: ' \u0007 ' }] }) },
  ];
  const { items, keys, leftOut } = reviewsFrom(records);
  assert.deepEqual(leftOut, [{ entry: 'e1', deviation: 'bad\nkey', why: 'its key is not 1 to 128 characters of text on one line' }]);
  assert.deepEqual(keys, ['review:e2#overridden', 'review:e3#overridden']);
  assert.equal(items[0].reason, 'y'.repeat(1000));
  assert.equal(items[1].reason, 'No reason recorded');
  assert.throws(() => loadPack(path.join(ROOT, 'no-such-pack.json')), /no-such-pack\.json/);
});
