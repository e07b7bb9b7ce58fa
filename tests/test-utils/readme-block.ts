// Keeps a README example and the test that runs it identical: the test holds the example's body
// between `// README:begin` and `// README:end`; the README's ```ts block under `heading` is the
// same imports followed by the same body.
import { readFileSync } from 'node:fs';

/** The ```ts block that follows `heading` in `readmePath`. */
export function readmeBlock(readmePath: string, heading: string): string {
  const text = readFileSync(readmePath, 'utf8');
  const at = text.indexOf(`\n${heading}\n`);
  if (at < 0) throw new Error(`${readmePath}: no heading "${heading}"`);
  const start = text.indexOf('```ts\n', at);
  const end = text.indexOf('\n```', start + 6);
  if (start < 0 || end < 0) throw new Error(`${readmePath}: no ts block after "${heading}"`);
  return text.slice(start + 6, end + 1);
}

/** The lines between the markers of a test file, dedented. */
export function markedBody(testPath: string): string {
  const lines = readFileSync(testPath, 'utf8').split('\n');
  const b = lines.findIndex((l) => l.trim() === '// README:begin');
  const e = lines.findIndex((l) => l.trim() === '// README:end');
  if (b < 0 || e < b) throw new Error(`${testPath}: no README:begin / README:end markers`);
  const body = lines.slice(b + 1, e);
  const indent = Math.min(
    ...body
      .filter((l) => l.trim() !== '')
      .map((l) => (l.match(/^ */) as RegExpMatchArray)[0].length),
  );
  return `${body.map((l) => l.slice(indent)).join('\n')}\n`;
}

/** The README block without its leading import statements (and the blank line after them). */
export function withoutImports(block: string): string {
  const lines = block.split('\n');
  let i = 0;
  let inImport = false;
  for (; i < lines.length; i++) {
    const l = lines[i] as string;
    if (inImport) {
      if (l.includes(' from ')) inImport = false;
      continue;
    }
    if (l.startsWith('import ')) {
      inImport = !l.includes(' from ') && !/^import '.*';$/.test(l);
      continue;
    }
    if (l.trim() === '') continue;
    break;
  }
  return lines.slice(i).join('\n');
}
