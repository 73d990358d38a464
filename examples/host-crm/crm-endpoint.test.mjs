// The test CRM endpoint, over real HTTP on loopback: `node --test examples/host-crm/`.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, createServer, request as httpRequest } from 'node:http';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import {
  ENTRY_FORMAT,
  MAX_ENTRY_BYTES,
  createCrmHandler,
  isLoopbackAddress,
  isLoopbackHost,
  mulberry32,
  parseIdempotencyKey,
} from './crm-endpoint.mjs';
import { startServer } from '../../tests/support/static-server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ALLOWED = 'https://crm.example.org';

/** A fresh version 4 UUID from Node's crypto. */
const newKey = () => crypto.randomUUID();

/** A minimal log entry (the endpoint checks only the format). */
const entryBody = (n = 1) => ({ format: ENTRY_FORMAT, handler: 'agent-1', fields: { location: `${n} Mill Lane` } });

/** An HTTP server with only the CRM handler: anything it leaves is answered 404 "fell through". */
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
  return { crm, server, base, close: () => new Promise((r) => server.close(r).closeAllConnections()) };
}

/** POSTs an entry with fetch; `key: null` leaves the header out. */
function post(base, { key = newKey(), body = entryBody(), type = 'application/json', headers = {} } = {}) {
  return fetch(`${base}/crm/entries`, {
    method: 'POST',
    headers: { ...(type ? { 'content-type': type } : {}), ...(key !== null ? { 'idempotency-key': key } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A raw request (fetch cannot set Host or Origin freely): resolves { status, headers, body }. */
function raw(base, { method = 'GET', path: p = '/crm/state', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${base}${p}`, { method, headers, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const control = (base, settings) =>
  fetch(`${base}/crm/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(settings) });

const state = async (base) => (await fetch(`${base}/crm/state`)).json();

describe('POST /crm/entries', () => {
  let crm;
  before(async () => (crm = await startCrm()));
  after(() => crm.close());
  beforeEach(async () => assert.equal((await control(crm.base, { reset: true })).status, 200));

  test('a new entry is stored: 201 {stored: true, key}, and listed in the state', async () => {
    const key = newKey();
    const res = await post(crm.base, { key, body: entryBody(7) });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.deepEqual(await res.json(), { stored: true, key });
    const s = await state(crm.base);
    assert.deepEqual(
      s.entries.map(({ key, body }) => ({ key, body })),
      [{ key, body: entryBody(7) }],
    );
    assert.equal(s.requests, 1);
    assert.deepEqual(s.outcomes, { stored: 1 });
    assert.equal(s.log[0].key, key);
    assert.equal(s.log[0].status, 201);
  });

  test('the same key and body again: 200 duplicate, not stored twice (key order does not matter)', async () => {
    const key = newKey();
    assert.equal((await post(crm.base, { key, body: { format: ENTRY_FORMAT, a: 1, b: [1, { c: 2, d: 3 }] } })).status, 201);
    const again = await post(crm.base, { key, body: { b: [1, { d: 3, c: 2 }], a: 1, format: ENTRY_FORMAT } });
    assert.equal(again.status, 200);
    assert.deepEqual(await again.json(), { stored: false, duplicate: true, key });
    const third = await post(crm.base, { key, body: { format: ENTRY_FORMAT, a: 1, b: [1, { c: 2, d: 3 }] } });
    assert.equal(third.status, 200);
    const s = await state(crm.base);
    assert.equal(s.entries.length, 1);
    assert.equal(s.duplicatesRefused, 2);
    assert.deepEqual(s.outcomes, { stored: 1, duplicate: 2 });
  });

  test('the same key with a different body: 422 key-reused, and the first body kept', async () => {
    const key = newKey();
    await post(crm.base, { key, body: entryBody(1) });
    const res = await post(crm.base, { key, body: entryBody(2) });
    assert.equal(res.status, 422);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const problem = await res.json();
    assert.equal(problem.type, '/crm/problems/key-reused');
    assert.equal(problem.status, 422);
    const s = await state(crm.base);
    assert.deepEqual(s.entries.map((e) => e.body), [entryBody(1)]);
    assert.equal(s.duplicatesRefused, 0);
  });

  test('distinct keys are distinct entries, in arrival order', async () => {
    const keys = [newKey(), newKey(), newKey()];
    for (const [i, key] of keys.entries()) assert.equal((await post(crm.base, { key, body: entryBody(i) })).status, 201);
    assert.deepEqual((await state(crm.base)).entries.map((e) => e.key), keys);
  });

  for (const [name, key] of [
    ['missing', null],
    ['not a UUID', 'call-42'],
    ['a UUID of version 1, not 4', 'c232ab00-9414-11ec-b3c8-9f6bdeced846'],
    ['a UUID v4 with the wrong variant', '3f2c1a9e-5b7d-4e8f-ca0b-1c2d3e4f5a6b'],
    ['two keys', `${'3f2c1a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b'}, ${'4f2c1a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b'}`],
  ]) {
    test(`Idempotency-Key ${name}: 400 problem, nothing stored`, async () => {
      const res = await post(crm.base, { key });
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('content-type'), 'application/problem+json');
      const problem = await res.json();
      assert.equal(problem.type, '/crm/problems/bad-idempotency-key');
      assert.equal(problem.status, 400);
      assert.deepEqual((await state(crm.base)).entries, []);
    });
  }

  test('a quoted (structured-field) or upper-case key is the same key, kept lower case', async () => {
    const key = newKey();
    assert.equal((await post(crm.base, { key: `"${key.toUpperCase()}"` })).status, 201);
    assert.equal((await post(crm.base, { key })).status, 200);
    assert.deepEqual((await state(crm.base)).entries.map((e) => e.key), [key]);
  });

  for (const [name, type] of [
    ['missing', null],
    ['text/plain', 'text/plain'],
    ['a form', 'application/x-www-form-urlencoded'],
    ['application/jsonp', 'application/jsonp'],
  ]) {
    test(`Content-Type ${name}: 415, nothing stored`, async () => {
      const res = await post(crm.base, { type });
      assert.equal(res.status, 415);
      assert.equal((await res.json()).type, '/crm/problems/unsupported-media-type');
      assert.deepEqual((await state(crm.base)).entries, []);
    });
  }

  test('Content-Type application/json with a charset is accepted', async () => {
    assert.equal((await post(crm.base, { type: 'Application/JSON; charset=utf-8' })).status, 201);
  });

  test('a body of exactly 1 MB is stored; one byte more is 413', async () => {
    const text = JSON.stringify(entryBody());
    const exact = text + ' '.repeat(MAX_ENTRY_BYTES - Buffer.byteLength(text));
    assert.equal(Buffer.byteLength(exact), 1024 * 1024);
    assert.equal((await post(crm.base, { body: exact })).status, 201);
    const key = newKey();
    const res = await post(crm.base, { key, body: exact + ' ' });
    assert.equal(res.status, 413);
    assert.equal((await res.json()).type, '/crm/problems/too-large');
    assert.ok(!(await state(crm.base)).entries.some((e) => e.key === key));
  });

  for (const [name, body, type] of [
    ['not JSON', '{"format": "incident-desk/log-entry@1"', 'not-json'],
    ['empty', '', 'not-json'],
    ['another format', JSON.stringify({ format: 'incident-desk/log-entry@2' }), 'wrong-format'],
    ['no format', JSON.stringify({ handler: 'a' }), 'wrong-format'],
    ['an array', JSON.stringify([{ format: ENTRY_FORMAT }]), 'wrong-format'],
    ['null', 'null', 'wrong-format'],
  ]) {
    test(`a body that is ${name}: 422 ${type} (a permanent rejection), nothing stored`, async () => {
      const res = await post(crm.base, { body });
      assert.equal(res.status, 422);
      assert.equal((await res.json()).type, `/crm/problems/${type}`);
      assert.deepEqual((await state(crm.base)).entries, []);
    });
  }

  test('other methods: 405 with Allow; unknown CRM routes: 404; other paths fall through', async () => {
    const get = await fetch(`${crm.base}/crm/entries`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST, OPTIONS');
    const unknown = await fetch(`${crm.base}/crm/nothing`);
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).type, '/crm/problems/not-found');
    const elsewhere = await fetch(`${crm.base}/crmx/entries`);
    assert.equal(await elsewhere.text(), 'fell through');
    assert.equal(await (await fetch(`${crm.base}/index.html`)).text(), 'fell through');
  });
});

describe('faults', () => {
  let crm;
  before(async () => (crm = await startCrm()));
  after(() => crm.close());
  beforeEach(async () => assert.equal((await control(crm.base, { reset: true })).status, 200));

  test('failRate 1: 503 with Retry-After, nothing stored; the same key succeeds once faults stop', async () => {
    await control(crm.base, { failRate: 1 });
    const key = newKey();
    const res = await post(crm.base, { key });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal((await res.json()).type, '/crm/problems/unavailable');
    assert.deepEqual((await state(crm.base)).entries, []);
    await control(crm.base, { failRate: 0 });
    assert.equal((await post(crm.base, { key })).status, 201);
  });

  test('dropRate 1: the entry is stored, then the connection is cut without an answer', async () => {
    await control(crm.base, { dropRate: 1 });
    const key = newKey();
    await assert.rejects(post(crm.base, { key }), TypeError);
    let s = await state(crm.base);
    assert.deepEqual(s.entries.map((e) => e.key), [key]);
    assert.deepEqual(s.outcomes, { dropped: 1 });
    assert.equal(s.log[0].dropped, 'stored');
    assert.equal(s.log[0].status, null);
    // The client sends again with the same key: still dropped, still one entry.
    await assert.rejects(post(crm.base, { key }), TypeError);
    s = await state(crm.base);
    assert.equal(s.entries.length, 1);
    assert.equal(s.log[1].dropped, 'duplicate');
    assert.equal(s.duplicatesRefused, 1);
    // And once answers get through, it hears "duplicate".
    await control(crm.base, { dropRate: 0 });
    const res = await post(crm.base, { key });
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { stored: false, duplicate: true, key });
    assert.equal((await state(crm.base)).entries.length, 1);
  });

  test('offline: every connection is cut at once and nothing is stored; control still works', async () => {
    const res = await control(crm.base, { offline: true });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).config.offline, true);
    const key = newKey();
    await assert.rejects(post(crm.base, { key }), TypeError);
    await assert.rejects(raw(crm.base, { method: 'OPTIONS', path: '/crm/entries', headers: { origin: ALLOWED } }));
    let s = await state(crm.base);
    assert.deepEqual(s.entries, []);
    assert.deepEqual(s.outcomes, { offline: 2 });
    await control(crm.base, { offline: false });
    assert.equal((await post(crm.base, { key })).status, 201);
    s = await state(crm.base);
    assert.deepEqual(s.entries.map((e) => e.key), [key]);
  });

  test('going offline while a request waits (latency) cuts it, and it is not stored', async () => {
    await control(crm.base, { latencyMs: 400 });
    const key = newKey();
    const pending = post(crm.base, { key });
    await new Promise((r) => setTimeout(r, 100));
    await control(crm.base, { offline: true });
    await assert.rejects(pending, TypeError);
    const s = await state(crm.base);
    assert.deepEqual(s.entries, []);
    assert.deepEqual(s.outcomes, { offline: 1 });
  });

  test('latencyMs delays the answer', async () => {
    await control(crm.base, { latencyMs: 300 });
    const started = performance.now();
    assert.equal((await post(crm.base)).status, 201);
    assert.ok(performance.now() - started >= 290, 'answered before the latency');
  });

  /** Sends `n` entries one after another and returns each outcome as the client saw it. */
  async function run(n) {
    const seen = [];
    for (let i = 0; i < n; i++) {
      try {
        seen.push((await post(crm.base, { body: entryBody(i) })).status);
      } catch {
        seen.push('network error');
      }
    }
    return seen;
  }

  test('seeded faults are reproducible: the same seed gives the same failures and drops', async () => {
    const faults = { failRate: 0.3, dropRate: 0.1 };
    await control(crm.base, { reset: true, seed: 7, ...faults });
    const first = await run(120);
    const firstState = await state(crm.base);
    await control(crm.base, { reset: true, seed: 7, ...faults });
    const second = await run(120);
    assert.deepEqual(second, first);
    assert.deepEqual((await state(crm.base)).log.map((r) => r.outcome), firstState.log.map((r) => r.outcome));
    await control(crm.base, { reset: true, seed: 8, ...faults });
    assert.notDeepEqual(await run(120), first);
    // A reset alone goes back to the handler's own seed (1 here), so a run can be repeated.
    await control(crm.base, { reset: true });
    await control(crm.base, faults);
    const fromReset = await run(60);
    await control(crm.base, { reset: true });
    await control(crm.base, faults);
    assert.deepEqual(await run(60), fromReset);
    await control(crm.base, { reset: true, seed: 1, ...faults });
    assert.deepEqual(await run(60), fromReset);

    // And the rates are about what was asked for (fixed by the seed, so this cannot flake).
    const failed = first.filter((s) => s === 503).length;
    const dropped = first.filter((s) => s === 'network error').length;
    assert.ok(failed >= 24 && failed <= 48, `${failed} of 120 failed`);
    assert.ok(dropped >= 3 && dropped <= 18, `${dropped} of 120 dropped`);
    assert.equal(firstState.entries.length, 120 - failed, 'every request not failed was stored');
  });

  test('mulberry32: deterministic per seed, in [0, 1), spread evenly', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const xs = Array.from({ length: 10_000 }, () => a());
    assert.deepEqual(Array.from({ length: 10_000 }, () => b()), xs);
    assert.notDeepEqual(Array.from({ length: 10 }, () => c()), xs.slice(0, 10));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.02, `mean ${mean}`);
    const low = xs.filter((x) => x < 0.3).length / xs.length;
    assert.ok(Math.abs(low - 0.3) < 0.02, `${low} below 0.3`);
  });

  test('two requests for one key at the same moment are counted as an overlap', async () => {
    await control(crm.base, { latencyMs: 300 });
    const key = newKey();
    const [a, b] = await Promise.all([post(crm.base, { key }), post(crm.base, { key })]);
    assert.deepEqual([a.status, b.status].sort(), [200, 201]);
    const s = await state(crm.base);
    assert.equal(s.overlaps, 1);
    assert.deepEqual(s.log.map((r) => r.overlap), [true, true]);
    assert.equal(s.entries.length, 1);
  });

  test('the same key one request after another, or two keys at once, is no overlap', async () => {
    await control(crm.base, { latencyMs: 200 });
    const key = newKey();
    assert.equal((await post(crm.base, { key })).status, 201);
    assert.equal((await post(crm.base, { key })).status, 200);
    await Promise.all([post(crm.base), post(crm.base)]);
    const s = await state(crm.base);
    assert.equal(s.overlaps, 0);
    assert.ok(s.log.every((r) => r.overlap === false));
  });

  test('a request cut while it waits no longer counts as in progress', async () => {
    await control(crm.base, { latencyMs: 300, dropRate: 1 });
    const key = newKey();
    await assert.rejects(post(crm.base, { key }));
    await control(crm.base, { latencyMs: 0, dropRate: 0 });
    assert.equal((await post(crm.base, { key })).status, 200);
    assert.equal((await state(crm.base)).overlaps, 0);
  });
});

