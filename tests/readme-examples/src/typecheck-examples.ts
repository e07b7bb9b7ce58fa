// `pnpm typecheck`: type-checks every README example with the repository's strict settings
// (tsx, which runs them in the test, strips types without checking them).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readmes, scratchDir, writeExample } from './readme-files';

const examples = readmes().filter((r) => r.code !== undefined);
for (const r of examples) writeExample(r);
writeFileSync(
  join(scratchDir, 'tsconfig.json'),
  JSON.stringify({
    extends: '../../../tsconfig.base.json',
    compilerOptions: { noEmit: true },
    include: examples.map((r) => `${r.name}/${r.name}-readme.ts`),
  }),
);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', scratchDir], { stdio: 'inherit' });
} catch {
  console.error('README examples: type errors above (files under tests/readme-examples/.examples)');
  process.exit(1);
}
console.log(`README examples: ${examples.length} type-check`);
