// Interaction benchmarks for the call screen (issue 4), in headless Chromium at each CPU throttle:
//
// - code search core: the widget's `incident-desk:code-search` performance measure (the engine's
//   fuzzy search alone, in wasm) for every keystroke typed into "Find a code" with the large pack;
// - keystroke to next frame: from the keydown event's timestamp to just after the next animation
//   frame (requestAnimationFrame, then a message-channel task, which lands once the frame has been
//   produced), with the listbox of at most 20 keyed rows updated in between;
// - tree step: from the click on an answer to just after the next frame, walking the default
//   pack's gas tree by its first answers, again and again.
//
// Each figure is reported as p50/p95/max over all samples; the caller prints them beside the
// baseline page's time to interactive measured in the same run. Figures, not pass/fail.

import { percentile } from './support.mjs';

/** What is typed into "Find a code" (one sample per character). */
export const QUERIES = ['sewage overflow', 'GEN-12', 'lift tower block', 'carbon monoxide', 'fly tipping night'];

const FRAME_PROBE = `
  window.__idkFrames = [];
  window.__idkProbe = null;
  const afterNextFrame = (start) => {
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__idkFrames.push(performance.now() - start);
      channel.port2.postMessage(0);
    });
  };
  for (const type of ['keydown', 'click']) {
    document.addEventListener(type, (event) => {
      if (window.__idkProbe === type) afterNextFrame(event.timeStamp);
    }, true);
  }
`;


export function distribution(samples) {
  return {
    n: samples.length,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    max: samples.length ? Math.max(...samples) : null,
  };
}

async function openPage(browser, url, rate) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(FRAME_PROBE);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate });
  await page.goto(url, { timeout: 120_000 });
  await page.waitForFunction(() => document.documentElement.getAttribute('data-incident-desk') === 'ready', null, {
    timeout: 120_000,
  });
  return { context, page };
}

async function frames(page, count) {
  await page.waitForFunction((n) => window.__idkFrames.length >= n, count, { timeout: 30_000 });
  return page.evaluate(() => window.__idkFrames.splice(0));
}

/**
 * Types the queries into the code combobox with the large pack loaded, one character at a time;
 * returns the keystroke-to-frame samples, the search core's measures and the most rows shown.
 */
async function codeSearch(browser, origin, largePackUrl, rate) {
  const { context, page } = await openPage(browser, `${origin}/index.html?pack=${largePackUrl}`, rate);
  try {
    await page.getByRole('button', { name: 'Answer call' }).click();
    await page.getByText('Choose or override the code', { exact: true }).click();
    const search = page.getByRole('combobox', { name: 'Find a code' });
    const keystroke = [];
    const core = [];
    let rowsMax = 0;
    for (const query of QUERIES) {
      await search.fill('');
      await search.focus();
      await page.evaluate(() => performance.clearMeasures('incident-desk:code-search'));
      for (const character of query) {
        await page.evaluate(() => (window.__idkProbe = 'keydown'));
        await page.keyboard.press(character === ' ' ? 'Space' : character);
        keystroke.push(...(await frames(page, 1)));
        await page.evaluate(() => (window.__idkProbe = null));
        rowsMax = Math.max(rowsMax, await page.getByRole('listbox', { name: 'Matching codes' }).getByRole('option').count());
      }
      core.push(
        ...(await page.evaluate(() =>
          performance.getEntriesByName('incident-desk:code-search').map((entry) => entry.duration),
        )),
      );
    }
    // Baseline, same page and moment: the same keys typed into a log field that does nothing
    // until it is left (no search, no render): what a keystroke to the next frame costs anyway.
    const baseline = [];
    const plainField = page.getByLabel("Caller's name", { exact: true });
    for (const query of QUERIES) {
      await plainField.fill('');
      await plainField.focus();
      for (const character of query) {
        await page.evaluate(() => (window.__idkProbe = 'keydown'));
        await page.keyboard.press(character === ' ' ? 'Space' : character);
        baseline.push(...(await frames(page, 1)));
        await page.evaluate(() => (window.__idkProbe = null));
      }
    }
    return { keystroke, core, rowsMax, baseline };
  } finally {
    await context.close().catch(() => {});
  }
}

/**
 * Walks the default pack's gas tree by its first answers, once per call, `calls` times; returns
 * click-to-frame samples and the same-page baseline. Each call is in a fresh browser context: a
 * call left open would be resumed from its draft by the next page.
 */
async function treeSteps(browser, origin, rate, calls) {
  const samples = [];
  const baseline = [];
  for (let call = 0; call < calls; call++) {
    const { context, page } = await openPage(browser, `${origin}/index.html`, rate);
    try {
      await page.getByRole('button', { name: 'Answer call' }).click();
      await page.getByLabel('Decision tree', { exact: true }).selectOption({ label: 'Smell of gas or carbon monoxide' });
      await page.getByRole('button', { name: 'Start tree', exact: true }).click();
      // Baseline, same page and moment: a click that only opens and closes a native disclosure
      // (the control phrases), with no widget code behind it.
      const phrases = page.getByText('Control phrases', { exact: true });
      for (let i = 0; i < 2; i++) {
        await page.evaluate(() => (window.__idkProbe = 'click'));
        await phrases.click();
        baseline.push(...(await frames(page, 1)));
        await page.evaluate(() => (window.__idkProbe = null));
      }
      const question = page.locator('#idk-question');
      while ((await question.count()) > 0) {
        const radios = page.getByRole('radiogroup', { name: await question.innerText() }).getByRole('radio');
        if ((await radios.count()) === 0) break;
        const before = await question.innerText();
        await page.evaluate(() => (window.__idkProbe = 'click'));
        await radios.first().click();
        samples.push(...(await frames(page, 1)));
        await page.evaluate(() => (window.__idkProbe = null));
        await page.waitForFunction((asked) => document.getElementById('idk-question')?.innerText !== asked, before);
      }
    } finally {
      await context.close().catch(() => {});
    }
  }
  return { samples, baseline };
}

/**
 * Runs the interaction benchmarks at each rate. `largePackUrl` is a path on `origin` serving the
 * generated large pack. Returns `{ [rate]: { searchCore, keystroke, treeStep, rowsMax } }`, each a
 * distribution of milliseconds.
 */
export async function measureInteraction({ browser, origin, largePackUrl, rates, treeCalls = 8 }) {
  const out = {};
  for (const rate of rates) {
    const search = await codeSearch(browser, origin, largePackUrl, rate);
    const steps = await treeSteps(browser, origin, rate, treeCalls);
    out[rate] = {
      searchCore: distribution(search.core),
      keystroke: distribution(search.keystroke),
      keystrokeBaseline: distribution(search.baseline),
      rowsMax: search.rowsMax,
      treeStep: distribution(steps.samples),
      clickBaseline: distribution(steps.baseline),
    };
  }
  return out;
}
