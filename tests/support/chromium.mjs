// How every Node-driven test and benchmark starts Chromium: Debian's build (never a downloaded
// browser) with the flags this closed network needs (no background connections, as root no
// sandbox). The wasm-bindgen browser tests pass the same flags through webdriver.json.
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];
