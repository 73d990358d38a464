// Helpers shared by the benchmark's parts (run.mjs, interaction.mjs, peer.mjs): compression as the
// size figures use it, precompressed copies for the loopback server, nearest-rank percentiles, and
// the machine facts printed beside every set of figures.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';

import { CHROMIUM, CHROMIUM_ARGS } from '../tests/support/chromium.mjs';
import { startServer } from '../tests/support/static-server.mjs';

/** Extensions the loopback server may serve precompressed (.gz and .br beside the file). */
export const PRECOMPRESS = new Set(['.wasm', '.js', '.css', '.html', '.json']);

export function gzip(bytes) {
  return zlib.gzipSync(bytes, { level: 9 });
}

export function brotli(bytes) {
  return zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  });
}

/** Writes `.gz` and `.br` copies of every compressible file under `dir`. */
export async function precompressTree(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      await precompressTree(full);
    } else if (entry.isFile() && PRECOMPRESS.has(path.extname(entry.name))) {
      const bytes = await readFile(full);
      await writeFile(full + '.gz', gzip(bytes));
      await writeFile(full + '.br', brotli(bytes));
    }
  }
}

/** Nearest-rank percentile `p` (0–100) of `values` (any order); null when there are none. */
export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Node, Chromium, CPUs and load average now: printed beside every figure. */
export function machineFacts(browser) {
  return {
    node: process.version,
    chromium: `Chromium ${browser.version()}`,
    cpus: os.cpus().length,
    cpuModel: (os.cpus()[0]?.model ?? 'unknown').replace(/\s+/g, ' ').trim(),
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    loadAverage: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

/**
 * Serves `serveDir` (precompressed) and the demo host pages at /demo/ on a loopback port (`port`, or any free one), launches Debian's Chromium, and runs
 * `work({ browser, origin })`; both are closed afterwards, and on SIGINT/SIGTERM (then the process
 * exits 130, after calling `onStop` so the caller can stay quiet about the failures that follow).
 */
export async function withServerAndBrowser({ serveDir, label, onStop = () => {}, port = 0 }, work) {
  let server;
  let browser;
  const cleanup = async () => {
    await browser?.close().catch(() => {});
    browser = undefined;
    if (server) {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve()));
      server = undefined;
    }
  };
  const onSignal = (signal) => {
    onStop();
    process.stderr.write(`\n${label}: ${signal}, stopping\n`);
    cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // The development deployment settings (the build's own allow nothing): the demo host page on
    // this machine may embed the widget. The demo pages are served from the source tree (the build
    // holds none).
    const deployment = fileURLToPath(new URL('../deployment.dev.json', import.meta.url));
    const demo = fileURLToPath(new URL('../demo/', import.meta.url));
    server = await startServer({ port, mounts: { '/': serveDir, '/demo/': demo }, precompressed: true, deployment });
    const origin = `http://127.0.0.1:${server.address().port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    return await work({ browser, origin });
  } finally {
    await cleanup();
  }
}
