// Where the README examples come from and where their scratch copies go.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstTypeScriptBlock } from './first-ts-block';

/** This package's folder: its node_modules hold every @trainkit package, as a user's project. */
export const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = resolve(packageDir, '../..');
/** Scratch copies of the examples (git-ignored). */
export const scratchDir = join(packageDir, '.examples');

export interface Readme {
  /** `core`, `cli`... */
  name: string;
  file: string;
  /** A package README must have an example; an app's may not. */
  required: boolean;
  /** The first ```ts block, if any. */
  code: string | undefined;
}

/** Every packages/<name>/README.md, then apps/cli/README.md. */
export function readmes(): Readme[] {
  const found = readdirSync(join(repoRoot, 'packages'))
    .filter((name) => existsSync(join(repoRoot, 'packages', name, 'README.md')))
    .sort()
    .map((name) => ({ name, file: join(repoRoot, 'packages', name, 'README.md'), required: true }));
  found.push({ name: 'cli', file: join(repoRoot, 'apps/cli/README.md'), required: false });
  return found.map((r) => ({ ...r, code: firstTypeScriptBlock(readFileSync(r.file, 'utf8')) }));
}

/** Writes `readme`'s example to a fresh `.examples/<name>/<name>-readme.ts`; returns its path. */
export function writeExample(readme: Readme): string {
  const dir = join(scratchDir, readme.name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${readme.name}-readme.ts`);
  writeFileSync(file, readme.code ?? '');
  return file;
}
