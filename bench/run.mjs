// The benchmark: sizes of the release build, time to interactive in headless Chromium (1x and 4x CPU
// throttling) against a plain-JS baseline, and memory after load; with --large-pack, also how long
// the widget takes to parse and validate that pack in wasm (the `incident-desk:pack-parse`
// performance measure around parse_pack) and to become interactive with it, at 1x and 4x CPU,
// against the 15 ms goal, and the call screen's interactions (bench/interaction.mjs: code search
// core and keystroke to frame with the large pack, tree steps). Prints one table and, last, the same figures as one JSON line prefixed
// with `BENCH_JSON `.
//
//   node bench/run.mjs <dist-dir> [--runs N] [--large-pack FILE]
//
// scripts/bench builds the release widget into bench/out/dist, generates the large pack (and times
// it natively with pack-bench), and runs this. Uses Debian's Chromium
// (/usr/bin/chromium) through playwright-core; never downloads a browser. Loopback only.
import { cp, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHROMIUM } from '../tests/support/chromium.mjs';
import { QUERIES, measureInteraction } from './interaction.mjs';
import { QUICK_PACK_URL, measureShift } from './shift.mjs';
import { BUDGETS, findApps, gzip as gzipProgram } from './size.mjs';
import { PRECOMPRESS, brotli, machineFacts, precompressTree, withServerAndBrowser } from './support.mjs';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const SERVE_DIR = path.join(BENCH_DIR, 'out', 'serve');
const MARK = 'incident-desk:interactive';
const PACK_PARSE_MEASURE = 'incident-desk:pack-parse';
const LARGE_PACK_URL = '/large-pack.json';
const LARGE_PACK_PAGE = `/index.html?pack=${LARGE_PACK_URL}`;
const PARSE_GOAL_MS = 15; // parse + validate of the large pack, at 1x CPU
const READY_ATTRIBUTE = 'data-incident-desk';
// The call screen's budget (bench/size.mjs has every app's), 1 KB = 1000 bytes.
const BUDGET_GZIP_BYTES = BUDGETS['index.html'].gzipBytes;
const REFERENCE_NOTE = 'reference: Amazon Connect Streams ~190 KB gzip';
const THROTTLES = [1, 4];
// The shift needs the demo host's origin on the widget's host allow-list, which names port 8080.
const BENCH_PORT = 8080;
const SHIFT_CHECKPOINTS = [1, 5, 20, 50, 200]; // calls after which the heap is measured (the first call warms up once)
const QUICK_PACK = path.join(BENCH_DIR, '..', 'tests', 'fixtures', 'packs', 'good', 'quick-close.json');
const WAIT_MS = 60_000;
const PAGES = {
  widget: '/index.html',
  baseline: '/baseline.html',
};

class BenchError extends Error {}

// Set on SIGINT/SIGTERM: the loads then fail as the browser closes, which is not worth reporting.
let stopping = false;

function usage() {
  return (
    'usage: node bench/run.mjs <dist-dir> [--runs N] [--large-pack FILE]\n' +
    '  --runs N           cold loads per page and throttle (default 9)\n' +
    '  --large-pack FILE  also time parse + validate of this pack in the widget (scripts/bench generates it)'
  );
}

function parseArgs(argv) {
  let dist;
  let runs = 9;
  let largePack;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs' || arg.startsWith('--runs=')) {
      const value = arg === '--runs' ? argv[++i] : arg.slice('--runs='.length);
      if (!/^[1-9][0-9]*$/.test(value ?? '')) throw new BenchError(`--runs needs a positive whole number, got ${value ?? 'nothing'}\n${usage()}`);
      runs = Number(value);
    } else if (arg === '--large-pack' || arg.startsWith('--large-pack=')) {
      const value = arg === '--large-pack' ? argv[++i] : arg.slice('--large-pack='.length);
      if (!value) throw new BenchError(`--large-pack needs a file\n${usage()}`);
      largePack = path.resolve(value);
    } else if (arg === '--help' || arg === '-h') {
      console.log(usage());
      process.exit(0);
    } else if (arg.startsWith('-')) {
      throw new BenchError(`unknown option ${arg}\n${usage()}`);
    } else if (dist === undefined) {
      dist = arg;
    } else {
      throw new BenchError(`unexpected argument ${arg}\n${usage()}`);
    }
  }
  if (dist === undefined) throw new BenchError(`no dist directory given\n${usage()}`);
  return { dist: path.resolve(dist), runs, largePack };
}

