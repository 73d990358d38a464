// End-to-end tests: the release build (dist/, from `trunk build --release`) served on loopback,
// driven in Debian's Chromium. Never downloads a browser.
import { defineConfig } from '@playwright/test';
import { CHROMIUM, CHROMIUM_ARGS } from '../support/chromium.mjs';

const PORT = 4173;

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.mjs',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // Whole calls typed key by key take 10–35 s on a busy 2-core machine; a hang still fails.
  timeout: 120_000,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    // A UK handler's browser, whatever the machine's own settings: times the widget shows follow
    // the browser's locale and time zone until the host configures a locale.
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    launchOptions: { executablePath: CHROMIUM, args: CHROMIUM_ARGS },
  },
  webServer: {
    // The widget, the demo host pages (from the source tree: the build holds none), the test
    // fixtures, the example host pages, and the test CRM endpoint (/crm/) on the same loopback
    // origin: the widget's Content Security Policy allows only its own origin.
    command: `node ../support/static-server.mjs --port ${PORT} --mount /=../../dist --mount /demo/=../../demo --mount /fixtures/=../fixtures --mount /examples/=../../examples --crm --crm-unit-delay 500 --deployment ../../deployment.dev.json`,
    url: `http://127.0.0.1:${PORT}/index.html`,
    reuseExistingServer: false,
    cwd: new URL('.', import.meta.url).pathname,
    stdout: 'ignore',
  },
});
