// A shift in the benchmark (issue 12, "The outbox's saves leak"): the demo host page with the
// widget in its iframe, acknowledging every entry, and one handler taking the quickest complete
// call again and again. Prints the JS heap (after a forced garbage collection) once loaded and
// after each checkpoint, and the growth per call between them, beside the wasm memory and the
// number of DOM nodes, which should stay flat. A leak of a few KB per call shows as a growth per
// call well above zero that does not level off.
//
// The heap is the renderer's main isolate, which the same-origin iframe shares.

/** The pack whose calls close in a few steps (copied into the served directory by run.mjs). */
export const QUICK_PACK_URL = '/quick-close.json';

const CALL_TIMEOUT_MS = 30_000;

// Keeps the wasm memory Trunk's loader hands over, in the widget's frame.
const INIT_SCRIPT = `
  window.addEventListener('TrunkApplicationStarted', (event) => {
    try {
      window.__benchWasmMemory = event.detail.wasm.memory;
    } catch (_) {}
  });
`;

async function heapNow(cdp) {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return usedSize;
}

async function quickCall(page, w) {
  await w.getByRole('button', { name: /^Answer (next )?call$/ }).click({ timeout: CALL_TIMEOUT_MS });
  const call = w.getByRole('region', { name: 'Call', exact: true });
  await call
    .getByRole('group', { name: 'Safety questions (ask every caller)' })
    .getByRole('radio', { name: 'No', exact: true })
    .check({ timeout: CALL_TIMEOUT_MS });
  await call.getByRole('button', { name: 'Start tree' }).click();
  await w.locator('#idk-question:focus').waitFor({ timeout: CALL_TIMEOUT_MS });
  await page.keyboard.press('1');
  await call.getByRole('region', { name: 'Code and priority' }).getByText('QK-01').first().waitFor({ timeout: CALL_TIMEOUT_MS });
  await call.getByRole('button', { name: 'Close call' }).click();
  await w.getByRole('dialog', { name: 'Review and close the call' }).getByRole('button', { name: 'Confirm close' }).click();
  await w.getByRole('button', { name: 'Answer next call' }).waitFor({ timeout: CALL_TIMEOUT_MS });
}

/**
 * Runs `checkpoints` (ascending call counts, e.g. [50, 200]) calls through the demo host page on
 * `origin`; returns `{ atLoad, points: [{ calls, jsHeapBytes, wasmBytes, domNodes, perCallBytes }],
 * delivered }`, `perCallBytes` being the growth per call since the previous point.
 */
export async function measureShift({ browser, origin, checkpoints }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.addInitScript(INIT_SCRIPT);
    const cdp = await context.newCDPSession(page);
    await page.goto(`${origin}/demo/host.html?keep=0&pack=${QUICK_PACK_URL}`, { timeout: 120_000 });
    const frame = page.frameLocator('iframe.crm-widget');
    await frame.locator('html[data-incident-desk="ready"]').waitFor({ state: 'attached', timeout: 120_000 });
    await frame.getByRole('button', { name: 'Answer call' }).waitFor({ timeout: 120_000 });
    const widgetFrame = page.frames().find((f) => f !== page.mainFrame());
    const sample = async (calls) => {
      const jsHeapBytes = await heapNow(cdp);
      const { wasmBytes, domNodes } = await widgetFrame.evaluate(() => ({
        wasmBytes: window.__benchWasmMemory?.buffer?.byteLength ?? null,
        domNodes: document.getElementsByTagName('*').length,
      }));
      return { calls, jsHeapBytes, wasmBytes, domNodes };
    };
    const atLoad = await sample(0);
    const points = [];
    let done = 0;
    let previous = atLoad;
    for (const target of checkpoints) {
      while (done < target) {
        await quickCall(page, frame);
        done += 1;
      }
      // Let the last acknowledgement land and the outbox settle before measuring.
      await page.waitForTimeout(1_000);
      const point = await sample(done);
      point.perCallBytes = Math.round((point.jsHeapBytes - previous.jsHeapBytes) / (done - previous.calls));
      points.push(point);
      previous = point;
    }
    const delivered = Number((await page.locator('#crm-entries-empty').innerText()).match(/^\d+/)?.[0] ?? 0);
    return { atLoad, points, delivered };
  } finally {
    await context.close().catch(() => {});
  }
}