describe('connections', () => {
  test('every answer closes its connection, so a browser never resends a POST whose answer was dropped', async () => {
    const crm = await startCrm();
    try {
      const agent = new Agent({ keepAlive: true });
      const get = (p) =>
        new Promise((resolve, reject) => {
          httpRequest(`${crm.base}${p}`, { agent }, (res) => {
            res.resume();
            res.on('end', () => resolve(res));
          })
            .on('error', reject)
            .end();
        });
      const first = await get('/crm/state');
      assert.equal(first.headers.connection, 'close');
      await get('/crm/state');
      assert.equal((await state(crm.base)).requests, 0, 'state reads are not counted as requests');
      assert.equal((await post(crm.base)).headers.get('connection'), 'close');
      agent.destroy();
    } finally {
      await crm.close();
    }
  });

  test('with closeConnections: false, a request on a connection already used is marked reusedConnection', async () => {
    const crm = await startCrm({ closeConnections: false });
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const send = (p, method = 'GET', body) =>
        new Promise((resolve, reject) => {
          httpRequest(
            `${crm.base}${p}`,
            { agent, method, headers: body ? { 'content-type': 'application/json', 'idempotency-key': newKey() } : {} },
            (res) => {
              res.resume();
              res.on('end', () => resolve(res));
            },
          )
            .on('error', reject)
            .end(body);
        });
      const answer = await send('/crm/entries', 'POST', JSON.stringify(entryBody()));
      assert.equal(answer.headers.connection, 'keep-alive');
      await send('/crm/state');
      await send('/crm/entries', 'POST', JSON.stringify(entryBody()));
      assert.deepEqual((await state(crm.base)).log.map((r) => r.reusedConnection), [false, true]);
      agent.destroy();
    } finally {
      await crm.close();
    }
  });
});

