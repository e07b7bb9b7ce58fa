// The rule for entry points: a package's main entry (`.`) is browser-safe — it reaches no Node
// built-in module, statically or through a literal import() — and what needs Node lives behind
// `./node`. Checked by bundling each main entry from its sources for the browser.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const entries = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name, 'src', 'index.ts'))
  .filter((file) => existsSync(file));

describe('main entries are browser-safe', () => {
  it.each(entries.map((e) => [e.split('/').at(-3)!, e]))('@trainkit/%s', async (_name, entry) => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      conditions: ['@trainkit/source'],
      // tfjs and optional backends are the user's; only our code is inspected
      external: ['@tensorflow/*', 'webgpu'],
      logLevel: 'silent',
      metafile: true,
    }).catch((e: { errors?: { text: string }[] }) => ({ errors: e.errors ?? [] }));
    const errors = (result.errors ?? []).map((e) => e.text);
    expect(errors).toEqual([]);
    const inputs = Object.keys(
      (result as { metafile?: { inputs: object } }).metafile?.inputs ?? {},
    );
    expect(inputs.filter((i) => /(^|\/)node:|[/-]node\.ts$/.test(i))).toEqual([]);
  });
});
