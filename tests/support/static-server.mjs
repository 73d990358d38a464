// A small static file server for the end-to-end tests and the benchmark. Loopback only.
//
//   node tests/support/static-server.mjs --port 4173 --mount /=dist --mount /demo/=demo --mount /fixtures/=tests/fixtures
//
// dist/ holds only what a deployment serves; the demo host pages (demo/), the fixtures and the
// examples are mounted from the source tree beside it. The demo pages reach the widget by relative
// paths (../index.html, ../element.js), so they work wherever dist is mounted at `/`.
//
// With --precompressed it serves FILE.br or FILE.gz in place of FILE when the request accepts that
// encoding (the benchmark measures what a production server would send). Paths are resolved inside
// their mount and never escape it.
//
// The pages a CRM frames (`/` and `/index.html`, the call screen, and `/console.html`, the
// supervisor's console, of the `/` mount) are sent with a Content-Security-Policy
// header: the page's own meta policy plus `frame-ancestors` from the deployment settings served
// beside it (deployment.json: `'self'` and each host origin; only `'self'` when the file is missing
// or not usable). A meta policy cannot say frame-ancestors, so without the header any site could
// frame the widget (docs/deployment.md). Both files are read once, at start-up. --deployment FILE
// serves FILE as /deployment.json in place of the build's (deployment.dev.json, the development
// settings: the build's own allows nothing).
//
// With --crm it also answers /crm/ with the test CRM endpoint (examples/host-crm/crm-endpoint.mjs),
// on the same origin as the widget, whose Content Security Policy allows only its own origin.
// --crm-origin ORIGIN (repeatable) lets a page on another origin POST entries (CORS allow-list),
// --crm-seed N seeds its fault injection. With --crm every answer closes its connection (see
// crm-endpoint.mjs: a reused connection lets Chromium resend a POST whose answer was dropped).
// The incidents (crm-incidents.mjs): --crm-data FILE keeps entries, incidents, events and the
// feed in FILE across restarts; --crm-pack FILE opens incidents under that procedure pack;
// --crm-unit-delay MS and --crm-unit-seed N set the simulated units' pace and seed.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** The deployment settings' format this server reads (engine/src/deployment.rs). */
const DEPLOYMENT_FORMAT = 'incident-desk/deployment@1';

/** Whether `hostname` (as URL gives it) is this machine: plain http is allowed only there. */
function isLoopback(hostname) {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * The host origins of a deployment file's text, checked as the widget's engine checks them
 * (exact `scheme://host[:port]`, https except on this machine), or why they cannot be used: the
 * widget refuses a whole file with any problem, so does this.
 */
export function deploymentHosts(text) {
  let settings;
  try {
    settings = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return { error: 'deployment.json is not valid JSON' };
  }
  if (settings === null || typeof settings !== 'object' || Array.isArray(settings)) return { error: 'not a JSON object' };
  const unknown = Object.keys(settings).filter((k) => !['format', 'hosts', 'endpoints'].includes(k));
  if (unknown.length) return { error: `unknown fields: ${unknown.join(', ')}` };
  if (settings.format !== DEPLOYMENT_FORMAT) return { error: `format must be "${DEPLOYMENT_FORMAT}"` };
  if (!Array.isArray(settings.endpoints) || !settings.endpoints.every((e) => typeof e === 'string')) {
    return { error: 'endpoints must be a list of addresses' };
  }
  if (!Array.isArray(settings.hosts)) return { error: 'hosts must be a list of origins' };
  const hosts = [];
  for (const [i, host] of settings.hosts.entries()) {
    let url;
    try {
      url = typeof host === 'string' && !/[\s*]/.test(host) ? new URL(host) : null;
    } catch {
      url = null;
    }
    const exact = url && ['http:', 'https:'].includes(url.protocol) && url.origin === host.toLowerCase().replace(/\/$/, '');
    if (!exact || host.endsWith('/')) return { error: `hosts[${i}] is not an exact origin (scheme://host[:port])` };
    if (url.protocol === 'http:' && !isLoopback(url.hostname)) return { error: `hosts[${i}] must be https (plain http only on this machine)` };
    if (!hosts.includes(url.origin)) hosts.push(url.origin);
  }
  return { hosts };
}

/**
 * The Content-Security-Policy header for the widget's page in `dir`: its meta policy plus
 * `frame-ancestors 'self'` and the deployment's host origins. `null` when the directory has no
 * widget page with a meta policy. `warning` says why the deployment's hosts were left out.
 */
export function widgetPagePolicy(dir, deploymentFile = path.join(dir, 'deployment.json'), name = 'index.html') {
  let page;
  try {
    page = readFileSync(path.join(dir, name), 'utf8');
  } catch {
    return null;
  }
  const meta = page.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i);
  if (!meta) return null;
  let deployment;
  try {
    deployment = deploymentHosts(readFileSync(deploymentFile, 'utf8'));
  } catch {
    deployment = { error: 'deployment.json is missing' };
  }
  const sources = ["'self'", ...(deployment.hosts ?? [])].join(' ');
  return {
    policy: `${meta[1].trim().replace(/;$/, '')}; frame-ancestors ${sources}`,
    warning: deployment.error ? `${deployment.error}: the widget page may be framed by its own origin only` : null,
  };
}