describe('CORS', () => {
  let crm;
  before(async () => (crm = await startCrm({ allowedOrigins: [ALLOWED] })));
  after(() => crm.close());

  const preflight = (origin, { method = 'POST', headers = 'idempotency-key,content-type', extra = {} } = {}) =>
    raw(crm.base, {
      method: 'OPTIONS',
      path: '/crm/entries',
      headers: {
        ...(origin ? { origin } : {}),
        'access-control-request-method': method,
        'access-control-request-headers': headers,
        ...extra,
      },
    });

  test('a preflight from an allowed origin: 204 naming that origin (never *), POST and both headers', async () => {
    const res = await preflight(ALLOWED);
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], ALLOWED);
    assert.equal(res.headers['access-control-allow-methods'], 'POST');
    assert.equal(res.headers['access-control-allow-headers'], 'Idempotency-Key, Content-Type, Authorization');
    assert.match(res.headers.vary, /\bOrigin\b/);
    assert.equal(res.headers['access-control-allow-credentials'], undefined);
    assert.equal(res.headers['access-control-allow-private-network'], undefined);
    const pna = await preflight(ALLOWED, { extra: { 'access-control-request-private-network': 'true' } });
    assert.equal(pna.headers['access-control-allow-private-network'], 'true');
  });

  for (const [name, origin, options] of [
    ['another origin', 'https://evil.example.net', {}],
    ['the allowed host on another port', 'https://crm.example.org:8443', {}],
    ['the allowed host over http', 'http://crm.example.org', {}],
    ['an opaque origin', 'null', {}],
    ['no origin', null, {}],
    ['an allowed origin asking for another header', ALLOWED, { headers: 'idempotency-key,content-type,x-debug' }],
    ['an allowed origin asking for PUT', ALLOWED, { method: 'PUT' }],
  ]) {
    test(`a preflight from ${name} is refused: 403 without CORS headers`, async () => {
      const res = await preflight(origin, options);
      assert.equal(res.status, 403);
      assert.equal(res.headers['access-control-allow-origin'], undefined);
      assert.equal(res.headers['access-control-allow-headers'], undefined);
      assert.equal(JSON.parse(res.body).type, '/crm/problems/preflight-refused');
    });
  }

  test('a POST from an allowed origin is answered with its origin; from another origin, 403 and not stored', async () => {
    const key = newKey();
    const headers = { 'content-type': 'application/json', 'idempotency-key': key };
    const body = JSON.stringify(entryBody());
    const ok = await raw(crm.base, { method: 'POST', path: '/crm/entries', headers: { ...headers, origin: ALLOWED }, body });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers['access-control-allow-origin'], ALLOWED);
    assert.equal(ok.headers.vary, 'Origin');
    const other = newKey();
    const refused = await raw(crm.base, {
      method: 'POST',
      path: '/crm/entries',
      headers: { ...headers, 'idempotency-key': other, origin: 'https://evil.example.net' },
      body,
    });
    assert.equal(refused.status, 403);
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
    const keys = (await state(crm.base)).entries.map((e) => e.key);
    assert.ok(keys.includes(key) && !keys.includes(other));
  });

  test('a POST from the endpoint\'s own origin needs no CORS headers', async () => {
    const res = await raw(crm.base, {
      method: 'POST',
      path: '/crm/entries',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey(), origin: crm.base },
      body: JSON.stringify(entryBody()),
    });
    assert.equal(res.status, 201);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  test('the allow-list takes exact origins only: * or a URL with a path is refused', () => {
    assert.throws(() => createCrmHandler({ allowedOrigins: ['*'] }), /exact origins/);
    assert.throws(() => createCrmHandler({ allowedOrigins: ['https://crm.example.org/'] }), /exact origins/);
    assert.throws(() => createCrmHandler({ allowedOrigins: ['null'] }), /exact origins/);
  });
});

