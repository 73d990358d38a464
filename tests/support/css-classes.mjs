// Every class the widget's code names in a `class="…"` attribute (or a `class:name=` toggle) has a
// rule in style/main.css or a page's own stylesheet beside it in style/ (issue 13: "every class has
// its styles"). Prints the ones without and
// exits 1 if there are any. Run by ./scripts/test.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const css = readdirSync(join(root, 'style'))
  .filter((name) => name.endsWith('.css'))
  .map((name) => readFileSync(join(root, 'style', name), 'utf8'))
  .join('\n');
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else if (path.endsWith('.rs')) files.push(path);
  }
};
walk(join(root, 'src'));
const used = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  for (const match of text.matchAll(/class="([^"]*)"|class:([a-z0-9-]+)=|\("(idk-[a-z0-9- ]+)",/g)) {
    for (const name of (match[1] ?? match[2] ?? match[3]).split(/\s+/).filter(Boolean)) {
      if (!used.has(name)) used.set(name, file.slice(root.length));
    }
  }
}
const styled = (name) => new RegExp(`\\.${name.replace(/[-]/g, '\\-')}(?![a-z0-9-])`).test(css);
const missing = [...used].filter(([name]) => !styled(name));
for (const [name, file] of missing) console.log(`${name} (used in ${file}) has no rule in style/`);
console.log(`${used.size} classes used, ${used.size - missing.length} styled`);
process.exit(missing.length ? 1 : 0);
