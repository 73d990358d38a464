// What each app ships and what is in its wasm: the size table (wasm, js and css of every app page
// in a release dist, raw, gzip -9 and brotli 11, beside the app's budget) and, per app, the wasm's
// code and data by bucket (serde by type family, Leptos runtime and views, the widget's components
// and host code, each engine module, std, text tables, ...), raw bytes and gzip share.
//
//   node bench/size.mjs <dist-dir> [--exact] [--no-breakdown] [--top N] [--functions TEXT] [--share REGEX]... [--json]
//
// --functions TEXT lists the largest functions of the buckets whose names contain TEXT; --share REGEX
// prints the raw bytes and gzip share of the functions whose names (crate hashes left out) match;
// --named-wasm FILE takes the call screen's wasm with names from an earlier run (bench/out/size/).
//
// The apps are the pages at the top of the dist that load a wasm (Trunk's `pattern_script`, the boot
// tag's data-js and data-wasm; today index.html, the call screen); BUDGETS has their budgets.
//
// For the breakdown the wasm needs its function names, which the shipped file does not keep (wasm-opt
// drops them). So the app's wasm is built again: cargo with v0 symbol names (generic arguments
// spelled out: `deserialize_seq::<VecVisitor<incident_engine::pack::TreeNode>>`) into
// `<target>/size-names` (the shipped build's artifacts are left alone), then wasm-bindgen
// `--keep-debug` and wasm-opt with the page's own `data-wasm-opt` level and `data-wasm-opt-params`
// plus `-g` (which keeps names and changes no code). That build is within a few bytes of the shipped
// one, and the difference is printed. `--exact` reads the cargo output Trunk shipped from instead:
// byte for byte the shipped wasm, but legacy names, which say nothing of generic arguments.
//
// Attribution. Each function goes to the bucket its name says (`incident_engine::search::...` is
// engine search, `core::slice::sort::...` std sort); generic code to the project type or closure
// its arguments name (a Vec<TreeNode> reader is serde for the pack's types, a tachys `Render` for a
// closure of the call screen is the call screen's view code, a memo running a widget closure is that
// widget code). Generic code that names none (serde_json's own parser, tachys's shared parts) goes,
// when one owner has more than half the named code it dominates, to that owner, else to the owner of
// its nearest named dominator in the call graph (the function every path to it passes through), else
// to "generic"/"shared". Data (strings, tables) goes to the bucket of the functions whose constants
// or load offsets point at it (a table belongs to the code that reads it; bytes pointed at by code
// of several buckets are "data: shared").
// The gzip share of a bucket is how much the gzip -9 of the wasm shrinks when the bucket's bytes are
// cut out of it (everything else kept): shares overlap a little, so they add up to less than the
// whole; the rest is compression context that no one bucket owns. gzip is the gzip program's -9
// (what `gzip -9c FILE | wc -c` says); brotli is zlib's at quality 11.
//
// Needs cargo, wasm-bindgen and wasm-opt on PATH (scripts/lib.sh's setup installs them) and the gzip
// program. scripts/bench runs it after building bench/out/dist.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import zlib from 'node:zlib';

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(BENCH_DIR, '..');
const NAMES_DIR = path.join(BENCH_DIR, 'out', 'size');

/**
 * Each app's budget for wasm + js + css, gzip -9 bytes (1 KB = 1000 bytes), by its page in the dist.
 * Issue 14: the call screen at most 450 KB; issue 16: practice the same.
 */
export const BUDGETS = {
  'index.html': { app: 'call screen', gzipBytes: 450_000 },
  // Issue 16: the call screen in practice mode, the scripted caller and the score, without the
  // live outbox and host link; held to the call screen's budget.
  'practice.html': { app: 'practice', gzipBytes: 450_000 },
  // The practice record (attempts, chart, criteria, sign-off): no call screen in it.
  'practice-record.html': { app: 'practice record', gzipBytes: 200_000 },
  // Knowledge checks from the pack: the pack reader and the question generator, no call screen.
  'practice-knowledge.html': { app: 'knowledge check', gzipBytes: 250_000 },
  // Issue 17: the supervisor's console: the pack reader, the incident engine (board, clocks,
  // tasking) and its screens, no call screen. 244 KB when it was set.
  'console.html': { app: 'console', gzipBytes: 300_000 },
};

class SizeError extends Error {}

const USAGE = 'node bench/size.mjs <dist-dir> [--exact] [--no-breakdown] [--top N] [--functions TEXT] [--share REGEX]... [--json]';

// ---------------------------------------------------------------------------------------------
// Compression

// gzip -9 as the gzip program writes it (what `gzip -9c FILE | wc -c` says and a server's
// precompressed .gz holds); zlib's level 9, which run.mjs uses, comes out about 1.5% larger on the wasm.
let gzipProgram = true;
export function gzip(bytes) {
  if (gzipProgram) {
    try {
      return execFileSync('gzip', ['-9c'], { input: bytes, maxBuffer: 1 << 28 }).length;
    } catch {
      gzipProgram = false;
      process.stderr.write('size: no gzip program; using zlib level 9\n');
    }
  }
  return zlib.gzipSync(bytes, { level: 9 }).length;
}