// ---------------------------------------------------------------------------------------------
// Sizes


/**
 * The call screen's files: the wasm, glue, loader (boot.js) and stylesheet index.html loads (found
 * by bench/size.mjs, which measures every app's page; the dist holds one wasm per app). gzip -9 is
 * the gzip program's, as in size.mjs.
 */
async function measureSizes(dist) {
  const app = findApps(dist).find((a) => a.page === 'index.html');
  if (!app) throw new BenchError(`${path.join(dist, 'index.html')} loads no wasm: is it a release build?`);
  const boot = app.js.find((f) => path.basename(f) === 'boot.js');
  const glue = app.js.find((f) => f !== boot);
  const files = {};
  for (const [kind, file] of [['wasm', app.wasm[0]], ['js', glue], ['boot', boot], ['css', app.css[0]]]) {
    if (!file) throw new BenchError(`index.html in ${dist} loads no ${kind} file`);
    const bytes = await readFile(file);
    if (kind === 'wasm' && !WebAssembly.validate(bytes)) {
      throw new BenchError(
        `${file} is not valid WebAssembly (magic ${bytes.subarray(0, 4).toString('hex') || 'none'}). ` +
          'Two Trunk builds sharing target/ at once (trunk serve, scripts/test) can corrupt it: run again when the other build has finished.',
      );
    }
    files[kind] = { file: path.basename(file), raw: bytes.length, gzip: gzipProgram(bytes), brotli: brotli(bytes).length };
  }
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const entry of Object.values(files)) {
    for (const key of Object.keys(total)) total[key] += entry[key];
  }
  return { files, total };
}

// ---------------------------------------------------------------------------------------------
// The served copy: dist plus the baseline (and the large pack, as /large-pack.json), with .gz and
// .br beside every text and wasm file.

async function prepareServeDir(dist, largePack) {
  await rm(SERVE_DIR, { recursive: true, force: true });
  await mkdir(path.dirname(SERVE_DIR), { recursive: true });
  await cp(dist, SERVE_DIR, { recursive: true });
  for (const name of ['baseline.html', 'baseline.js']) {
    await cp(path.join(BENCH_DIR, name), path.join(SERVE_DIR, name));
  }
  const pack = path.join(SERVE_DIR, 'packs', 'council-out-of-hours.json');
  if (!(await stat(pack).catch(() => null))?.isFile()) {
    throw new BenchError(`the build has no ${path.relative(SERVE_DIR, pack)} (the default pack both pages load)`);
  }
  await cp(QUICK_PACK, path.join(SERVE_DIR, QUICK_PACK_URL.slice(1)));
  if (largePack) {
    if (!(await stat(largePack).catch(() => null))?.isFile()) {
      throw new BenchError(`no such file: ${largePack} (scripts/bench generates it with make-large-pack)`);
    }
    await cp(largePack, path.join(SERVE_DIR, LARGE_PACK_URL.slice(1)));
  }
  await precompressTree(SERVE_DIR);
}

/** The large pack's sizes as served: raw, and the precompressed copies beside it. */
async function largePackSizes(largePack) {
  const served = path.join(SERVE_DIR, LARGE_PACK_URL.slice(1));
  const size = async (file) => (await stat(file)).size;
  return {
    file: path.relative(process.cwd(), largePack) || largePack,
    raw: await size(served),
    gzip: await size(served + '.gz'),
    brotli: await size(served + '.br'),
  };
}