describe('loopback only, and control', () => {
  let crm;
  before(async () => (crm = await startCrm()));
  after(() => crm.close());

  test('addresses and Host names of this machine, and nothing else', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopbackAddress(a), true, a);
    for (const a of ['10.0.0.1', '192.168.1.5', '::ffff:10.0.0.1', '::', '0.0.0.0', 'fe80::1', '', undefined, '127.0.0.1.evil']) {
      assert.equal(isLoopbackAddress(a), false, String(a));
    }
    for (const h of ['127.0.0.1:4173', 'localhost', 'localhost:8080', 'desk.localhost:1', '[::1]:4173']) assert.equal(isLoopbackHost(h), true, h);
    for (const h of ['evil.example:4173', '127.0.0.1.nip.io', 'localhost.evil.example', '', undefined, '10.0.0.1']) {
      assert.equal(isLoopbackHost(h), false, String(h));
    }
  });

  test('a request from another machine is refused with 403 before anything else', async () => {
    const handler = createCrmHandler();
    const answered = new Promise((resolve) => {
      const res = {
        headersSent: false,
        destroyed: false,
        setHeader() {},
        writeHead(status, headers) {
          this.status = status;
          this.headers = headers;
          this.headersSent = true;
        },
        end(text) {
          resolve({ status: this.status, headers: this.headers, body: JSON.parse(text) });
        },
      };
      const req = { url: '/crm/state', method: 'GET', headers: { host: '127.0.0.1:4173' }, socket: { remoteAddress: '192.0.2.10' } };
      assert.equal(handler(req, res), true);
    });
    const res = await answered;
    assert.equal(res.status, 403);
    assert.equal(res.body.type, '/crm/problems/not-loopback');
  });

  test('a Host header that is not this machine (DNS rebinding) is refused with 403', async () => {
    const res = await raw(crm.base, { headers: { host: 'evil.example:4173' } });
    assert.equal(res.status, 403);
    assert.equal(JSON.parse(res.body).type, '/crm/problems/not-loopback-host');
    const post = await raw(crm.base, {
      method: 'POST',
      path: '/crm/entries',
      headers: { host: 'evil.example', 'content-type': 'application/json', 'idempotency-key': newKey() },
      body: JSON.stringify(entryBody()),
    });
    assert.equal(post.status, 403);
  });

  test('control: applies settings and answers them; reset restores the defaults and clears everything', async () => {
    await post(crm.base);
    const set = await control(crm.base, { failRate: 0.5, dropRate: 0.25, latencyMs: 10, seed: 99, offline: false });
    assert.equal(set.status, 200);
    assert.deepEqual((await set.json()).config, { failRate: 0.5, dropRate: 0.25, offline: false, latencyMs: 10, seed: 99, redirect: false, token: null, reject: false });
    assert.deepEqual((await state(crm.base)).config, { failRate: 0.5, dropRate: 0.25, offline: false, latencyMs: 10, seed: 99, redirect: false, token: null, reject: false });
    const reset = await control(crm.base, { reset: true });
    assert.deepEqual((await reset.json()).config, { failRate: 0, dropRate: 0, offline: false, latencyMs: 0, seed: 1, redirect: false, token: null, reject: false });
    const s = await state(crm.base);
    assert.deepEqual([s.entries, s.requests, s.outcomes, s.overlaps, s.duplicatesRefused, s.log], [[], 0, {}, 0, 0, []]);
  });

  for (const [name, settings, says] of [
    ['a misspelt field', { fail_rate: 0.3 }, /unknown field "fail_rate"/],
    ['a rate over 1', { failRate: 1.5 }, /failRate must be a number from 0 to 1/],
    ['a negative rate', { dropRate: -0.1 }, /dropRate must be/],
    ['offline as text', { offline: 'yes' }, /offline must be true or false/],
    ['a fractional latency', { latencyMs: 1.5 }, /latencyMs must be a whole number/],
    ['a negative seed', { seed: -1 }, /seed must be/],
    ['an array', [], /must be a JSON object/],
  ]) {
    test(`control refuses ${name}: 400 naming the problem, nothing changed`, async () => {
      await control(crm.base, { reset: true });
      // A good setting beside the bad one is not applied either.
      const res = await control(crm.base, Array.isArray(settings) ? settings : { latencyMs: 5, ...settings });
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.equal(body.type, '/crm/problems/bad-control');
      assert.match(body.problems.join('\n'), says);
      assert.equal((await state(crm.base)).config.latencyMs, 0);
    });
  }

  test('control takes JSON by POST only; state by GET only', async () => {
    const form = await fetch(`${crm.base}/crm/control`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"offline":true}' });
    assert.equal(form.status, 415);
    assert.equal((await state(crm.base)).config.offline, false);
    assert.equal((await fetch(`${crm.base}/crm/control`)).status, 405);
    assert.equal((await fetch(`${crm.base}/crm/state`, { method: 'POST' })).status, 405);
  });

  test('state?summary=1 leaves out the bodies and the request log', async () => {
    await control(crm.base, { reset: true });
    const key = newKey();
    await post(crm.base, { key });
    const s = await (await fetch(`${crm.base}/crm/state?summary=1`)).json();
    assert.deepEqual(Object.keys(s.entries[0]).sort(), ['at', 'key', 'route']);
    assert.equal(s.entries[0].key, key);
    assert.equal(s.log, undefined);
    assert.equal(s.requests, 1);
  });
});

