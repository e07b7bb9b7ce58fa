// Sums vitest's per-package "Tests  N passed | M failed | K skipped" lines from a log, and
// repeats each failed test's name and first error lines at the very end, so that a failure is
// readable from the log's last lines even when turbo interleaves many packages' output.
import { readFileSync } from 'node:fs';

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour codes
const text = readFileSync(process.argv[2], 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
let passed = 0;
let failed = 0;
let skipped = 0;
/** Lines of each package's "Failed Tests" section, by turbo's task prefix. */
const failures = new Map();
const open = new Set();
for (const raw of text.split('\n')) {
  const prefix = raw.match(/^(\S+:test): /)?.[1] ?? '';
  const line = prefix ? raw.slice(prefix.length + 2) : raw;
  const m = line.match(/^\s*Tests\s+(.*)\(\d+\)\s*$/);
  if (m) {
    passed += Number(m[1].match(/(\d+) passed/)?.[1] ?? 0);
    failed += Number(m[1].match(/(\d+) failed/)?.[1] ?? 0);
    skipped += Number(m[1].match(/(\d+) skipped/)?.[1] ?? 0);
    open.delete(prefix);
    continue;
  }
  if (/Failed Tests \d+|Unhandled Errors?|Failed Suites \d+/.test(line)) {
    open.add(prefix);
    if (!failures.has(prefix)) failures.set(prefix, []);
  }
  if (open.has(prefix)) {
    const lines = failures.get(prefix);
    if (lines.length < 60 && line.trim() !== '') lines.push(line);
  }
}
for (const [prefix, lines] of failures) {
  console.log(`--- ${prefix || 'test'}: what failed ---`);
  for (const l of lines) console.log(l);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