// ---------------------------------------------------------------------------------------------
// Loads in Chromium

// Runs before any page script: keeps the wasm memory Trunk's loader hands over when the app has
// started, so its size can be read once the page is interactive.
const INIT_SCRIPT = `
  window.addEventListener('TrunkApplicationStarted', (event) => {
    try {
      window.__benchWasmMemory = event.detail.wasm.memory;
    } catch (_) {}
  });
`;

/**
 * One cold load of `pagePath` in a fresh browser context (its own HTTP cache) at CPU throttling
 * `rate`. Waits until the page has settled (data-incident-desk is `ready` or `pack-error`, the
 * interactive mark set) and fails, with the page's alert text, unless it is `ready`. Returns the
 * interactive mark's startTime (ms after navigation start); with `memory`, the JS heap and wasm
 * memory sizes once interactive; with `packParse`, the duration of the widget's
 * `incident-desk:pack-parse` measure and what the browser fetched for `packParse` (a URL path).
 */
async function coldLoad(browser, origin, pagePath, rate, { memory = false, packParse = null } = {}) {
  const context = await browser.newContext();
  const log = [];
  try {
    const page = await context.newPage();
    page.on('console', (message) => log.push(`console.${message.type()}: ${message.text()}`));
    page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) =>
      log.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? 'unknown'})`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) log.push(`HTTP ${response.status()}: ${response.url()}`);
    });
    if (memory) await page.addInitScript(INIT_SCRIPT);
    const cdp = await context.newCDPSession(page);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate });
    if (memory) await cdp.send('Performance.enable');

    const url = origin + pagePath;
    try {
      await page.goto(url, { waitUntil: 'commit', timeout: WAIT_MS });
      // Both pages set the attribute and the mark together, once, when they settle.
      await page.waitForFunction(
        ([mark, attribute]) => {
          const state = document.documentElement.getAttribute(attribute);
          return state === 'pack-error' || (state === 'ready' && performance.getEntriesByName(mark).length > 0);
        },
        [MARK, READY_ATTRIBUTE],
        { timeout: WAIT_MS },
      );
    } catch (error) {
      throw new BenchError(
        `${url} at ${rate}x CPU: the page did not settle (no ${READY_ATTRIBUTE}="ready" with the '${MARK}' mark; ${firstLine(error)})` +
          formatLog(log),
      );
    }
    const result = await page.evaluate(
      ([mark, attribute, measure, resource]) => {
        const interactive = performance.getEntriesByName(mark)[0];
        const parses = performance.getEntriesByName(measure);
        const fetched = resource
          ? performance.getEntriesByType('resource').find((entry) => new URL(entry.name).pathname === resource)
          : undefined;
        return {
          tti: interactive ? Math.round(interactive.startTime * 10) / 10 : null,
          state: document.documentElement.getAttribute(attribute),
          alert: [...document.querySelectorAll('[role="alert"]')].map((el) => el.innerText.trim()).join('\n'),
          wasmMemory: window.__benchWasmMemory?.buffer?.byteLength ?? null,
          parseMs: parses.length ? parses[0].duration : null,
          parseCount: parses.length,
          fetched: fetched ? { encoded: fetched.encodedBodySize, decoded: fetched.decodedBodySize } : null,
        };
      },
      [MARK, READY_ATTRIBUTE, PACK_PARSE_MEASURE, packParse],
    );
    if (result.state !== 'ready') {
      throw new BenchError(
        `${url} at ${rate}x CPU: ${READY_ATTRIBUTE}="${result.state}" (expected "ready"); the page did not show the pack` +
          formatAlert(result.alert) +
          formatLog(log),
      );
    }
    if (packParse) {
      if (!result.fetched) {
        throw new BenchError(`${url} at ${rate}x CPU: the page became ready without fetching ${packParse}` + formatLog(log));
      }
      if (result.parseMs === null) {
        throw new BenchError(
          `${url} at ${rate}x CPU: no '${PACK_PARSE_MEASURE}' performance measure (the widget sets it around parse_pack: ` +
            'src/host/pack_source.rs); is the build older than that?' +
            formatLog(log),
        );
      }
      return { tti: result.tti, parseMs: result.parseMs, parseCount: result.parseCount, fetched: result.fetched };
    }
    if (!memory) return { tti: result.tti };

    const { metrics } = await cdp.send('Performance.getMetrics');
    const heap = metrics.find((metric) => metric.name === 'JSHeapUsedSize');
    return {
      tti: result.tti,
      jsHeapUsed: heap ? heap.value : null,
      wasmMemory: result.wasmMemory,
    };
  } finally {
    await context.close().catch(() => {});
  }
}

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

/** The page's alert text (the pack problem panel), at most 25 lines of it. */
function formatAlert(text) {
  if (!text) return '\n  (no alert on the page)';
  const lines = text.split('\n').filter((l) => l.trim());
  const shown = lines.slice(0, 25);
  if (lines.length > shown.length) shown.push(`… ${lines.length - shown.length} more lines`);
  return `\n  alert on the page:\n    ${shown.join('\n    ')}`;
}

function formatLog(log) {
  return log.length ? `\n  page log:\n    ${log.slice(-30).join('\n    ')}` : '\n  (the page logged nothing)';
}

function summarise(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid] : Math.round(((sorted[mid - 1] + sorted[mid]) / 2) * 100) / 100;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], samples };
}

async function measureLoads(browser, origin, runs) {
  // One unrecorded load of each page first, so the browser's own start-up work is not in run 1.
  for (const pagePath of Object.values(PAGES)) await coldLoad(browser, origin, pagePath, 1);

  const samples = {};
  for (const name of Object.keys(PAGES)) {
    samples[name] = Object.fromEntries(THROTTLES.map((rate) => [`${rate}x`, []]));
  }
  // Interleaved, so drift in the machine's load falls on both pages and both throttles alike.
  for (let run = 1; run <= runs; run++) {
    for (const rate of THROTTLES) {
      for (const [name, pagePath] of Object.entries(PAGES)) {
        const { tti } = await coldLoad(browser, origin, pagePath, rate);
        samples[name][`${rate}x`].push(tti);
      }
    }
    if (process.stderr.isTTY) process.stderr.write(`\r  loads: ${run}/${runs} rounds`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');

  const tti = {};
  for (const [name, byRate] of Object.entries(samples)) {
    tti[name] = Object.fromEntries(Object.entries(byRate).map(([rate, values]) => [rate, summarise(values)]));
  }
  const ratio = Object.fromEntries(
    THROTTLES.map((rate) => [
      `${rate}x`,
      Math.round((tti.widget[`${rate}x`].median / tti.baseline[`${rate}x`].median) * 1000) / 1000,
    ]),
  );

  const memory = {};
  for (const [name, pagePath] of Object.entries(PAGES)) {
    const { jsHeapUsed, wasmMemory } = await coldLoad(browser, origin, pagePath, 1, { memory: true });
    memory[name] = { jsHeapUsedBytes: jsHeapUsed, wasmMemoryBytes: wasmMemory };
  }
  return { tti, ratio, memory };
}

/**
 * The widget loading the large pack (`/index.html?pack=/large-pack.json`), `runs` cold loads at each
 * throttle, interleaved: the `incident-desk:pack-parse` measure (parse_pack in wasm: JSON read and
 * full validation) and time to interactive.
 */
async function measureLargePack(browser, origin, runs) {
  await coldLoad(browser, origin, LARGE_PACK_PAGE, 1, { packParse: LARGE_PACK_URL });

  const parse = Object.fromEntries(THROTTLES.map((rate) => [`${rate}x`, []]));
  const tti = Object.fromEntries(THROTTLES.map((rate) => [`${rate}x`, []]));
  let fetched;
  const parseCounts = new Set();
  for (let run = 1; run <= runs; run++) {
    for (const rate of THROTTLES) {
      const result = await coldLoad(browser, origin, LARGE_PACK_PAGE, rate, { packParse: LARGE_PACK_URL });
      parse[`${rate}x`].push(Math.round(result.parseMs * 10) / 10);
      tti[`${rate}x`].push(result.tti);
      fetched = result.fetched;
      parseCounts.add(result.parseCount);
    }
    if (process.stderr.isTTY) process.stderr.write(`\r  large pack loads: ${run}/${runs} rounds`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');

  const byRate = (samples) =>
    Object.fromEntries(Object.entries(samples).map(([rate, values]) => [rate, summarise(values)]));
  const result = { page: LARGE_PACK_PAGE, parse: byRate(parse), tti: byRate(tti), fetched };
  const median = result.parse['1x'].median;
  result.goal = { parseMs: PARSE_GOAL_MS, cpu: '1x', met: median <= PARSE_GOAL_MS, medianMs: median };
  // More than one measure would mean the pack was parsed more than once per load; [0] is reported.
  result.parseMeasuresPerLoad = [...parseCounts].sort((a, b) => a - b);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Output

const int = (n) => Math.round(n).toLocaleString('en-GB');
const ms = (n) => n.toFixed(1);

function bytesHuman(n) {
  if (n === null || n === undefined) return 'n/a';
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(2)} MB`;
  return `${(n / 1000).toFixed(1)} KB`;
}

