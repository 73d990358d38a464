// The side-by-side benchmark against a peer (issue 4): the widget and SurveyJS (survey-core and
// survey-js-ui) in the same run, on the same decision tree of the default pack (gas-smell, converted
// to a SurveyJS survey by bench/peer/tree-to-survey.mjs). For both pages: transfer size (gzip -9 of
// every file the page fetches, as Playwright sees the requests), time to interactive (cold loads,
// median, 1x and 4x CPU) and step latency (answering one question: from the click to the frame
// after the next question or the outcome appears, measured inside the page; p50 and p95, 1x and 4x
// CPU). Prints a table with the ratio widget ÷ SurveyJS beside the goal (at most 0.5 on each) and,
// last, the figures as one JSON line prefixed with `PEER_JSON `. Figures, not pass/fail.
//
//   node bench/peer.mjs <dist-dir> [--runs N]
//
// <dist-dir> is a release build of the widget (scripts/bench builds one into bench/out/dist). The
// CLI serves a copy of it with the peer page in bench/out/peer-serve; bench/run.mjs can instead call
// measurePeer() with its own browser, server and serve directory. Uses Debian's Chromium
// (/usr/bin/chromium) through playwright-core; never downloads a browser. Loopback only.
import { cp, mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHROMIUM } from '../tests/support/chromium.mjs';
import { brotli, gzip, machineFacts, withServerAndBrowser, percentile, precompressTree } from './support.mjs';
import { checkTree, findTree, radioAnswers, treeToSurvey, walkTree } from './peer/tree-to-survey.mjs';

// The widget's page, ready signals and controls. Its labels may change: keep them here.
export const WIDGET = {
  page: '/index.html',
  readyAttribute: 'data-incident-desk',
  readyValue: 'ready',
  mark: 'incident-desk:interactive',
  /** The handler's button that takes the call. */
  answerCall: (page) => page.getByRole('button', { name: 'Answer call', exact: true }),
  /** The call screen. */
  call: (page) => page.getByRole('region', { name: 'Call', exact: true }),
  /** The decision tree <select>, by its label, and the button that starts the chosen tree. */
  treeChoice: (call) => call.getByLabel('Decision tree', { exact: true }),
  startTree: (call) => call.getByRole('button', { name: 'Start tree', exact: true }),
  /** The radios of the question asked (its radiogroup is named by the question). */
  radios: (call, question) => call.getByRole('radiogroup', { name: question, exact: true }).getByRole('radio'),
  // Read inside the page (CSS): the question asked, and the code and priority panel.
  questionCss: '#idk-question',
  decisionCss: '[aria-labelledby="idk-decision-heading"]',
};

// The SurveyJS page (bench/peer/survey.html and survey.js), served from /peer/.
export const PEER = {
  page: '/peer/survey.html',
  readyAttribute: 'data-peer-ready',
  readyValue: 'ready',
  mark: 'peer:interactive',
  /** SurveyJS puts data-name="<question name>" on each question it renders (hidden ones are not rendered). */
  elementCss: (name) => `[data-name="${name}"]`,
  /** The label of a radio: its input is visually hidden, so a person clicks the label. */
  radioLabels: (page, name) => page.locator(PEER.elementCss(name)).getByRole('radio').locator('xpath=ancestor::label[1]'),
};

const PACK_FILE = 'packs/council-out-of-hours.json'; // the default pack, as the widget loads it
const TREE_ID = 'gas-smell';
// Answer paths for the step latency, as radio positions (0 = the first option, or Yes). Together
// they ask every question of the gas-smell tree and end in three different outcomes.
const STEP_PATHS = [
  [0, 0, 1], // inside a building → everyone out: yes → council building: no
  [1, 0], // outside → hissing: yes
  [2, 1], // carbon monoxide alarm → anyone unwell: no
];
const THROTTLES = [1, 4];
const GOAL_RATIO = 0.5;
const WAIT_MS = 60_000;
const PEER_DIR = 'peer'; // inside the serve directory
const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const CLI_SERVE_DIR = path.join(BENCH_DIR, 'out', 'peer-serve');

