// Writes a build's service worker, DIR/sw.js, from sw.js at the top of the source tree: the list of
// files the practice page needs offline, and a version that changes whenever any of them (or the
// worker itself) changes, so a browser picks up a new deployment on its next visit (sw.js says how).
//
//   node scripts/precache.mjs DIR        (scripts/build runs it on every build, after minifying)
//
// Listed: the practice page, the practice record's and the knowledge check's, each with its wasm, the procedures' wasm (the in-call reference), the boot
// script, the stylesheet, the icon, wasm-bindgen's snippets, and every pack and scenario under
// packs/. A file the practice page cannot work without missing from DIR fails the build, naming it.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
if (!dir || process.argv.length > 3) {
  console.error('usage: node scripts/precache.mjs DIR');
  process.exit(2);
}

const REQUIRED = [
  'practice.html',
  'boot.js',
  'main.css',
  'practice.css',
  'favicon.svg',
  'incident-desk-practice.js',
  'incident-desk-practice_bg.wasm',
  'practice-record.html',
  'incident-desk-evidence.js',
  'incident-desk-evidence_bg.wasm',
  'practice-knowledge.html',
  'incident-desk-knowledge.js',
  'incident-desk-knowledge_bg.wasm',
  'incident-desk-procedures.js',
  'incident-desk-procedures_bg.wasm',
];

// Every file under `sub` (relative to DIR) whose name ends with one of `endings`, as paths with `/`.
function under(sub, endings) {
  const root = path.join(dir, sub);
  if (!existsSync(root)) return [];
  const out = [];
  for (const entry of readdirSync(root, { recursive: true })) {
    const rel = path.join(sub, String(entry));
    if (statSync(path.join(dir, rel)).isFile() && endings.some((e) => rel.endsWith(e))) {
      out.push(rel.split(path.sep).join('/'));
    }
  }
  return out;
}

const missing = REQUIRED.filter((f) => !existsSync(path.join(dir, f)));
if (missing.length) {
  console.error(`precache: ${dir} has no ${missing.join(', ')}: the practice page cannot work offline without them`);
  process.exit(1);
}
const packs = under('packs', ['.json']);
if (!packs.some((p) => p.startsWith('packs/scenarios/'))) {
  console.error(`precache: ${dir}/packs/scenarios holds no scenario: nothing to practise offline`);
  process.exit(1);
}
const list = [...REQUIRED, ...under('snippets', ['.js']), ...packs].sort();

const template = readFileSync(new URL('../sw.js', import.meta.url), 'utf8');
const hash = createHash('sha256');
hash.update(template);
for (const file of list) {
  hash.update(`\0${file}\0`);
  hash.update(readFileSync(path.join(dir, file)));
}
const version = hash.digest('hex').slice(0, 16);
writeFileSync(
  path.join(dir, 'sw.js'),
  `const VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(list)};\n${template}`,
);
const bytes = list.reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);
console.log(`precache: sw.js version ${version}, ${list.length} files, ${bytes} bytes`);
