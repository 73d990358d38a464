// A small static file server for the end-to-end tests and the benchmark. Loopback only.
//
//   node tests/support/static-server.mjs --port 4173 --mount /=dist --mount /fixtures/=tests/fixtures
//
// With --precompressed it serves FILE.br or FILE.gz in place of FILE when the request accepts that
// encoding (the benchmark measures what a production server would send). Paths are resolved inside
// their mount and never escape it.
//
// With --crm it also answers /crm/ with the test CRM endpoint (examples/host-crm/crm-endpoint.mjs),
// on the same origin as the widget, whose Content Security Policy allows only its own origin.
// --crm-origin ORIGIN (repeatable) lets a page on another origin POST entries (CORS allow-list),
// --crm-seed N seeds its fault injection. With --crm every answer closes its connection (see
// crm-endpoint.mjs: a reused connection lets Chromium resend a POST whose answer was dropped).
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
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

/**
 * Starts the server on 127.0.0.1. `crm`: false, true, or the options of `createCrmHandler`; the
 * handler is then `server.crm` (with `state()` and `control()`).
 */
export async function startServer({ port = 0, mounts, precompressed = false, headers = {}, crm = false }) {
  let crmHandler = null;
  if (crm) {
    // Imported only when asked for, so the benchmark's server does not depend on the example.
    const { createCrmHandler } = await import('../../examples/host-crm/crm-endpoint.mjs');
    crmHandler = createCrmHandler(crm === true ? {} : crm);
  }
  const table = Object.entries(mounts)
    .map(([prefix, dir]) => [prefix, path.resolve(dir)])
    .sort((a, b) => b[0].length - a[0].length);

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
      let file = path.resolve(dir, '.' + path.posix.normalize('/' + pathname.slice(prefix.length)));
      if (!file.startsWith(dir)) return notFound(res);
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
      if (precompressed) {
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
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--mount') {
      const [prefix, dir] = args[++i].split('=');
      mounts[prefix] = dir;
    } else if (args[i] === '--precompressed') precompressed = true;
    else if (args[i] === '--crm') crm = true;
    else if (args[i] === '--crm-origin') crmOrigins.push(args[++i]);
    else if (args[i] === '--crm-seed') crmSeed = Number(args[++i]);
    else throw new Error(`unknown argument ${args[i]}`);
  }
  if ((crmOrigins.length || crmSeed !== undefined) && !crm) throw new Error('--crm-origin and --crm-seed need --crm');
  const server = await startServer({
    port,
    mounts,
    precompressed,
    crm: crm && { allowedOrigins: crmOrigins, ...(crmSeed !== undefined ? { seed: crmSeed } : {}) },
  });
  console.log(`serving on http://127.0.0.1:${server.address().port}/`);
  if (crm) console.log(`test CRM endpoint on http://127.0.0.1:${server.address().port}/crm/entries`);
}