const require = createRequire(import.meta.url);
// The packages' own folders: their `exports` hide the bundles from require.resolve, but not their
// main files, which sit at the top of each package.
const packageDir = (name) => path.dirname(require.resolve(name));

/** What the SurveyJS page loads besides its own files: [served name, file in node_modules]. */
function surveyJsFiles() {
  const core = packageDir('survey-core');
  const ui = packageDir('survey-js-ui');
  return [
    ['survey.core.min.js', path.join(core, 'survey.core.min.js')],
    ['survey-js-ui.min.js', path.join(ui, 'survey-js-ui.min.js')],
    // The default theme without the web font it would fetch from fonts.gstatic.com.
    ['survey-core.fontless.min.css', path.join(core, 'survey-core.fontless.min.css')],
  ];
}

async function surveyJsVersions() {
  const version = async (name) => JSON.parse(await readFile(path.join(packageDir(name), 'package.json'), 'utf8')).version;
  return { 'survey-core': await version('survey-core'), 'survey-js-ui': await version('survey-js-ui') };
}

export class PeerError extends Error {}

// ---------------------------------------------------------------------------------------------
// Small helpers

const isFile = async (file) => (await stat(file).catch(() => null))?.isFile() ?? false;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}


const round1 = (n) => Math.round(n * 10) / 10;
const round3 = (n) => Math.round(n * 1000) / 1000;

function firstLine(error) {
  return String(error?.message ?? error).split('\n')[0];
}

// ---------------------------------------------------------------------------------------------
// The peer page in the serve directory

/**
 * Puts the SurveyJS page, the SurveyJS bundles and the converted survey into `serveDir`/peer/, with
 * .gz and .br copies beside them (as bench/run.mjs precompresses the widget's files).
 */
async function preparePeer(serveDir, distDir) {
  if (!(await isFile(path.join(serveDir, WIDGET.page.slice(1))))) {
    throw new PeerError(`${serveDir} has no ${WIDGET.page.slice(1)}: serve the widget's release build there`);
  }
  const packFile = path.join(distDir, PACK_FILE);
  let pack;
  try {
    pack = JSON.parse(await readFile(packFile, 'utf8'));
  } catch (error) {
    throw new PeerError(`cannot read the default pack ${packFile}: ${firstLine(error)}`);
  }
  const conversion = treeToSurvey(pack, TREE_ID);
  // The survey must ask what the tree asks, or the comparison means nothing.
  const check = await checkTree(pack, TREE_ID);
  if (check.problems.length || check.paths === 0) {
    throw new PeerError(`the SurveyJS conversion of "${TREE_ID}" does not follow the tree:\n  ${check.problems.join('\n  ')}`);
  }
  const dir = path.join(serveDir, PEER_DIR);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const name of ['survey.html', 'survey.js']) await cp(path.join(BENCH_DIR, 'peer', name), path.join(dir, name));
  for (const [name, file] of surveyJsFiles()) await cp(file, path.join(dir, name));
  await writeFile(path.join(dir, 'survey.json'), JSON.stringify(conversion.survey));
  await precompressTree(dir);
  return { tree: findTree(pack, TREE_ID), conversion, check: { paths: check.paths, answers: check.steps } };
}

/** The step paths as the tree walks them: per step, the question, the radio and what comes next. */
function planSteps(tree) {
  const byId = new Map(tree.nodes.map((n) => [n.id, n]));
  return STEP_PATHS.map((positions, p) => {
    const answers = [];
    const steps = [];
    for (const position of positions) {
      const { asked, outcome } = walkTree(tree, answers);
      if (outcome) throw new PeerError(`step path ${p + 1} reaches an outcome before its last answer`);
      const node = byId.get(asked[asked.length - 1]);
      const radios = radioAnswers(node);
      if (position >= radios.length) {
        throw new PeerError(`step path ${p + 1}: question "${node.id}" has no radio ${position + 1} (${node.answer.kind})`);
      }
      answers.push([node.id, radios[position][0]]);
      const after = walkTree(tree, answers);
      const nextId = after.outcome ?? after.asked[after.asked.length - 1];
      steps.push({
        node,
        position,
        next: after.outcome
          ? { outcome: tree.outcomes.find((o) => o.id === after.outcome) }
          : { node: byId.get(nextId) },
      });
    }
    if (!walkTree(tree, answers).outcome) throw new PeerError(`step path ${p + 1} does not end in an outcome`);
    return steps;
  });
}