function brotli(bytes) {
  return zlib.brotliCompressSync(bytes, {
    params: {
      [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
      [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
    },
  }).length;
}

// ---------------------------------------------------------------------------------------------
// The apps in a dist and their files

/** The value of attribute `name` in a tag's text, or undefined. */
function attribute(tag, name) {
  const match = tag.match(new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`));
  return match?.[1];
}

/** A page's address of a file (`/incident-desk.js`, `./main.css`) as a path in `dist`. */
function distFile(dist, href) {
  return path.join(dist, decodeURIComponent(href.replace(/^(\.?\/)+/, '').split(/[?#]/)[0]));
}

/** Every page at the top of `dist` that loads a wasm: its js, wasm and stylesheets. */
export function findApps(dist) {
  const apps = [];
  for (const name of readdirSync(dist).filter((n) => n.endsWith('.html')).sort()) {
    const html = readFileSync(path.join(dist, name), 'utf8');
    const boot = html.match(/<script\b[^>]*\bdata-wasm="[^"]*"[^>]*>/)?.[0];
    if (!boot) continue;
    const scripts = [attribute(boot, 'src'), attribute(boot, 'data-js')].filter(Boolean);
    // The glue's own static imports (wasm-bindgen's snippets, as host::procedures's loader) load
    // with it, so they count.
    const glue = attribute(boot, 'data-js');
    if (glue) {
      const text = readFileSync(distFile(dist, glue), 'utf8');
      for (const m of text.matchAll(/\bfrom\s*['"](\.\/snippets\/[^'"]+)['"]/g)) scripts.push(m[1]);
    }
    const styles = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*>/g)].map((m) => attribute(m[0], 'href')).filter(Boolean);
    apps.push({
      page: name,
      name: BUDGETS[name]?.app ?? name.replace(/\.html$/, ''),
      wasm: [distFile(dist, attribute(boot, 'data-wasm'))],
      js: scripts.map((s) => distFile(dist, s)),
      css: styles.map((s) => distFile(dist, s)),
    });
  }
  if (apps.length === 0) throw new SizeError(`no page in ${dist} loads a wasm (a boot script with data-wasm): is it a release build?`);
  // Apps with a budget first (the call screen), then the rest by page.
  return apps.sort((a, b) => Number(!BUDGETS[a.page]) - Number(!BUDGETS[b.page]));
}

/** Raw, gzip and brotli bytes of each kind of file an app loads, and their total. */
export function measureApp(app) {
  const kinds = {};
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const kind of ['wasm', 'js', 'css']) {
    const entry = { files: app[kind].map((f) => path.basename(f)), raw: 0, gzip: 0, brotli: 0 };
    for (const file of app[kind]) {
      const bytes = readFileSync(file);
      if (kind === 'wasm' && !WebAssembly.validate(bytes)) throw new SizeError(`${file} is not valid WebAssembly`);
      entry.raw += bytes.length;
      entry.gzip += gzip(bytes);
      entry.brotli += brotli(bytes);
    }
    kinds[kind] = entry;
    for (const key of Object.keys(total)) total[key] += entry[key];
  }
  const budget = BUDGETS[app.page]?.gzipBytes ?? null;
  return { page: app.page, name: app.name, kinds, total, budget };
}

// ---------------------------------------------------------------------------------------------
// The wasm with names: the cargo output again through wasm-bindgen and wasm-opt, as Trunk does

/** The `<link data-trunk rel="rust">` of the source page beside Cargo.toml, as attributes. */
function rustLink(page) {
  const source = path.join(ROOT, page);
  let html;
  try {
    html = readFileSync(source, 'utf8');
  } catch {
    return null;
  }
  const tag = html.match(/<link\b[^>]*\bdata-trunk\b[^>]*\brel="rust"[^>]*>/)?.[0];
  if (!tag) return null;
  for (const flag of ['data-reference-types', 'data-weak-refs', 'data-keep-debug', 'data-no-demangle', 'data-cargo-profile']) {
    if (new RegExp(`\\s${flag}\\b`).test(tag)) throw new SizeError(`${page}: ${flag} is not handled by bench/size.mjs yet`);
  }
  return {
    bin: attribute(tag, 'data-bin') ?? JSON.parse(execFileSync('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: ROOT, encoding: 'utf8' })).packages[0].name,
    level: attribute(tag, 'data-wasm-opt') ?? 's',
    params: (attribute(tag, 'data-wasm-opt-params') ?? '').split(/\s+/).filter(Boolean),
  };
}

function cargoTargetDir() {
  if (process.env.CARGO_TARGET_DIR) return path.resolve(ROOT, process.env.CARGO_TARGET_DIR);
  const meta = JSON.parse(execFileSync('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: ROOT, encoding: 'utf8' }));
  return meta.target_directory;
}

function run(tool, args, env = {}) {
  try {
    execFileSync(tool, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  } catch (error) {
    throw new SizeError(`${tool} ${args.join(' ')} failed: ${error.stderr?.toString().trim() || error.message}`);
  }
}

/**
 * The cargo output the apps' wasm is made from, with function names: `v0`, a cargo build of its own
 * (in `<target>/size-names`, so the shipped build's artifacts stay as they are) of every app's bin
 * at once, with v0 symbol names, which spell out generic arguments
 * (`deserialize_seq::<VecVisitor<pack::TreeNode>>`); its code is within a few bytes of the shipped
 * one. `exact`: the cargo output Trunk shipped from, byte for byte the shipped wasm but with legacy
 * names, so generic code goes by its dominators. Returns the folder holding `<bin>.wasm`.
 */
function cargoOutput(bins, mode) {
  let target = cargoTargetDir();
  if (mode === 'v0') {
    target = path.join(target, 'size-names');
    // --config joins this to the rustflags in .cargo/config.toml (RUSTFLAGS would replace them).
    run('cargo', [
      'build', '--release', '--locked', '--offline', '--target=wasm32-unknown-unknown', ...bins.flatMap((bin) => ['--bin', bin]),
      '--config', 'target.wasm32-unknown-unknown.rustflags=["-Csymbol-mangling-version=v0"]',
    ], { CARGO_TARGET_DIR: target });
  }
  return path.join(target, 'wasm32-unknown-unknown', 'release');
}

/** The app's wasm made again from `<bin>.wasm` in `folder` as Trunk makes it, names kept. */
function namedWasm(app, link, folder, mode) {
  const input = path.join(folder, `${link.bin}.wasm`);
  if (mode === 'exact' && statSync(input).mtimeMs > statSync(app.wasm[0]).mtimeMs + 1000) {
    process.stderr.write(`size: warning: ${input} is newer than ${app.wasm[0]}; the shipped wasm may not match\n`);
  }
  const out = path.join(NAMES_DIR, link.bin);
  mkdirSync(out, { recursive: true });
  run('wasm-bindgen', ['--target=web', `--out-dir=${out}`, `--out-name=${link.bin}`, '--no-typescript', '--keep-debug', input]);
  const named = path.join(out, `${link.bin}.named.wasm`);
  run('wasm-opt', [`--output=${named}`, `-O${link.level}`, path.join(out, `${link.bin}_bg.wasm`), ...link.params, '-g']);
  return named;
}

// ---------------------------------------------------------------------------------------------
// Reading a wasm module

class Reader {
  constructor(bytes, pos = 0) {
    this.b = bytes;
    this.p = pos;
  }
  byte() {
    return this.b[this.p++];
  }
  /** An LEB128's value bits as a Number, with how many bits it held and its last byte. */
  leb() {
    let result = 0;
    let shift = 0;
    let x;
    do {
      x = this.b[this.p++];
      result += (x & 0x7f) * 2 ** shift;
      shift += 7;
    } while (x & 0x80);
    return { result, shift, last: x };
  }
  u32() {
    return this.leb().result;
  }
  /** A signed LEB128 as a Number (exact for the 32-bit constants this reads). */
  s32() {
    const { result, shift, last } = this.leb();
    return shift < 64 && last & 0x40 ? result - 2 ** shift : result;
  }
  skipLeb() {
    while (this.b[this.p++] & 0x80);
  }
  name() {
    const n = this.u32();
    const s = this.b.subarray(this.p, this.p + n).toString('utf8');
    this.p += n;
    return s;
  }
}

const VALTYPES = new Set([0x7f, 0x7e, 0x7d, 0x7c, 0x7b, 0x70, 0x6f]);

/**
 * Walks the instructions from `r.p` to the `end` that closes them (a function body or a constant
 * expression), calling `visit.call(funcIndex)` for every call and ref.func and `visit.address(n)`
 * for every i32.const and memory offset.
 */
function walkCode(r, end, visit) {
  let depth = 0;
  while (r.p < end) {
    const op = r.byte();
    switch (op) {
      case 0x02:
      case 0x03:
      case 0x04: {
        const t = r.b[r.p];
        if (t === 0x40 || VALTYPES.has(t)) r.p++;
        else r.s32();
        depth++;
        break;
      }
      case 0x0b:
        if (depth === 0) return;
        depth--;
        break;
      case 0x0c:
      case 0x0d:
        r.skipLeb();
        break;
      case 0x0e: {
        const n = r.u32();
        for (let i = 0; i <= n; i++) r.skipLeb();
        break;
      }
      case 0x10:
      case 0x12:
        visit.call(r.u32());
        break;
      case 0x11:
      case 0x13:
        r.skipLeb();
        r.skipLeb();
        break;
      case 0x1c: {
        const n = r.u32();
        r.p += n;
        break;
      }
      case 0x41:
        visit.address(r.s32());
        break;
      case 0x42:
        r.skipLeb();
        break;
      case 0x43:
        r.p += 4;
        break;
      case 0x44:
        r.p += 8;
        break;
      case 0xd0:
        r.p++;
        break;
      case 0xd2:
        visit.call(r.u32());
        break;
      case 0xfc: {
        const sub = r.u32();
        if (sub <= 7) break;
        if (sub === 8) {
          r.skipLeb();
          r.p++;
        } else if (sub === 10) r.p += 2;
        else if (sub === 11) r.p++;
        else if (sub === 12 || sub === 14) {
          r.skipLeb();
          r.skipLeb();
        } else if (sub <= 17) r.skipLeb();
        else throw new SizeError(`unknown instruction 0xfc ${sub} at byte ${r.p}`);
        break;
      }
      default:
        if ((op >= 0x20 && op <= 0x26) || op === 0x3f || op === 0x40) r.skipLeb();
        else if (op >= 0x28 && op <= 0x3e) {
          r.skipLeb();
          visit.address(r.u32());
        } else if (op === 0x00 || op === 0x01 || op === 0x05 || op === 0x0f || op === 0x1a || op === 0x1b || (op >= 0x45 && op <= 0xc4) || op === 0xd1) {
          // no immediates
        } else throw new SizeError(`unknown instruction 0x${op.toString(16)} at byte ${r.p - 1} (SIMD, threads or exceptions are not read)`);
    }
  }
}

/** Functions (body bytes, names, calls, addresses), roots of the call graph, and data segments. */
export function readModule(bytes) {
  if (bytes.readUInt32LE(0) !== 0x6d736100) throw new SizeError('not a wasm module');
  const r = new Reader(bytes, 8);
  const functions = []; // index -> { name, start, end, calls: Set, addresses: [] }
  const roots = new Set();
  const data = []; // { address, start, end } (start/end in the file)
  const names = new Map();
  const sections = []; // { id, name, start (of the section id byte), end }
  let imported = 0;
  while (r.p < bytes.length) {
    const sectionStart = r.p;
    const id = r.byte();
    const size = r.u32();
    const end = r.p + size;
    let customName = null;
    if (id === 2) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        r.name();
        r.name();
        const kind = r.byte();
        if (kind === 0) {
          r.u32();
          functions.push({ index: imported++, name: null, start: 0, end: 0, calls: new Set(), addresses: [], imported: true });
        } else if (kind === 1) {
          r.p++;
          if (r.u32() & 1) r.u32();
          r.u32();
        } else if (kind === 2) {
          const flags = r.u32();
          r.u32();
          if (flags & 1) r.u32();
        } else if (kind === 3) r.p += 2;
        else if (kind === 4) {
          r.p++;
          r.u32();
        }
      }
    } else if (id === 7) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        r.name();
        const kind = r.byte();
        const index = r.u32();
        if (kind === 0) roots.add(index);
      }
    } else if (id === 8) {
      roots.add(r.u32());
    } else if (id === 9) {
      const visit = { call: (f) => roots.add(f), address: () => {} };
      for (let n = r.u32(), i = 0; i < n; i++) {
        const flags = r.u32();
        if (flags === 2 || flags === 6) r.u32();
        if (!(flags & 1)) walkCode(r, end, { call: () => {}, address: () => {} });
        if (flags === 1 || flags === 2 || flags === 3) r.p++; // elemkind
        if (flags === 5 || flags === 6 || flags === 7) r.p++; // reftype
        const count = r.u32();
        for (let j = 0; j < count; j++) {
          if (flags & 4) walkCode(r, end, visit);
          else roots.add(r.u32());
        }
      }
    } else if (id === 10) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        const bodySize = r.u32();
        const start = r.p;
        const fn = { index: imported + i, name: null, start, end: start + bodySize, calls: new Set(), addresses: [], imported: false };
        for (let locals = r.u32(), j = 0; j < locals; j++) {
          r.u32();
          r.p++;
        }
        walkCode(r, fn.end, { call: (f) => fn.calls.add(f), address: (a) => fn.addresses.push(a) });
        functions.push(fn);
        r.p = fn.end;
      }
    } else if (id === 11) {
      for (let n = r.u32(), i = 0; i < n; i++) {
        const flags = r.u32();
        let address = null;
        if (flags === 2) r.u32();
        if (flags !== 1) {
          let constant = null;
          walkCode(r, end, { call: () => {}, address: (a) => (constant ??= a) });
          address = constant;
        }
        const length = r.u32();
        data.push({ address, start: r.p, end: r.p + length });
        r.p += length;
      }
    } else if (id === 0) {
      customName = r.name();
      if (customName === 'name') {
        while (r.p < end) {
          const sub = r.byte();
          const subEnd = r.u32() + r.p;
          if (sub === 1) {
            for (let n = r.u32(), i = 0; i < n; i++) {
              const index = r.u32();
              names.set(index, r.name());
            }
          }
          r.p = subEnd;
        }
      }
    }
    sections.push({ id, name: customName, start: sectionStart, end });
    r.p = end;
  }
  for (const fn of functions) fn.name = names.get(fn.index) ?? `function #${fn.index}`;
  return { functions, roots, data, sections, imported };
}

/** Section sizes (id -> bytes, headers included) of a module, without reading its contents. */
function sectionSizes(bytes) {
  const r = new Reader(bytes, 8);
  const sizes = new Map();
  while (r.p < bytes.length) {
    const start = r.p;
    const id = r.byte();
    const size = r.u32();
    r.p += size;
    if (id !== 0) sizes.set(id, r.p - start);
  }
  return sizes;
}

/** The module without custom sections but the ones a browser reads: what ships. */
export function shippedBytes(bytes, sections) {
  const kept = sections.filter((s) => s.id !== 0 || s.name !== 'name');
  return Buffer.concat([bytes.subarray(0, 8), ...kept.map((s) => bytes.subarray(s.start, s.end))]);
}

// ---------------------------------------------------------------------------------------------
// Dominators (Cooper, Harvey and Kennedy, "A Simple, Fast Dominance Algorithm")

/** The immediate dominator of every function reachable from the roots (a root's is -1). */
function dominators(functions, roots) {
  const order = []; // reverse postorder
  const seen = new Uint8Array(functions.length);
  const post = [];
  const stack = [];
  for (const root of roots) {
    if (seen[root]) continue;
    seen[root] = 1;
    stack.push([root, [...functions[root].calls]]);
    while (stack.length) {
      const top = stack[stack.length - 1];
      const next = top[1].pop();
      if (next === undefined) {
        post.push(top[0]);
        stack.pop();
      } else if (!seen[next]) {
        seen[next] = 1;
        stack.push([next, [...functions[next].calls]]);
      }
    }
  }
  order.push(...post.reverse());
  const rank = new Int32Array(functions.length).fill(-1);
  order.forEach((f, i) => (rank[f] = i + 1));
  const preds = functions.map(() => []);
  for (const f of order) for (const c of functions[f].calls) preds[c].push(f);
  const ROOT = -1;
  const idom = new Map();
  for (const root of roots) idom.set(root, ROOT);
  const rankOf = (f) => (f === ROOT ? 0 : rank[f]);
  const intersect = (a, b) => {
    while (a !== b) {
      while (rankOf(a) > rankOf(b)) a = idom.get(a);
      while (rankOf(b) > rankOf(a)) b = idom.get(b);
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of order) {
      if (roots.has(f)) continue;
      let best;
      for (const p of preds[f]) {
        if (!idom.has(p)) continue;
        best = best === undefined ? p : intersect(p, best);
      }
      if (best !== undefined && idom.get(f) !== best) {
        idom.set(f, best);
        changed = true;
      }
    }
  }
  return idom;
}

// ---------------------------------------------------------------------------------------------
// Buckets

/** The first path in this project's crates a name mentions (its own, or a type argument's). */
function projectPath(name) {
  return name.match(/incident_(?:engine|desk)::\w+(?:::\w+)*/)?.[0] ?? null;
}

/** The engine module of a project path: `pack/load` (a layer's module), or `call` (the layer's own). */
function engineModule(path) {
  const m = path?.match(/^incident_engine::(\w+)(?:::([a-z_][a-z0-9_]*)(?=::|$))?/);
  if (!m) return null;
  return m[2] ? `${m[1]}/${m[2]}` : m[1];
}

/** The serde family of a project path: whose types the code reads or writes. */
function serdeFamily(path) {
  const module = engineModule(path);
  if (!module) return null;
  const [layer, file] = module.split('/');
  // The engine in layers (kernel, pack, call, delivery, protocol), and the flat modules before them.
  if (layer === 'pack' || /^(?:load|validate|json_path|lint|texts)$/.test(layer)) return 'serde: pack types';
  if (file === 'entry' || layer === 'entry') return 'serde: log entry';
  if (layer === 'call' || layer === 'draft') return 'serde: call Event and draft';
  if (layer === 'delivery' || layer === 'outbox') return 'serde: outbox';
  if (file === 'deployment' || layer === 'deployment') return 'serde: deployment';
  if (layer === 'protocol') return 'serde: protocol';
  return `serde: engine ${layer}`;
}

/** The widget's part a path names (`incident_desk::ui::call::triage` is the call screen's). */
function widgetPart(path) {
  const m = path?.match(/^incident_desk::(\w+)(?:::(\w+))?/);
  if (!m) return null;
  const [, top, part] = m;
  if (top === 'ui' || top === 'components') {
    return part === 'call' ? 'widget: call screen (ui/call)' : `widget: ui/${part ?? top}`;
  }
  if (top === 'apps') return `widget: apps/${part ?? 'apps'}`;
  if (top === 'app') return 'widget: apps/desk';
  if (top === 'host') return `widget host: ${part ?? 'host'}`;
  return `widget: ${top}`;
}

/** The bucket of a project path's own code: an engine module or a part of the widget. */
function ownerOf(path) {
  if (!path) return null;
  const engine = engineModule(path);
  return engine ? `engine: ${engine}` : widgetPart(path);
}

const VIEWS_SHARED = 'Leptos views: shared';
const RUNTIME = 'Leptos runtime (reactive_graph, owner, tasks)';
const BINDGEN = 'wasm-bindgen, js-sys, web-sys';
const RUNTIME_CRATES = /^(?:leptos|reactive_graph|reactive_stores|any_spawner|or_poisoned|throw_error|hydration_context|leptos_dom|leptos_server|slotmap|send_wrapper|guardian|futures_\w+|async_lock|event_listener\w*|pin_project\w*)$/;

/**
 * The bucket a function's name says, or `{ generic }` for generic code whose name does not say
 * whose it is: 'serde' (serde and serde_json), 'view' (tachys, Leptos's view components) or 'std';
 * those go to the code they serve (see assignBuckets). With v0 symbol names (generic arguments
 * spelled out) most generic code names its project type or closure and needs no guessing.
 */
export function bucketOfName(raw) {
  const name = raw.replace(/\[[0-9a-f]+\]/g, '').replace(/::h[0-9a-f]{16}$/, '');
  // The crate of the function itself: `<X as Trait>::f` is X's unless X is a std or tuple type.
  const own = name.match(/^<*(?:&(?:mut )?|dyn |\(|\[)*([a-z_][a-z0-9_]*)(?=::)/)?.[1] ?? '';
  const project = projectPath(name);
  if (/ as serde(?:_core)?::(?:de|ser)::\w+>|^<*(?:&(?:mut )?)?(?:serde_json|serde_core|serde|zmij)::/.test(name)) {
    return serdeFamily(project) ?? { generic: 'serde' };
  }
  if (/ as core::fmt::Debug>::fmt$/.test(name)) return 'std: Debug impls';
  if (own === 'tachys' || / as tachys::/.test(name) || /^core::ptr::drop_in_place::?<[&(]*tachys::/.test(name) || /^<*leptos::(?:for_loop|show|control_flow|suspense|into_view|text_prop|attr|children|component)/.test(name)) {
    const part = widgetPart(name.match(/incident_desk::\w+(?:::\w+)*/)?.[0]);
    return part ? `Leptos views: ${part.replace(/^widget(?: host)?: /, '')}` : { generic: 'view' };
  }
  if (/^(?:wasm_bindgen|js_sys|web_sys|wasm_bindgen_futures|wasm_streams)$/.test(own) || /externref shim|^__wbindgen|^__externref|^__wbg_|^function #|^intounderlying/.test(name)) {
    return BINDGEN;
  }
  if (RUNTIME_CRATES.test(own)) {
    // The runtime running one of the widget's closures (a memo, an effect): that closure's code.
    const closure = name.match(/incident_desk::[\w:]*\{closure/)?.[0];
    return closure ? widgetPart(closure) : RUNTIME;
  }
  if (/^unicode_/.test(own) || /^(?:core|alloc)::(?:unicode|str::unicode)|^<?(?:str|char)>?::to_(?:lower|upper)case|^<char>::|^nucleo_matcher::chars/.test(name)) {
    return 'text: unicode tables and case';
  }
  if (own === 'nucleo_matcher') return 'nucleo-matcher';
  if (/^(?:dlmalloc|compiler_builtins)$/.test(own) || /^(?:memcpy|memmove|memset|memcmp)$|(?:^|::)(?:__rust_\w+|__rdl_\w+|__rg_\w+)$|^alloc::alloc::|raw_vec::.*(?:grow|finish_grow|handle_error)/.test(name)) {
    return 'std: allocator and memory';
  }
  // ui::live boxes a component's closure (`live`, `memo`, `effect`, `handler`): that closure's code.
  if (/^incident_desk::ui::live::\w+::</.test(name)) {
    const closure = name.match(/incident_desk::(?!ui::live::)[\w:]*\{closure/)?.[0];
    if (closure) return widgetPart(closure);
  }
  if (own === 'incident_engine' || own === 'incident_desk') return ownerOf(projectPath(name.replace(/^<*(?:&(?:mut )?)*/, '')));
  if (/::sort::|^core::slice::(?:sort|select)|::sort_by|::sort_unstable/.test(name)) return 'std: sort';
  if (/btree::/.test(name)) return 'std: BTreeMap and BTreeSet';
  if (/hashbrown|indexmap|std::collections::hash|core::hash::|::hash::/.test(name)) return 'std: HashMap, IndexMap, hashing';
  if (/(?:^|::|<)fmt::|float_to_decimal|flt2dec|dec2flt|bignum|panicking|panic|Formatter|Arguments|core::num::.*(?:fmt|from_str)/.test(name)) {
    return 'std: fmt, panics, numbers';
  }
  // Generic std code over a project type (its drop glue, Vec<Event>, Option<Call>): that type's code.
  if (project) return ownerOf(project);
  if (/tachys::/.test(name)) return { generic: 'view' };
  if (/reactive_graph::|leptos::/.test(name)) return RUNTIME;
  if (/^(?:main|__main_void|__original_main|_start)$/.test(name)) return 'widget: main';
  return { generic: 'std' };
}

/** Where a generic function of `kind` goes when an anchor (a named function) of `bucket` owns it. */
function anchorFor(kind, bucket) {
  if (kind === 'serde') return bucket.startsWith('serde: ') ? bucket : null;
  if (kind === 'view') return bucket.startsWith('widget') ? `Leptos views: ${bucket.replace(/^widget(?: host)?: /, '')}` : null;
  return bucket.startsWith('engine') || bucket.startsWith('widget') ? bucket : null;
}

/** Where a generic function of `kind` goes when its nearest named dominator is in `bucket`. */
function dominatedBy(kind, bucket) {
  if (kind === 'serde') return bucket.startsWith('serde: ') ? bucket : serdeFamily(bucket.replace(/^engine: /, 'incident_engine::').replace('/', '::'));
  if (kind === 'view') return bucket.startsWith('Leptos views') ? bucket : anchorFor('view', bucket);
  return bucket.startsWith('engine') || bucket.startsWith('widget') || bucket.startsWith('Leptos') ? bucket : null;
}

const FALLBACK = { serde: 'serde: generic', view: VIEWS_SHARED, std: 'std: other' };

/** Groups for the summary: the bucket's kind. */
function groupOf(bucket) {
  if (bucket.startsWith('data')) return 'data (strings, tables)';
  if (bucket.startsWith('serde')) return 'serde';
  if (bucket.startsWith('Leptos views')) return 'Leptos views';
  if (bucket.startsWith('Leptos')) return 'Leptos runtime';
  if (bucket.startsWith('widget')) return 'widget';
  if (bucket.startsWith('engine')) return 'engine';
  if (bucket.startsWith('std')) return 'std';
  if (bucket.startsWith('text') || bucket === 'nucleo-matcher') return 'text';
  if (bucket.startsWith('wasm-bindgen')) return 'wasm-bindgen';
  return 'other';
}

/**
 * Every function's bucket: its name's; for generic code, the anchors (named functions of the kind's
 * owners) in its dominator subtree when one owner has more than half their bytes, else its nearest
 * named dominator's, else the kind's fallback.
 */
export function assignBuckets(functions, roots) {
  const idom = dominators(functions, roots);
  const own = functions.map((fn) => (fn.imported ? null : bucketOfName(fn.name)));
  const size = (fn) => fn.end - fn.start;
  // Dominator tree children, and a post-order over it.
  const children = functions.map(() => []);
  const tops = [];
  for (const [f, d] of idom) (d === -1 ? tops : children[d]).push(f);
  const post = [];
  const stack = tops.map((f) => [f, false]);
  while (stack.length) {
    const [f, done] = stack.pop();
    if (done) post.push(f);
    else {
      stack.push([f, true]);
      for (const c of children[f]) stack.push([c, false]);
    }
  }
  // Bytes of named project functions in each subtree, by bucket (only where a generic one may ask).
  const weights = new Array(functions.length).fill(null);
  for (const f of post) {
    const w = new Map();
    if (typeof own[f] === 'string') w.set(own[f], size(functions[f]));
    for (const c of children[f]) {
      for (const [b, n] of weights[c]) w.set(b, (w.get(b) ?? 0) + n);
      if (typeof own[c] === 'string') weights[c] = null; // no one asks a named function's subtree
    }
    weights[f] = w;
  }
  const bucket = new Array(functions.length).fill(null);
  for (const fn of functions) {
    if (fn.imported) continue;
    const mine = own[fn.index];
    if (typeof mine === 'string') {
      bucket[fn.index] = mine;
      continue;
    }
    const kind = mine.generic;
    let found = null;
    const votes = new Map();
    let total = 0;
    for (const [b, n] of weights[fn.index] ?? []) {
      const owner = anchorFor(kind, b);
      if (!owner) continue;
      votes.set(owner, (votes.get(owner) ?? 0) + n);
      total += n;
    }
    for (const [owner, n] of votes) if (n * 2 > total) found = owner;
    for (let d = idom.get(fn.index); found === null && d !== undefined && d !== -1; d = idom.get(d)) {
      if (typeof own[d] === 'string') found = dominatedBy(kind, own[d]) ?? FALLBACK[kind];
    }
    bucket[fn.index] = found ?? FALLBACK[kind];
  }
  return bucket;
}

/** Data bytes by bucket: each referenced address owns the bytes up to the next one. */
function assignData(module, bucket) {
  const ranges = []; // { bucket, start, end } in file offsets
  const segments = module.data.filter((d) => d.address !== null);
  if (segments.length === 0) return ranges;
  const lo = Math.min(...segments.map((d) => d.address));
  const hi = Math.max(...segments.map((d) => d.address + (d.end - d.start)));
  const owners = new Map(); // address -> Set of buckets
  for (const fn of module.functions) {
    if (fn.imported) continue;
    for (const a of fn.addresses) {
      if (a < lo || a >= hi) continue;
      if (!owners.has(a)) owners.set(a, new Set());
      owners.get(a).add(bucket[fn.index]);
    }
  }
  const addresses = [...owners.keys()].sort((a, b) => a - b);
  for (const seg of segments) {
    const segEnd = seg.address + (seg.end - seg.start);
    let i = 0;
    while (i < addresses.length && addresses[i] <= seg.address) i++;
    let cursor = seg.address;
    let owner = i > 0 ? owners.get(addresses[i - 1]) : null;
    const push = (from, to, set) => {
      if (to <= from) return;
      const name = !set ? 'data: unreferenced' : set.size === 1 ? `data: ${[...set][0]}` : 'data: shared';
      ranges.push({ bucket: name, start: seg.start + (from - seg.address), end: seg.start + (to - seg.address) });
    };
    for (; i < addresses.length && addresses[i] < segEnd; i++) {
      push(cursor, addresses[i], owner);
      cursor = addresses[i];
      owner = owners.get(addresses[i]);
    }
    push(cursor, segEnd, owner);
  }
  return ranges;
}

/** The gzip -9 bytes saved by cutting `ranges` (file offsets, sorted or not) out of `bytes`. */
export function gzipWithout(bytes, ranges) {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  const parts = [];
  let cursor = 0;
  for (const r of sorted) {
    if (r.start > cursor) parts.push(bytes.subarray(cursor, r.start));
    cursor = Math.max(cursor, r.end);
  }
  parts.push(bytes.subarray(cursor));
  return gzip(Buffer.concat(parts));
}

/** The wasm's bytes by bucket: functions, code bytes, data bytes, gzip share; and the totals. */
export function breakdown(namedWasm, shippedWasm) {
  const bytes = readFileSync(namedWasm);
  const module = readModule(bytes);
  const shipped = readFileSync(shippedWasm);
  // The named build is the shipped module plus names (`--exact`), or within a few bytes of it (v0).
  const stripped = shippedBytes(bytes, module.sections);
  const matches = Buffer.compare(stripped, shipped) === 0;
  const shippedSections = sectionSizes(shipped);
  // Offsets below are in `bytes`; the knock-outs run on the stripped copy, whose sections come in
  // the same order, so shift every offset past the name section back.
  const nameSection = module.sections.find((s) => s.id === 0 && s.name === 'name');
  const shift = (offset) => (nameSection && offset >= nameSection.end ? offset - (nameSection.end - nameSection.start) : offset);

  const bucket = assignBuckets(module.functions, module.roots);
  const ranges = [];
  for (const fn of module.functions) {
    if (fn.imported) continue;
    ranges.push({ bucket: bucket[fn.index], start: fn.start, end: fn.end, fn });
  }
  for (const r of assignData(module, bucket)) ranges.push(r);

  const byBucket = new Map();
  for (const r of ranges) {
    const name = r.bucket;
    if (!byBucket.has(name)) byBucket.set(name, { bucket: name, group: groupOf(name), functions: 0, code: 0, data: 0, ranges: [], top: [] });
    const entry = byBucket.get(name);
    entry.ranges.push({ start: shift(r.start), end: shift(r.end) });
    if (r.fn) {
      entry.functions++;
      entry.code += r.end - r.start;
      entry.top.push({ name: r.fn.name.replace(/::h[0-9a-f]{16}$/, ''), bytes: r.end - r.start });
    } else entry.data += r.end - r.start;
  }
  const whole = gzip(stripped);
  const buckets = [...byBucket.values()];
  for (const entry of buckets) {
    entry.raw = entry.code + entry.data;
    entry.gzip = whole - gzipWithout(stripped, entry.ranges);
    entry.top.sort((a, b) => b.bytes - a.bytes);
    delete entry.ranges;
  }
  buckets.sort((a, b) => b.gzip - a.gzip || b.raw - a.raw);
  const groups = new Map();
  for (const entry of buckets) {
    if (!groups.has(entry.group)) groups.set(entry.group, { group: entry.group, raw: 0, code: 0, data: 0, ranges: [] });
    const g = groups.get(entry.group);
    g.raw += entry.raw;
    g.code += entry.code;
    g.data += entry.data;
  }
  for (const r of ranges) groups.get(groupOf(r.bucket)).ranges.push({ start: shift(r.start), end: shift(r.end) });
  const groupList = [...groups.values()].map((g) => {
    const gz = whole - gzipWithout(stripped, g.ranges);
    delete g.ranges;
    return { ...g, gzip: gz };
  });
  groupList.sort((a, b) => b.gzip - a.gzip);
  // serde_json's readers: a type read from both a &str and a &[u8] has its deserializer twice.
  const readers = {};
  for (const fn of module.functions) {
    const reader = fn.name.match(/serde_json(?:\[[0-9a-f]+\])?::read::(SliceRead|StrRead|IoRead)/)?.[1];
    if (!reader || fn.imported) continue;
    readers[reader] ??= { functions: 0, bytes: 0 };
    readers[reader].functions++;
    readers[reader].bytes += fn.end - fn.start;
  }
  const codeSection = module.sections.find((s) => s.id === 10);
  const dataSection = module.sections.find((s) => s.id === 11);
  return {
    matches,
    shipped: { raw: shipped.length, code: shippedSections.get(10) ?? 0, data: shippedSections.get(11) ?? 0 },
    raw: stripped.length,
    gzip: whole,
    codeSection: codeSection.end - codeSection.start,
    dataSection: dataSection ? dataSection.end - dataSection.start : 0,
    functions: module.functions.filter((f) => !f.imported).length,
    buckets,
    groups: groupList,
    readers,
  };
}

/** Raw bytes and gzip share of the functions whose names match `pattern` (`--share`, for planning). */
export function shareOf(namedWasm, pattern) {
  const bytes = readFileSync(namedWasm);
  const module = readModule(bytes);
  const stripped = shippedBytes(bytes, module.sections);
  const nameSection = module.sections.find((s) => s.id === 0 && s.name === 'name');
  const shift = (offset) => (nameSection && offset >= nameSection.end ? offset - (nameSection.end - nameSection.start) : offset);
  const re = new RegExp(pattern);
  const hits = module.functions.filter((fn) => !fn.imported && re.test(fn.name.replace(/\[[0-9a-f]+\]/g, '')));
  const raw = hits.reduce((sum, fn) => sum + fn.end - fn.start, 0);
  const gz = gzip(stripped) - gzipWithout(stripped, hits.map((fn) => ({ start: shift(fn.start), end: shift(fn.end) })));
  return { pattern, functions: hits.length, raw, gzip: gz };
}

// ---------------------------------------------------------------------------------------------
// Printing

const int = (n) => (n === null || n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-GB'));
const pct = (part, whole) => `${((100 * part) / whole).toFixed(1)}%`;

function table(head, rows) {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ');
  return [line(head), line(widths.map((w) => '~'.repeat(w))), ...rows.map(line)].join('\n');
}

export function renderSizes(apps) {
  const rows = [];
  for (const app of apps) {
    for (const kind of ['wasm', 'js', 'css']) {
      const k = app.kinds[kind];
      rows.push([`${app.name}: ${kind} (${k.files.join(', ') || 'none'})`, int(k.raw), int(k.gzip), int(k.brotli), '']);
    }
    const budget = app.budget === null ? 'no budget' : `${int(app.budget)} (${pct(app.total.gzip, app.budget)} used${app.total.gzip > app.budget ? ', OVER' : ''})`;
    rows.push([`${app.name}: wasm+js+css`, int(app.total.raw), int(app.total.gzip), int(app.total.brotli), budget]);
  }
  return table(['Size per app (bytes)', 'raw', 'gzip -9', 'brotli 11', 'budget, gzip -9'], rows);
}

export function renderBreakdown(app, report, { top = 40, functions = null } = {}) {
  const out = [];
  out.push(
    `What is in the ${app.name}'s wasm (${int(report.raw)} bytes raw, ${int(report.gzip)} gzip -9; ` +
      `${int(report.functions)} functions, code ${int(report.codeSection)}, data ${int(report.dataSection)})`,
  );
  if (!report.matches) {
    const d = (a, b) => `${a - b >= 0 ? '+' : ''}${int(a - b)}`;
    out.push(
      `  from a build with names: code ${d(report.codeSection, report.shipped.code)}, data ${d(report.dataSection, report.shipped.data)}, ` +
        `whole ${d(report.raw, report.shipped.raw)} bytes beside the shipped wasm (--exact: the shipped build itself, coarser names)`,
    );
  }
  const sumGzip = report.groups.reduce((s, g) => s + g.gzip, 0);
  out.push(
    table(
      ['Group', 'raw', 'code', 'data', 'gzip share', '% of gzip'],
      report.groups.map((g) => [g.group, int(g.raw), int(g.code), int(g.data), int(g.gzip), pct(g.gzip, report.gzip)]),
    ),
  );
  out.push(`  shares add up to ${int(sumGzip)} of ${int(report.gzip)}: the rest is compression context no one group owns`);
  out.push('');
  const shown = report.buckets.slice(0, top);
  const rest = report.buckets.slice(top);
  const rows = shown.map((b) => [b.bucket, int(b.functions), int(b.code), int(b.data), int(b.gzip), pct(b.gzip, report.gzip)]);
  if (rest.length) {
    const sum = (k) => rest.reduce((s, b) => s + b[k], 0);
    rows.push([`(${rest.length} more buckets)`, int(sum('functions')), int(sum('code')), int(sum('data')), int(sum('gzip')), pct(sum('gzip'), report.gzip)]);
  }
  out.push(table(['Bucket', 'functions', 'code', 'data', 'gzip share', '% of gzip'], rows));
  out.push('  gzip share: how much gzip -9 of the wasm shrinks with the bucket cut out (shares overlap a little)');
  out.push('  generic code goes to the code its type arguments name, else to its call-graph dominator; data to the code that points at it');
  const readers = Object.entries(report.readers);
  if (readers.length) {
    out.push(
      `  serde_json readers: ${readers.map(([r, n]) => `${r} ${int(n.functions)} functions, ${int(n.bytes)} bytes`).join('; ')}` +
        (readers.length > 1 ? ' (more than one: the types read through both have their deserializers twice)' : ''),
    );
  }
  if (functions) {
    for (const b of report.buckets.filter((b) => b.bucket.toLowerCase().includes(functions.toLowerCase()))) {
      out.push('');
      out.push(`Largest functions in "${b.bucket}":`);
      for (const f of b.top.slice(0, 30)) out.push(`  ${String(f.bytes).padStart(7)}  ${f.name.slice(0, 160)}`);
    }
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const options = { dist: null, breakdown: true, top: 40, functions: null, json: false, names: 'v0', namedWasm: null, share: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--no-breakdown') options.breakdown = false;
    else if (arg === '--json') options.json = true;
    else if (arg === '--top') options.top = Number(argv[++i]);
    else if (arg === '--functions') options.functions = argv[++i];
    else if (arg === '--exact') options.names = 'exact';
    else if (arg === '--share') options.share.push(argv[++i]);
    else if (arg === '--named-wasm') options.namedWasm = path.resolve(argv[++i]);
    else if (arg.startsWith('-')) throw new SizeError(`unknown option ${arg}`);
    else if (options.dist === null) options.dist = path.resolve(arg);
    else throw new SizeError(`unexpected argument ${arg}`);
  }
  if (!options.dist) throw new SizeError(`usage: ${USAGE}`);
  if (!Number.isInteger(options.top) || options.top < 1) throw new SizeError('--top needs a positive whole number');
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const apps = findApps(options.dist);
  const sizes = apps.map(measureApp);
  console.log(renderSizes(sizes));
  const breakdowns = {};
  if (options.breakdown) {
    const links = new Map();
    for (const app of apps) {
      const link = rustLink(app.page);
      if (link) links.set(app.page, link);
      else console.log(`\n${app.name}: no <link data-trunk rel="rust"> in ${app.page} beside Cargo.toml; no breakdown`);
    }
    let folder = null;
    if (!options.namedWasm && links.size) {
      process.stderr.write(`size: building ${[...links.values()].map((l) => l.bin).join(', ')} again with ${options.names === 'v0' ? 'v0 symbol names' : 'names'}\n`);
      folder = cargoOutput([...new Set([...links.values()].map((l) => l.bin))], options.names);
    }
    for (const app of apps) {
      const link = links.get(app.page);
      if (!link) continue;
      if (options.namedWasm && app.page !== 'index.html') continue;
      const named = options.namedWasm ?? namedWasm(app, link, folder, options.names);
      const report = breakdown(named, app.wasm[0]);
      breakdowns[app.page] = report;
      console.log('');
      console.log(renderBreakdown(app, report, options));
      for (const pattern of options.share) {
        const s = shareOf(named, pattern);
        console.log(`  functions matching /${pattern}/: ${int(s.functions)}, ${int(s.raw)} bytes raw, gzip share ${int(s.gzip)}`);
      }
    }
  }
  if (options.json) {
    const slim = Object.fromEntries(Object.entries(breakdowns).map(([k, r]) => [k, { ...r, buckets: r.buckets.map(({ top, ...b }) => b) }]));
    console.log(`SIZE_JSON ${JSON.stringify({ apps: sizes, breakdowns: slim })}`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error) => {
    console.error(error instanceof SizeError ? `size: ${error.message}` : `size: failed: ${error?.stack ?? error}`);
    process.exit(1);
  });
}
