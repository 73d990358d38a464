// The supervisor's console under load (issue 17), a benchmark, not a test: a board of 200 open
// incidents with 1,000 deployments (council pack; tasked, acknowledged, en route and on scene in
// a mix, many clocks overdue), kept in IndexedDB as the console keeps it, and the console's
// one-second tick measured: from the interval's callback to just after the next frame
// (requestAnimationFrame, then a message-channel task: the re-render, style, layout and paint of
// the countdowns and alerts included), at 1x and 4x CPU throttling in headless Chromium. Printed
// beside two baselines from the same run: the same page with an empty board (the tick's fixed
// cost), and a plain-JS page that rewrites as many countdown texts (200 x 6) per tick.
// Goal (issue 17): within one frame (16 ms) at 1x. Figures, not pass/fail.
//
//   node bench/console.mjs [dist]     (dist defaults to bench/out/dist, else dist)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/support/chromium.mjs';
import { serveDist } from '../tests/support/serve-dist.mjs';
import { percentile } from './support.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.argv[2] ?? (existsSync(`${root}bench/out/dist/index.html`) ? 'bench/out/dist' : 'dist');
const INCIDENTS = 200;
const PER_INCIDENT = 5;
const TICKS = 20;
const RATES = [1, 4];

// Times every one-second interval's callback to just after the next frame.
const TICK_PROBE = `
  window.__idkTicks = [];
  const setIntervalBefore = window.setInterval;
  window.setInterval = function (callback, ms, ...rest) {
    if (ms !== 1000) return setIntervalBefore.call(window, callback, ms, ...rest);
    return setIntervalBefore.call(window, function () {
      const start = performance.now();
      callback.apply(this, arguments);
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => window.__idkTicks.push(performance.now() - start);
        channel.port2.postMessage(0);
      });
    }, ms, ...rest);
  };
`;

/** A deterministic board: `count` open incidents, each with `perIncident` deployments. */
function board(count, perIncident, now) {
  const units = ['hw-1', 'hw-2', 'hw-3', 'hw-4', 'hw-5', 'bc-1', 'eho-1', 'eho-2', 'tree-1', 'sec-1'];
  const codes = [['HW-FLD-01', 'P2'], ['HW-RTC-01', 'P1'], ['HW-COL-01', 'P1'], ['EH-NSE-01', 'P3']];
  const minute = 60_000;
  const incidents = [];
  for (let i = 0; i < count; i += 1) {
    const [code, priority] = codes[i % codes.length];
    const opened = now - ((i * 7) % 180) * minute;
    const deployments = [];
    for (let d = 0; d < perIncident; d += 1) {
      const unit = units[(i + d) % units.length];
      const tasked = opened + (d + 1) * minute;
      const stage = (i + d) % 4;
      deployments.push({
        number: d + 1,
        unit,
        call_sign: unit.toUpperCase(),
        deployed_at: tasked,
        tasked: { at: tasked, channel: 'radio', message: 'Go' },
        ...(stage >= 1 ? { acknowledged_at: tasked + 2 * minute } : {}),
        ...(stage >= 2 ? { en_route_at: tasked + 3 * minute } : {}),
        ...(stage >= 3 ? { on_scene_at: tasked + 20 * minute } : {}),
      });
    }
    const reference = `INC-${String(i + 1).padStart(4, '0')}`;
    incidents.push({
      reference,
      code,
      priority,
      location: `${i + 1} High Street`,
      summary: 'Benchmark incident',
      opened_at: opened,
      calls: [],
      deployments,
      timeline: [{ at: opened, by: 'bench', what: 'Opened by the supervisor' }],
    });
  }
  return { incidents };
}

async function ticksOf(page, rate) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await page.evaluate(() => (window.__idkTicks = []));
  await page.waitForFunction((n) => window.__idkTicks.length >= n, TICKS, { timeout: 120_000 });
  const ticks = await page.evaluate(() => window.__idkTicks.slice());
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  return ticks;
}

async function consoleTicks(browser, origin, incidents) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.addInitScript(TICK_PROBE);
  await page.goto(`${origin}/console.html`);
  await page.waitForFunction(() => document.documentElement.getAttribute('data-incident-desk') === 'ready');
  const json = JSON.stringify(board(incidents, PER_INCIDENT, Date.now()));
  await page.evaluate(
    (value) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('incident-desk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('kv', 'readwrite');
          tx.objectStore('kv').put(value, 'console:board');
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    json,
  );
  await page.reload();
  await page.waitForFunction(() => document.documentElement.getAttribute('data-incident-desk') === 'ready');
  if (incidents > 0) await page.getByRole('button', { name: /^INC-0200/ }).waitFor({ timeout: 60_000 });
  const alerts = await page.locator('.idk-alert').count();
  const result = {};
  for (const rate of RATES) result[rate] = await ticksOf(page, rate);
  await context.close();
  return { result, alerts };
}

async function plainTicks(browser) {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  await page.setContent('<!DOCTYPE html><ul id="rows"></ul>');
  await page.evaluate(TICK_PROBE);
  await page.evaluate((cells) => {
    const rows = document.getElementById('rows');
    const spans = [];
    for (let i = 0; i < cells; i += 1) {
      const li = document.createElement('li');
      const span = document.createElement('span');
      li.append(`Clock ${i}: `, span);
      rows.append(li);
      spans.push(span);
    }
    let n = 0;
    window.setInterval(() => {
      n += 1;
      for (let i = 0; i < spans.length; i += 1) spans[i].textContent = `in ${(i * 7 + n) % 60}:${String(n % 60).padStart(2, '0')}`;
    }, 1000);
  }, INCIDENTS * 6);
  const result = {};
  for (const rate of RATES) result[rate] = await ticksOf(page, rate);
  await context.close();
  return result;
}

const fmt = (v) => v.toFixed(1).padStart(7);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const { origin, stop } = await serveDist(dist, { first: 4950, span: 250 });
try {
  console.log(
    `console: a one-second tick to the next frame, ${INCIDENTS} open incidents x ${PER_INCIDENT} deployments, ${TICKS} ticks per rate (${dist})`,
  );
  const loaded = await consoleTicks(browser, origin, INCIDENTS);
  const empty = await consoleTicks(browser, origin, 0);
  const plain = await plainTicks(browser);
  console.log(`  ${loaded.alerts} alerts shown on the loaded board`);
  console.log(`  ${'page'.padEnd(44)} ${'CPU'.padStart(4)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}  (ms)`);
  for (const rate of RATES) {
    for (const [name, ticks] of [
      [`console, ${INCIDENTS} incidents, ${INCIDENTS * PER_INCIDENT} deployments`, loaded.result[rate]],
      ['baseline: console, empty board', empty.result[rate]],
      [`baseline: plain JS, ${INCIDENTS * 6} texts rewritten`, plain[rate]],
    ]) {
      console.log(
        `  ${name.padEnd(44)} ${`${rate}x`.padStart(4)} ${fmt(percentile(ticks, 50))} ${fmt(percentile(ticks, 95))} ${fmt(Math.max(...ticks))}`,
      );
    }
  }
  console.log('  goal (issue 17): the tick within one frame (16 ms) at 1x');
} finally {
  await browser.close();
  stop();
}