// ---------------------------------------------------------------------------------------------
// Loading a page

/** A fresh context (its own HTTP cache) and page at CPU throttling `rate`, with a log of problems. */
async function openPage(browser, rate) {
  const context = await browser.newContext();
  const log = [];
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') log.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (error) => log.push(`page error: ${error.message}`));
  page.on('requestfailed', (r) => log.push(`request failed: ${r.url()} (${r.failure()?.errorText ?? 'unknown'})`));
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  return { context, page, log };
}

function formatLog(log) {
  return log.length ? `\n  page log:\n    ${log.slice(-20).join('\n    ')}` : '\n  (the page logged nothing)';
}

/** Loads `target` (WIDGET or PEER) and waits for its ready attribute and mark. Returns the mark's time. */
async function load(page, origin, target, rate, log) {
  const url = origin + target.page;
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: WAIT_MS });
    await page.waitForFunction(
      ([attribute, mark]) => document.documentElement.hasAttribute(attribute) && performance.getEntriesByName(mark).length > 0,
      [target.readyAttribute, target.mark],
      { timeout: WAIT_MS },
    );
  } catch (error) {
    throw new PeerError(`${url} at ${rate}x CPU: the page did not settle (${firstLine(error)})` + formatLog(log));
  }
  const { state, tti } = await page.evaluate(
    ([attribute, mark]) => ({
      state: document.documentElement.getAttribute(attribute),
      tti: performance.getEntriesByName(mark)[0].startTime,
    }),
    [target.readyAttribute, target.mark],
  );
  if (state !== target.readyValue) {
    throw new PeerError(`${url} at ${rate}x CPU: ${target.readyAttribute}="${state}" (expected "${target.readyValue}")` + formatLog(log));
  }
  return tti;
}

async function coldLoad(browser, origin, target, rate) {
  const { context, page, log } = await openPage(browser, rate);
  try {
    return await load(page, origin, target, rate, log);
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Steps

// Runs in the page. Arms one step: the next capture-phase click on window starts the clock; when an
// element matching `selector` (whose text is `text`, or includes `includes`) is on screen, it waits
// for the next animation frame and then one task (a MessageChannel message, so after that frame's
// rendering) and stops the clock. The result is window.__peerStep.
function armStep({ selector, text, includes, timeoutMs }) {
  const shown = () => {
    for (const element of document.querySelectorAll(selector)) {
      if (element.getClientRects().length === 0) continue;
      const content = element.textContent.trim();
      if (text !== undefined && content !== text) continue;
      if (includes !== undefined && !content.includes(includes)) continue;
      return true;
    }
    return false;
  };
  if (shown()) throw new Error(`${selector} is already on screen before the click`);
  window.__peerStep = new Promise((resolve, reject) => {
    let start = null;
    let done = false;
    const observer = new MutationObserver(() => check());
    const onClick = () => {
      if (start !== null) return;
      start = performance.now();
      observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
      check();
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`${selector} did not appear within ${timeoutMs} ms of the click (clicked: ${start !== null})`));
    }, timeoutMs);
    function stop() {
      done = true;
      observer.disconnect();
      window.removeEventListener('click', onClick, { capture: true });
      clearTimeout(timer);
    }
    function check() {
      if (done || start === null || !shown()) return;
      const appeared = performance.now();
      stop();
      requestAnimationFrame(() => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve({ ms: performance.now() - start, appearedMs: appeared - start });
        channel.port2.postMessage(null);
      });
    }
    window.addEventListener('click', onClick, { capture: true });
  });
}

