// Keystrokes for a whole call (issue 13), a benchmark, not a test: a handler who follows the
// call bar ("Next:", key n), keyboard only, at 1366×768, takes the gas call (82, lives alone) and
// a pothole call of the council pack from answer to close (tests/e2e/follow-the-bar.mjs says how
// that handler moves: "n", Ctrl+Enter from a text field, no key where focus already is on the
// step). Prints the keys pressed (a typed
// character counts as a key), how many of them are typed characters, and how many are the rest
// (navigation, answers, confirmations), beside the walk-through's baseline for issue 13 (321 keys
// for the gas call, 397 for the pothole call, typed text included, before the workspace).
//
//   node bench/keystrokes.mjs [dist]     (dist defaults to bench/out/dist, else dist)
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/support/chromium.mjs';
import { serveDist } from '../tests/support/serve-dist.mjs';
import { followTheBar, GAS_CALL, POTHOLE_CALL } from '../tests/e2e/follow-the-bar.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = process.argv[2] ?? (existsSync(`${root}bench/out/dist/index.html`) ? 'bench/out/dist' : 'dist');
const BASELINE = { gas: 321, pothole: 397 };

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const { origin, stop } = await serveDist(dist, { first: 4700, span: 250 });
try {
  console.log(`keystrokes for a whole call, keyboard only, at 1366x768, following the call bar (${dist})`);
  for (const [name, scenario] of [['gas', GAS_CALL], ['pothole', POTHOLE_CALL]]) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-GB', timezoneId: 'Europe/London' });
    await page.goto(`${origin}/index.html`);
    await page.getByRole('button', { name: 'Answer call' }).waitFor();
    const { keys, typed, steps } = await followTheBar(page, page, scenario);
    const other = keys - typed;
    console.log(
      `  ${name.padEnd(8)} ${String(keys).padStart(4)} keys (${typed} typed characters, ${other} other keys) in ${steps.length} steps; baseline ${BASELINE[name]} keys: ${((100 * keys) / BASELINE[name]).toFixed(0)}% of it`,
    );
    await page.close();
  }
} finally {
  await browser.close();
  stop();
}