/**
 * Starts the server on 127.0.0.1. `crm`: false, true, or the options of `createCrmHandler`; the
 * handler is then `server.crm` (with `state()` and `control()`). `deployment`: a file served as
 * `/deployment.json` in place of the build's (the development settings, deployment.dev.json: a
 * release build carries settings that allow nothing until the organisation writes its own).
 */
export async function startServer({ port = 0, mounts, precompressed = false, headers = {}, crm = false, deployment = null }) {
  let crmHandler = null;
  if (crm) {
    // Imported only when asked for, so the benchmark's server does not depend on the example.
    const { createCrmHandler } = await import('../../examples/host-crm/crm-endpoint.mjs');
    crmHandler = createCrmHandler(crm === true ? {} : crm);
  }
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);
  const deploymentFile = deployment ? path.resolve(deployment) : null;
  const widgetPage = mounts['/'] ? widgetPagePolicy(path.resolve(mounts['/']), deploymentFile ?? undefined) : null;
  if (widgetPage?.warning) console.warn(`static-server: ${widgetPage.warning}`);
  const consolePage = mounts['/'] ? widgetPagePolicy(path.resolve(mounts['/']), deploymentFile ?? undefined, 'console.html') : null;
  // The pages a CRM frames, by path, with the header each is sent with.
  const framed = new Map();
  if (widgetPage) for (const p of ['/', '/index.html']) framed.set(p, widgetPage.policy);
  if (consolePage) framed.set('/console.html', consolePage.policy);

  const server = createServer(async (req, res) => {
    if (crmHandler?.(req, res)) return;
    // With the CRM, no connection is reused: Chromium would resend a POST whose answer the CRM
    // drops on purpose by itself, and the widget would never see the drop.
    if (crmHandler) res.setHeader('connection', 'close');
    try {
      const url = new URL(req.url, 'http://127.0.0.1');
      let pathname = decodeURIComponent(url.pathname);
      const mount = table.find(([prefix]) => pathname.startsWith(prefix));
      if (!mount) return notFound(res);
      const [prefix, dir] = mount;
      const policy =
        prefix === '/' && framed.has(pathname) ? { 'content-security-policy': framed.get(pathname) } : {};
      let file = path.resolve(dir, '.' + path.posix.normalize('/' + pathname.slice(prefix.length)));
      if (!file.startsWith(dir)) return notFound(res);
      const overridden = deploymentFile && prefix === '/' && pathname === '/deployment.json';
      if (overridden) file = deploymentFile;
      let info = await stat(file).catch(() => null);
      if (info?.isDirectory()) {
        file = path.join(file, 'index.html');
        info = await stat(file).catch(() => null);
      }
      if (!info?.isFile()) return notFound(res);
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      const accept = String(req.headers['accept-encoding'] ?? '');
      let body;
      let encoding;
      if (precompressed && !overridden) {
        for (const [ext, name] of [['.br', 'br'], ['.gz', 'gzip']]) {
          if (accept.includes(name)) {
            body = await readFile(file + ext).catch(() => null);
            if (body) {
              encoding = name;
              break;
            }
          }
        }
      }
      body ??= await readFile(file);
      res.writeHead(200, {
        'content-type': type,
        'content-length': body.length,
        'cache-control': 'no-store',
        ...(encoding ? { 'content-encoding': encoding, vary: 'accept-encoding' } : {}),
        ...policy,
        ...headers,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error?.message ?? error));
    }
  });

  server.crm = crmHandler;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function notFound(res) {
  res.writeHead(404, { 'content-type': 'text/plain' });
  res.end('not found');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const mounts = {};
  let port = 4173;
  let precompressed = false;
  let crm = false;
  const crmOrigins = [];
  let crmSeed;
  const crmDesk = {};
  let deployment = null;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--mount') {
      const [prefix, dir] = args[++i].split('=');
      mounts[prefix] = dir;
    } else if (args[i] === '--precompressed') precompressed = true;
    else if (args[i] === '--crm') crm = true;
    else if (args[i] === '--deployment') deployment = args[++i];
    else if (args[i] === '--crm-origin') crmOrigins.push(args[++i]);
    else if (args[i] === '--crm-seed') crmSeed = Number(args[++i]);
    else if (args[i] === '--crm-data') crmDesk.dataFile = args[++i];
    else if (args[i] === '--crm-pack') crmDesk.pack = args[++i];
    else if (args[i] === '--crm-unit-delay') crmDesk.unitDelayMs = Number(args[++i]);
    else if (args[i] === '--crm-unit-seed') crmDesk.unitSeed = Number(args[++i]);
    else throw new Error(`unknown argument ${args[i]}`);
  }
  if ((crmOrigins.length || crmSeed !== undefined) && !crm) throw new Error('--crm-origin and --crm-seed need --crm');
  if (Object.keys(crmDesk).length && !crm) throw new Error('--crm-data, --crm-pack, --crm-unit-delay and --crm-unit-seed need --crm');
  const server = await startServer({
    port,
    mounts,
    precompressed,
    deployment,
    crm: crm && { allowedOrigins: crmOrigins, ...(crmSeed !== undefined ? { seed: crmSeed } : {}), ...crmDesk },
  });
  console.log(`serving on http://127.0.0.1:${server.address().port}/`);
  if (crm) console.log(`test CRM endpoint on http://127.0.0.1:${server.address().port}/crm/entries`);
  if (crmDesk.dataFile) console.log(`test CRM data kept in ${server.crm.state().desk.dataFile}`);
}