describe('tests/support/static-server.mjs with the CRM', () => {
  test('startServer({crm}) serves the files and the CRM on one origin; without it /crm/ is a file path', async () => {
    const withCrm = await startServer({ port: 0, mounts: { '/': path.join(ROOT, 'demo') }, crm: { seed: 5 } });
    const without = await startServer({ port: 0, mounts: { '/': path.join(ROOT, 'demo') } });
    try {
      const a = `http://127.0.0.1:${withCrm.address().port}`;
      const b = `http://127.0.0.1:${without.address().port}`;
      const page = await fetch(`${a}/host.html`);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('connection'), 'close');
      assert.equal((await fetch(`${b}/host.html`)).headers.get('connection'), 'keep-alive');
      assert.equal((await state(a)).config.seed, 5);
      assert.equal((await post(a)).status, 201);
      assert.equal(withCrm.crm.state().entries.length, 1);
      assert.equal((await fetch(`${b}/host.html`)).status, 200);
      assert.equal((await fetch(`${b}/crm/state`)).status, 404);
    } finally {
      withCrm.closeAllConnections();
      without.closeAllConnections();
      withCrm.close();
      without.close();
    }
  });

  test('the command line: --crm with --crm-origin and --crm-seed', async () => {
    const child = spawn(
      process.execPath,
      ['tests/support/static-server.mjs', '--port', '0', '--mount', '/=demo', '--crm', '--crm-origin', ALLOWED, '--crm-seed', '9'],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      let out = '';
      for await (const chunk of child.stdout) {
        out += chunk;
        if (out.includes('/crm/entries')) break;
      }
      const base = out.match(/serving on (http:\/\/127\.0\.0\.1:\d+)\//)[1];
      assert.match(out, /test CRM endpoint on http:\/\/127\.0\.0\.1:\d+\/crm\/entries/);
      assert.equal((await state(base)).config.seed, 9);
      const pre = await raw(base, {
        method: 'OPTIONS',
        path: '/crm/entries',
        headers: { origin: ALLOWED, 'access-control-request-method': 'POST' },
      });
      assert.equal(pre.headers['access-control-allow-origin'], ALLOWED);
    } finally {
      child.kill();
    }
  });

  test('the command line refuses --crm-origin without --crm', async () => {
    const child = spawn(process.execPath, ['tests/support/static-server.mjs', '--port', '0', '--crm-origin', ALLOWED], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const [code] = await once(child, 'exit');
    assert.notEqual(code, 0);
    assert.match(err, /--crm-origin and --crm-seed need --crm/);
  });
});

test('parseIdempotencyKey', () => {
  const key = '3f2c1a9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
  assert.equal(parseIdempotencyKey(key), key);
  assert.equal(parseIdempotencyKey(`"${key}"`), key);
  assert.equal(parseIdempotencyKey(key.toUpperCase()), key);
  assert.equal(parseIdempotencyKey(`"${key}`), null);
  assert.equal(parseIdempotencyKey(` ${key}`), null);
  assert.equal(parseIdempotencyKey(undefined), null);
});

describe('sign-in faults (issue 12)', () => {
  let crm;
  before(async () => (crm = await startCrm()));
  after(() => crm.close());
  beforeEach(async () => assert.equal((await control(crm.base, { reset: true })).status, 200));

  test('redirect: every POST is sent to the login page (302), which answers 200 HTML; nothing is stored', async () => {
    await control(crm.base, { redirect: true });
    const res = await fetch(`${crm.base}/crm/entries`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json', 'idempotency-key': newKey() },
      body: JSON.stringify(entryBody()),
    });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/crm/login');
    const login = await fetch(`${crm.base}/crm/login`);
    assert.equal(login.status, 200);
    assert.match(await login.text(), /Sign in/);
    const s = await state(crm.base);
    assert.equal(s.entries.length, 0);
    assert.equal(s.outcomes.redirected, 1);
  });

  test('token: a POST without the current bearer token is 401 and stores nothing; with it, stored under its route', async () => {
    await control(crm.base, { token: 'abc.def' });
    const send = (token, route = 'entries') =>
      fetch(`${crm.base}/crm/${route}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': newKey(),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(entryBody()),
      });
    const none = await send(null);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.equal((await send('old')).status, 401);
    assert.equal((await send('abc.def', 'entries-b')).status, 201);
    const s = await state(crm.base);
    assert.deepEqual(s.entries.map((e) => e.route), ['entries-b']);
    assert.equal(s.outcomes.unauthorised, 2);
    assert.equal((await control(crm.base, { token: 'has space' })).status, 400);
  });
});