/** Two animation frames: lets the last step's rendering finish before the next is armed. */
const settleFrames = (page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

async function timedClick(page, expected, click) {
  await settleFrames(page);
  await page.evaluate(armStep, { ...expected, timeoutMs: WAIT_MS });
  await click();
  return page.evaluate(() => window.__peerStep);
}

/** One path through the tree in the widget: take the call, start the tree, answer by clicking. */
async function widgetPath(page, steps) {
  await WIDGET.answerCall(page).click();
  const call = WIDGET.call(page);
  await WIDGET.treeChoice(call).selectOption(TREE_ID);
  await WIDGET.startTree(call).click();
  await page.waitForFunction(
    ([css, text]) => document.querySelector(css)?.textContent.trim() === text,
    [WIDGET.questionCss, steps[0].node.question.trim()],
    { timeout: WAIT_MS },
  );
  const times = [];
  for (const step of steps) {
    const expected = step.next.node
      ? { selector: WIDGET.questionCss, text: step.next.node.question.trim() }
      : { selector: WIDGET.decisionCss, includes: step.next.outcome.code };
    const radio = WIDGET.radios(call, step.node.question.trim()).nth(step.position);
    times.push(await timedClick(page, expected, () => radio.click()));
  }
  return times;
}

/** The same path in the SurveyJS page: click the radio's label; the next question appears below. */
async function peerPath(page, steps, conversion) {
  const times = [];
  for (const step of steps) {
    const name = step.next.node ? conversion.names.nodes[step.next.node.id] : conversion.names.outcomes[step.next.outcome.id];
    const label = PEER.radioLabels(page, conversion.names.nodes[step.node.id]).nth(step.position);
    times.push(await timedClick(page, { selector: PEER.elementCss(name) }, () => label.click()));
  }
  return times;
}

async function stepSession(browser, origin, which, rate, steps, conversion) {
  const target = which === 'widget' ? WIDGET : PEER;
  const { context, page, log } = await openPage(browser, rate);
  try {
    await load(page, origin, target, rate, log);
    try {
      return which === 'widget' ? await widgetPath(page, steps) : await peerPath(page, steps, conversion);
    } catch (error) {
      throw new PeerError(`${which} at ${rate}x CPU, answering the ${TREE_ID} tree: ${firstLine(error)}` + formatLog(log));
    }
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------
// Transfer size

/**
 * One load of `which` at 1x, then its first step path (so files fetched on demand count too), then
 * network idle; every request Playwright saw, with the gzip -9 size of each file served from
 * `serveDir`.
 */
async function transfer(browser, origin, serveDir, which, steps, conversion) {
  const target = which === 'widget' ? WIDGET : PEER;
  const { context, page, log } = await openPage(browser, 1);
  const seen = [];
  page.on('requestfinished', (request) => seen.push(request));
  page.on('requestfailed', (request) => seen.push(request));
  try {
    await load(page, origin, target, 1, log);
    if (which === 'widget') await widgetPath(page, steps);
    else await peerPath(page, steps, conversion);
    await page.waitForLoadState('networkidle', { timeout: WAIT_MS }).catch(() => {});
    const files = [];
    const other = [];
    for (const request of seen) {
      const url = new URL(request.url());
      if (url.protocol === 'data:' || url.protocol === 'blob:') continue;
      const response = await request.response().catch(() => null);
      const status = response?.status() ?? null;
      if (url.origin !== origin || status === null || status >= 400) {
        other.push({ url: request.url(), status, error: request.failure()?.errorText ?? null });
        continue;
      }
      let file = path.join(serveDir, decodeURIComponent(url.pathname));
      if ((await stat(file).catch(() => null))?.isDirectory()) file = path.join(file, 'index.html');
      const bytes = await readFile(file);
      const sizes = await request.sizes().catch(() => null);
      files.push({
        path: url.pathname,
        raw: bytes.length,
        gzip: gzip(bytes).length,
        served: sizes ? sizes.responseBodySize : null,
        encoding: (await response.headerValue('content-encoding').catch(() => null)) ?? 'identity',
      });
    }
    files.sort((a, b) => b.gzip - a.gzip);
    const sum = (key) => files.reduce((n, f) => n + (f[key] ?? 0), 0);
    return { files, total: { raw: sum('raw'), gzip: sum('gzip'), served: sum('served') }, notCounted: other };
  } finally {
    await context.close().catch(() => {});
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Measures the widget (served at `origin`/index.html from `serveDir`, a copy of the release build
 * in `distDir`) and the SurveyJS peer (copied into `serveDir`/peer/ here) side by side. `browser`
 * is a playwright-core Chromium; the server at `origin` serves `serveDir` and keeps serving files
 * added to it. Returns the figures (the object printed after `PEER_JSON `); renderPeer() makes the
 * table.
 */
export async function measurePeer({ browser, origin, serveDir, distDir, runs = 9, throttles = THROTTLES, progress = () => {} }) {
  const { tree, conversion, check } = await preparePeer(serveDir, distDir);
  const paths = planSteps(tree);
  const pages = ['widget', 'peer'];
  const rates = throttles.map((r) => `${r}x`);

  progress('transfer sizes');
  const sizes = {};
  for (const which of pages) sizes[which] = await transfer(browser, origin, serveDir, which, paths[0], conversion);

  // One unrecorded load of each first, so the browser's own start-up work is not in run 1.
  for (const which of pages) await coldLoad(browser, origin, which === 'widget' ? WIDGET : PEER, 1);

  const tti = Object.fromEntries(pages.map((w) => [w, Object.fromEntries(rates.map((r) => [r, []]))]));
  const steps = Object.fromEntries(pages.map((w) => [w, Object.fromEntries(rates.map((r) => [r, []]))]));
  // Interleaved, so drift in the machine's load falls on both pages and both throttles alike.
  for (let run = 1; run <= runs; run++) {
    for (const rate of throttles) {
      for (const which of pages) {
        tti[which][`${rate}x`].push(await coldLoad(browser, origin, which === 'widget' ? WIDGET : PEER, rate));
        for (const stepPath of paths) {
          const times = await stepSession(browser, origin, which, rate, stepPath, conversion);
          steps[which][`${rate}x`].push(...times);
        }
      }
    }
    progress(`round ${run}/${runs}`);
  }

  const figures = { widget: {}, peer: {} };
  for (const which of pages) {
    figures[which] = {
      transferGzipBytes: sizes[which].total.gzip,
      tti: Object.fromEntries(
        rates.map((r) => {
          const v = tti[which][r].map(round1);
          return [r, { median: round1(median(v)), min: Math.min(...v), max: Math.max(...v), samples: v }];
        }),
      ),
      step: Object.fromEntries(
        rates.map((r) => {
          const v = steps[which][r].map((s) => round1(s.ms));
          const appeared = steps[which][r].map((s) => s.appearedMs);
          return [
            r,
            {
              p50: round1(percentile(v, 50)),
              p95: round1(percentile(v, 95)),
              max: Math.max(...v),
              appearedP50: round1(percentile(appeared, 50)),
              count: v.length,
              samples: v,
            },
          ];
        }),
      ),
    };
  }
  const ratio = (a, b) => (b > 0 ? round3(a / b) : null);
  const ratios = { transferGzip: ratio(figures.widget.transferGzipBytes, figures.peer.transferGzipBytes) };
  for (const r of rates) {
    ratios[`tti ${r}`] = ratio(figures.widget.tti[r].median, figures.peer.tti[r].median);
    ratios[`step p50 ${r}`] = ratio(figures.widget.step[r].p50, figures.peer.step[r].p50);
    ratios[`step p95 ${r}`] = ratio(figures.widget.step[r].p95, figures.peer.step[r].p95);
  }
  return {
    peer: { library: await surveyJsVersions(), page: PEER.page, tree: TREE_ID, pack: PACK_FILE, conversionCheck: check },
    widget: { page: WIDGET.page },
    runs,
    throttles,
    stepPaths: paths.map((p) => p.map((s) => `${s.node.id}#${s.position + 1}`).join(' → ')),
    stepsPerRun: paths.reduce((n, p) => n + p.length, 0),
    sizes,
    figures,
    ratios,
    goal: { maxRatio: GOAL_RATIO, met: Object.fromEntries(Object.entries(ratios).map(([k, v]) => [k, v !== null && v <= GOAL_RATIO])) },
  };
}

// ---------------------------------------------------------------------------------------------
// Output

const kb = (n) => `${(n / 1000).toFixed(1)} KB`;
const ms = (n) => `${n.toFixed(1)} ms`;

/** The report as a table. */
export function renderPeer(report, machine) {
  const { figures, ratios, sizes, runs } = report;
  const rows = [];
  const head = (...cells) => rows.push({ cells, head: true });
  const row = (...cells) => rows.push({ cells });
  const note = (text) => rows.push({ note: text });
  const rule = () => rows.push({ rule: true });
  const goal = (key) => (ratios[key] === null ? 'n/a' : ratios[key] <= GOAL_RATIO ? 'yes' : 'no');
  const x = (key) => (ratios[key] === null ? 'n/a' : `${ratios[key].toFixed(2)}`);
  const lib = `SurveyJS ${report.peer.library['survey-core']}`;

  head('', 'widget', lib, 'widget ÷ SurveyJS', `≤ ${GOAL_RATIO.toFixed(2)}?`);
  row('Transfer, gzip -9, every file fetched', kb(figures.widget.transferGzipBytes), kb(figures.peer.transferGzipBytes), x('transferGzip'), goal('transferGzip'));
  for (const rate of Object.keys(figures.widget.tti)) {
    row(`Time to interactive ${rate} CPU (median)`, ms(figures.widget.tti[rate].median), ms(figures.peer.tti[rate].median), x(`tti ${rate}`), goal(`tti ${rate}`));
  }
  for (const rate of Object.keys(figures.widget.step)) {
    for (const p of ['p50', 'p95']) {
      row(`Step latency ${rate} CPU ${p}`, ms(figures.widget.step[rate][p]), ms(figures.peer.step[rate][p]), x(`step ${p} ${rate}`), goal(`step ${p} ${rate}`));
    }
  }
  rule();
  head('Files fetched', 'raw', 'gzip -9', 'as served', '');
  for (const which of ['widget', 'peer']) {
    note(which === 'widget' ? `widget (${report.widget.page})` : `${lib} (${report.peer.page})`);
    for (const f of sizes[which].files) {
      row(`  ${f.path}`, kb(f.raw), kb(f.gzip), f.served === null ? 'n/a' : `${kb(f.served)} ${f.encoding}`, '');
    }
    row('  total', kb(sizes[which].total.raw), kb(sizes[which].total.gzip), kb(sizes[which].total.served), '');
    for (const o of sizes[which].notCounted) note(`  not counted: ${o.url} (${o.status ?? o.error ?? 'no response'})`);
  }
  rule();
  note(`${runs} rounds: per round and CPU rate, one cold load of each page and ${report.stepsPerRun} steps (${report.stepPaths.length} paths, each in a fresh load)`);
  note(`steps per page and rate: ${figures.widget.step[Object.keys(figures.widget.step)[0]].count}; paths (question#radio): ${report.stepPaths.join(' | ')}`);
  note('step = capture-phase click → next question (or outcome) on screen → next animation frame → one task; measured in the page');
  note(`the widget's step includes its question swap; SurveyJS's shows the next question below the last (its own default look)`);
  note(`time to interactive: the widget's '${WIDGET.mark}' mark (handler's screen usable), SurveyJS's '${PEER.mark}' (first question rendered)`);
  note(`conversion checked against the tree: ${report.peer.conversionCheck.paths} answer paths, ${report.peer.conversionCheck.answers} answers, same questions and outcome after each`);
  note(`${lib}: survey-core + survey-js-ui bundles (.min.js), default theme CSS without its web font (fonts.gstatic.com), survey JSON of the "${report.peer.tree}" tree`);
  note('KB = 1000 bytes; "as served" = bytes on the wire from the benchmark server (precompressed brotli or gzip)');

  const widths = [0, 0, 0, 0, 0];
  for (const r of rows) if (r.cells) r.cells.forEach((c, i) => (widths[i] = Math.max(widths[i], c.length)));
  const total = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  const out = [`Incident Desk beside ${lib} (survey-js-ui ${report.peer.library['survey-js-ui']}): the "${report.peer.tree}" tree`];
  if (machine) {
    out.push(
      `machine: node ${machine.node} | ${machine.chromium} | ${machine.cpus} CPUs (${machine.cpuModel}) | ` +
        `load average ${machine.loadAverage.join(' ')} at the start, ${machine.loadAverageAfter?.join(' ') ?? 'n/a'} at the end | ${machine.date}`,
    );
    if (machine.loadAverage[0] > machine.cpus) out.push('warning: the machine was busy when the run started: times are inflated and noisy');
  }
  out.push('='.repeat(total));
  for (const r of rows) {
    if (r.rule) out.push('-'.repeat(total));
    else if (r.note !== undefined) out.push(r.note);
    else {
      out.push(line(r.cells));
      if (r.head) out.push(line(r.cells.map((c) => '~'.repeat(c.length))));
    }
  }
  out.push('='.repeat(total));
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------
// CLI

function usage() {
  return 'usage: node bench/peer.mjs <dist-dir> [--runs N]\n  --runs N  rounds (default 9): per round and CPU rate, a cold load and the step paths on each page';
}

function parseArgs(argv) {
  let dist;
  let runs = 9;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--runs' || arg.startsWith('--runs=')) {
      const value = arg === '--runs' ? argv[++i] : arg.slice('--runs='.length);
      if (!/^[1-9][0-9]*$/.test(value ?? '')) throw new PeerError(`--runs needs a positive whole number, got ${value ?? 'nothing'}\n${usage()}`);
      runs = Number(value);
    } else if (arg === '--help' || arg === '-h') {
      console.log(usage());
      process.exit(0);
    } else if (arg.startsWith('-')) throw new PeerError(`unknown option ${arg}\n${usage()}`);
    else if (dist === undefined) dist = arg;
    else throw new PeerError(`unexpected argument ${arg}\n${usage()}`);
  }
  if (dist === undefined) throw new PeerError(`no dist directory given\n${usage()}`);
  return { dist: path.resolve(dist), runs };
}

let stopping = false;

async function main() {
  const { dist, runs } = parseArgs(process.argv.slice(2));
  if (!(await stat(dist).catch(() => null))?.isDirectory()) {
    throw new PeerError(`no such directory: ${dist} (build the release widget: see scripts/bench)`);
  }
  if (!(await isFile(CHROMIUM))) throw new PeerError(`no Chromium at ${CHROMIUM} (apt-get install chromium); this benchmark never downloads one`);

  await rm(CLI_SERVE_DIR, { recursive: true, force: true });
  await mkdir(path.dirname(CLI_SERVE_DIR), { recursive: true });
  await cp(dist, CLI_SERVE_DIR, { recursive: true });
  await precompressTree(CLI_SERVE_DIR);

  await withServerAndBrowser({ serveDir: CLI_SERVE_DIR, label: 'peer', onStop: () => (stopping = true) }, async ({ browser, origin }) => {
    const machine = machineFacts(browser);
    process.stderr.write(`peer: serving ${path.relative(process.cwd(), CLI_SERVE_DIR)} on ${origin}; ${runs} rounds\n`);
    const report = await measurePeer({
      browser,
      origin,
      serveDir: CLI_SERVE_DIR,
      distDir: dist,
      runs,
      throttles: THROTTLES,
      progress: (what) => process.stderr.write(`  ${what}\n`),
    });
    machine.loadAverageAfter = os.loadavg().map((n) => Math.round(n * 100) / 100);
    report.dist = path.relative(process.cwd(), dist) || dist;
    report.machine = machine;
    console.log(renderPeer(report, machine));
    console.log(`PEER_JSON ${JSON.stringify(report)}`);
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (error) => {
      if (stopping) return;
      if (error instanceof PeerError) console.error(`peer: ${error.message}`);
      else console.error(`peer: failed: ${error?.stack ?? error}`);
      process.exit(1);
    },
  );
}