function render(report) {
  const { sizes, tti, ratio, memory, shift, budget, machine, runs, largePack, interaction } = report;
  const rows = [];
  const head = (...cells) => rows.push({ cells, head: true });
  const row = (...cells) => rows.push({ cells });
  const note = (text) => rows.push({ note: text });
  const rule = () => rows.push({ rule: true });

  head('Size (bytes)', 'raw', 'gzip -9', 'brotli 11');
  for (const [kind, entry] of Object.entries(sizes.files)) {
    row(`${kind.padEnd(4)} ${entry.file}`, int(entry.raw), int(entry.gzip), int(entry.brotli));
  }
  row('total wasm+js+boot+css', int(sizes.total.raw), int(sizes.total.gzip), int(sizes.total.brotli));
  note(`budget ${BUDGET_GZIP_BYTES / 1000} KB gzip: ${budget.usedPercent}% used (${int(sizes.total.gzip)} of ${int(BUDGET_GZIP_BYTES)} bytes; 1 KB = 1000 bytes)`);
  note('the call screen (index.html); bench/size.mjs above has every app, and each wasm by bucket');
  note(`note: ${REFERENCE_NOTE}`);
  rule();
  head(`Time to interactive (ms, ${runs} cold loads)`, 'median', 'min–max', 'spread');
  for (const rate of THROTTLES.map((r) => `${r}x`)) {
    for (const name of Object.keys(PAGES)) {
      const s = tti[name][rate];
      const label = name === 'widget' ? 'widget' : 'baseline (plain JS)';
      row(`${label} ${rate} CPU`, ms(s.median), `${ms(s.min)}–${ms(s.max)}`, ms(s.max - s.min));
    }
    row(`widget ÷ baseline ${rate} CPU (medians)`, `${ratio[rate].toFixed(2)}×`, '', '');
  }
  rule();
  head('Memory after load (1x CPU, one load)', 'JS heap used', 'wasm memory', '');
  for (const name of Object.keys(PAGES)) {
    const label = name === 'widget' ? 'widget' : 'baseline (plain JS)';
    row(label, bytesHuman(memory[name].jsHeapUsedBytes), bytesHuman(memory[name].wasmMemoryBytes), '');
  }
  note('KB = 1000 bytes, MB = 1,000,000 bytes');
  rule();
  head('A shift: quick calls in the demo host (1x CPU)', 'JS heap (after GC)', 'wasm memory', 'DOM nodes');
  row('after load', bytesHuman(shift.atLoad.jsHeapBytes), bytesHuman(shift.atLoad.wasmBytes), int(shift.atLoad.domNodes));
  for (const point of shift.points) {
    row(`after ${point.calls} call${point.calls === 1 ? "" : "s"}`, bytesHuman(point.jsHeapBytes), bytesHuman(point.wasmBytes), int(point.domNodes));
  }
  let since = 0;
  for (const point of shift.points) {
    const label = point.calls === 1 ? 'the first call (once: its screen, code warming up)' : `growth per call, calls ${since + 1}–${point.calls}`;
    row(label, `${int(point.perCallBytes)} B`, '', '');
    since = point.calls;
  }
  note(`entries the host received: ${shift.delivered}; baseline: the same page after load. A leak grows by about the same`);
  note('amount every call; warming up (compiled code, caches) grows less and less from one stretch of calls to the next');
  if (largePack) {
    rule();
    head(`Pack parse + validate (large pack; ms, ${runs} cold loads)`, 'median', 'min–max', 'spread');
    for (const rate of THROTTLES.map((r) => `${r}x`)) {
      const s = largePack.parse[rate];
      row(`parse + validate in wasm ${rate} CPU`, ms(s.median), `${ms(s.min)}–${ms(s.max)}`, ms(s.max - s.min));
    }
    for (const rate of THROTTLES.map((r) => `${r}x`)) {
      const s = largePack.tti[rate];
      row(`time to interactive ${rate} CPU`, ms(s.median), `${ms(s.min)}–${ms(s.max)}`, ms(s.max - s.min));
    }
    const { sizes: packSizes, goal } = largePack;
    note(
      `pack: ${packSizes.file}, ${int(packSizes.raw)} bytes (gzip -9 ${int(packSizes.gzip)}, brotli ${int(packSizes.brotli)}), ` +
        `loaded as ${largePack.page}`,
    );
    note(`parse + validate = the widget's '${PACK_PARSE_MEASURE}' measure around parse_pack (JSON read + full validation)`);
    note('native figures and the serde_json::Value baseline: the pack-bench table printed above');
    if (largePack.parseMeasuresPerLoad.some((n) => n !== 1)) {
      note(`warning: ${largePack.parseMeasuresPerLoad.join(' or ')} parse measures per load (expected 1); the first is reported`);
    }
    note(
      `goal: parse + validate ${goal.parseMs} ms at ${goal.cpu} CPU: ${goal.met ? 'met' : 'not met'} (median ${ms(goal.medianMs)} ms)`,
    );
  }

  if (interaction) {
    rule();
    head('Call screen interactions (ms)', 'p50', 'p95', 'max (n)');
    for (const rate of THROTTLES) {
      const r = interaction[rate];
      const cells = (d) => [ms(d.p50), ms(d.p95), `${ms(d.max)} (${d.n})`];
      row(`code search core, wasm, ${rate}x CPU`, ...cells(r.searchCore));
      row(`keystroke to next frame, ${rate}x CPU`, ...cells(r.keystroke));
      row(`  baseline: key in a plain field, ${rate}x CPU`, ...cells(r.keystrokeBaseline));
      row(`tree step, click to next frame, ${rate}x CPU`, ...cells(r.treeStep));
      row(`  baseline: click a native disclosure, ${rate}x CPU`, ...cells(r.clickBaseline));
    }
    note(`code search: the large pack (5,000 codes), typing ${QUERIES.map((q) => `"${q}"`).join(', ')} one key at a time`);
    note(`at most ${Math.max(...THROTTLES.map((r) => interaction[r].rowsMax))} result rows rendered (limit 20, keyed)`);
    note("core = the widget's 'incident-desk:code-search' measure (engine search only); goal p95 1 ms");
    note('keystroke/click to next frame = event timestamp to a task after the next animation frame; goal p95 33 ms at 4x');
    note('tree steps: the default pack\'s gas tree, first answer at each question, repeated calls');
  }

  const widths = [0, 0, 0, 0];
  for (const r of rows) {
    if (!r.cells) continue;
    r.cells.forEach((cell, i) => (widths[i] = Math.max(widths[i], cell.length)));
  }
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const line = (cells) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();

  const out = [];
  out.push(`Incident Desk benchmark: ${report.dist}`);
  out.push(
    `machine: node ${machine.node} | ${machine.chromium} | ${machine.cpus} CPUs (${machine.cpuModel}) | ` +
      `load average ${machine.loadAverage.join(' ')} | ${machine.date}`,
  );
  if (machine.loadAverage[0] > machine.cpus) {
    out.push(`warning: the machine was busy when the loads started (1-minute load average above the CPU count): times are inflated and noisy`);
  }
  out.push('='.repeat(total));
  for (const r of rows) {
    if (r.rule) out.push('-'.repeat(total));
    else if (r.note) out.push(`  ${r.note}`);
    else {
      out.push(line(r.cells));
      if (r.head) out.push(line(r.cells.map((cell) => '~'.repeat(cell.length))));
    }
  }
  out.push('='.repeat(total));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const { dist, runs, largePack: largePackFile } = parseArgs(process.argv.slice(2));
  if (!(await stat(dist).catch(() => null))?.isDirectory()) {
    throw new BenchError(`no such directory: ${dist} (scripts/bench builds the release widget into bench/out/dist and runs this)`);
  }
  await stat(CHROMIUM).catch(() => {
    throw new BenchError(`no Chromium at ${CHROMIUM} (apt-get install chromium); this benchmark never downloads one`);
  });

  const sizes = await measureSizes(dist);
  const budget = {
    gzipBytes: BUDGET_GZIP_BYTES,
    usedPercent: Math.round((sizes.total.gzip / BUDGET_GZIP_BYTES) * 100),
  };
  await prepareServeDir(dist, largePackFile);

  await withServerAndBrowser({ serveDir: SERVE_DIR, label: 'bench', port: BENCH_PORT, onStop: () => (stopping = true) }, async ({ browser, origin }) => {
    const machine = machineFacts(browser);
    process.stderr.write(
      `bench: serving ${path.relative(process.cwd(), SERVE_DIR)} on ${origin}; ${runs} rounds of 4 cold loads` +
        (largePackFile ? `, then ${runs} rounds of 2 with the large pack` : '') +
        '\n',
    );
    const { tti, ratio, memory } = await measureLoads(browser, origin, runs);
    let largePack;
    if (largePackFile) {
      largePack = { sizes: await largePackSizes(largePackFile), ...(await measureLargePack(browser, origin, runs)) };
    }
    let interaction;
    if (largePackFile) {
      process.stderr.write('bench: call screen interactions (code search with the large pack, tree steps)\n');
      interaction = await measureInteraction({ browser, origin, largePackUrl: LARGE_PACK_URL, rates: THROTTLES });
    }
    process.stderr.write(`bench: a shift of ${SHIFT_CHECKPOINTS.at(-1)} calls through the demo host page (heap per call)\n`);
    const shift = await measureShift({ browser, origin, checkpoints: SHIFT_CHECKPOINTS });
    const report = {
      dist: path.relative(process.cwd(), dist) || dist,
      machine,
      runs,
      sizes,
      budget,
      tti,
      ratio,
      memory,
      shift,
      ...(largePack ? { largePack } : {}),
      ...(interaction ? { interaction } : {}),
    };
    console.log(render(report));
    console.log(`BENCH_JSON ${JSON.stringify(report)}`);
  });
}

main().then(
  () => process.exit(0),
  (error) => {
    if (stopping) return; // the signal handler exits once the browser and server are closed
    if (error instanceof BenchError) console.error(`bench: ${error.message}`);
    else console.error(`bench: failed: ${error?.stack ?? error}`);
    process.exit(1);
  },
);
