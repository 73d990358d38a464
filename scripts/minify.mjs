// Minifies a release build's scripts and stylesheet in place, and brings the pages' Subresource
// Integrity values up to date (issue 14: the call screen's size).
//
//   node scripts/minify.mjs DIR        (scripts/build --release runs it on the merged build)
//
// Every top-level .js file (wasm-bindgen's glue for each app, boot.js, element.js) goes through
// terser as an ES module: whitespace, comments and local names go; exported names, property names
// (the glue's `__wbg_*` imports) and string contents stay. Every .css file goes through clean-css at
// level 1 only: whitespace, comments, colours and zeros, never a rule merged, moved or dropped.
// Trunk's own minifier is not used: its JS minifier cannot read the glue (`export default`), and it
// would rewrite the pages too.
//
// A page's `integrity="sha384-…"` for a file changed here is recomputed, so the browser still
// checks the file against what was built. A file that fails to minify fails the build (say what
// and where); the build directory is then left as Trunk wrote it.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { minify } from 'terser';
import CleanCSS from 'clean-css';

const dir = process.argv[2];
if (!dir || process.argv.length > 3) {
  console.error('usage: node scripts/minify.mjs DIR');
  process.exit(2);
}

const sri = (bytes) => `sha384-${createHash('sha384').update(bytes).digest('base64')}`;

const files = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
const output = new Map(); // name -> minified text
for (const name of files) {
  const file = path.join(dir, name);
  const source = readFileSync(file, 'utf8');
  if (name.endsWith('.js')) {
    let result;
    try {
      result = await minify(source, { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true, format: { comments: false } });
    } catch (e) {
      console.error(`minify: ${file}: ${e.message}${e.line ? ` (line ${e.line}, column ${e.col})` : ''}`);
      process.exit(1);
    }
    output.set(name, result.code);
  } else if (name.endsWith('.css')) {
    const result = new CleanCSS({ level: 1, returnPromise: false }).minify(source);
    if (result.errors.length) {
      console.error(`minify: ${file}: ${result.errors.join('; ')}`);
      process.exit(1);
    }
    output.set(name, result.styles);
  }
}

// Only once every file has minified: write them, then the pages' integrity values.
let before = 0;
let after = 0;
for (const [name, text] of output) {
  before += readFileSync(path.join(dir, name)).length;
  after += Buffer.byteLength(text);
  writeFileSync(path.join(dir, name), text);
}
for (const page of files.filter((name) => name.endsWith('.html'))) {
  const file = path.join(dir, page);
  const html = readFileSync(file, 'utf8');
  const updated = html.replace(/<link\b[^>]*>/g, (tag) => {
    const href = tag.match(/\shref="([^"]*)"/)?.[1];
    if (!href || !/\sintegrity="/.test(tag)) return tag;
    const name = decodeURIComponent(href.split(/[?#]/)[0]).replace(/^.*\//, '');
    if (!output.has(name)) return tag;
    return tag.replace(/\sintegrity="[^"]*"/, ` integrity="${sri(Buffer.from(output.get(name)))}"`);
  });
  if (updated !== html) writeFileSync(file, updated);
}
console.log(`minify: ${output.size} files, ${before} -> ${after} bytes`);
