// Serves a built widget on a random loopback port for a script (the screenshots, the keystroke
// benchmark): the test static server with the development deployment and the test fixtures.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the server for `dist` (relative to the repository); resolves to `{ origin, stop }`. */
export async function serveDist(dist, { first = 4180, span = 500 } = {}) {
  const port = first + Math.floor(Math.random() * span);
  const server = spawn('node', ['tests/support/static-server.mjs', '--port', String(port), '--mount', `/=${dist}`, '--mount', '/fixtures/=tests/fixtures', '--deployment', 'deployment.dev.json'], {
    cwd: root,
    stdio: 'ignore',
  });
  const origin = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${origin}/index.html`)).ok) return { origin, stop: () => server.kill() };
    } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  server.kill();
  throw new Error('the static server did not start');
}
