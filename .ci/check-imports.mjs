// Fails when a package reaches into another package's sources instead of its entry point
// (`@trainkit/<name>` or a declared subpath such as `@trainkit/data/node`).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const bad = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (/\.(ts|mts|tsx|js|mjs)$/.test(name)) check(p);
  }
}
function check(file) {
  const pkg = relative(root, file).split(sep).slice(0, 2).join('/');
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/(?:from\s+|import\(\s*)['"]([^'"]+)['"]/g)) {
    const spec = m[1];
    if (/^@trainkit\/[^/]+\/(src|dist)(\/|$)/.test(spec))
      bad.push(`${relative(root, file)}: ${spec}`);
    if (spec.startsWith('.')) {
      const target = relative(root, resolve(join(file, '..'), spec)).split(sep);
      const targetPkg = target.slice(0, 2).join('/');
      if (target[0] === 'packages' && targetPkg !== pkg)
        bad.push(`${relative(root, file)}: ${spec}`);
    }
  }
}
for (const top of ['packages', 'apps', 'examples', 'bench']) {
  try {
    walk(join(root, top));
  } catch {
    // folder absent
  }
}
if (bad.length) {
  console.error(`imports that bypass a package's entry point:\n  ${bad.join('\n  ')}`);
  process.exit(1);
}
console.log('imports: every cross-package import goes through an @trainkit/<name> entry point');
