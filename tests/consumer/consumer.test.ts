// Packages as users install them: every publishable package is packed (`pnpm pack`), the
// tarballs are installed with npm into fresh projects outside the workspace (with only
// tfjs-core and tfjs-layers added by hand), and used as ESM, as CommonJS, from strict
// TypeScript, from a Vite app in headless Chromium; publint and arethetypeswrong check each.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumArgs, chromiumPath } from '@trainkit/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveFolder } from './serve-folder';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..', '..');
const fixtures = join(here, 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'trainkit-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');

interface Pkg {
  name: string;
  dir: string;
  tarball: string;
}
const packages: Pkg[] = [];

function run(cmd: string, args: string[], cwd: string, timeout = 300_000): string {
  try {
    return execFileSync(cmd, args, {
      cwd,
      encoding: 'utf8',
      timeout,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '', npm_config_update_notifier: 'false' },
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${cmd} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`,
    );
  }
}

/** pnpm as it runs this script (npm_execpath), else the pinned one through npx. */
function pnpm(args: string[], cwd: string): string {
  const exec = process.env.npm_execpath;
  return exec && /pnpm/.test(exec)
    ? run(process.execPath, [exec, ...args], cwd)
    : run('npx', ['--yes', 'pnpm@10.34.8', ...args], cwd);
}

function lastJson(out: string): Record<string, unknown> {
  const line = out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .at(-1);
  if (!line) throw new Error(`no JSON line in:\n${out}`);
  return JSON.parse(line) as Record<string, unknown>;
}

/** The ESM pipeline as a CommonJS script: imports become requires, the body an async main. */
function toCommonJs(esm: string): string {
  const lines = esm.split('\n');
  const requires: string[] = [];
  const body: string[] = [];
  for (const line of lines) {
    const star = /^import \* as (\w+) from '([^']+)';$/.exec(line);
    const named = /^import \{ (.+) \} from '([^']+)';$/.exec(line);
    if (star) requires.push(`const ${star[1]} = require('${star[2]}');`);
    else if (named) requires.push(`const { ${named[1]} } = require('${named[2]}');`);
    else body.push(line);
  }
  return `${requires.join('\n')}\n(async () => {\n${body.join('\n')}\n})().catch((e) => { console.error(e); process.exit(1); });\n`;
}

beforeAll(() => {
  mkdirSync(tarballs, { recursive: true });
  for (const top of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, top))) {
      const dir = join(root, top, name);
      const file = join(dir, 'package.json');
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name: string; private?: boolean };
      if (pkg.private) continue;
      const before = new Set(readdirSync(tarballs));
      pnpm(['pack', '--pack-destination', tarballs], dir);
      const made = readdirSync(tarballs).find((f) => !before.has(f));
      if (!made) throw new Error(`pnpm pack made no tarball for ${pkg.name}`);
      packages.push({ name: pkg.name, dir, tarball: join(tarballs, made) });
    }
  }
  mkdirSync(app, { recursive: true });
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, version: '1.0.0' }),
  );
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--prefer-offline',
      '--loglevel=error',
      ...packages.map((p) => p.tarball),
      '@tensorflow/tfjs-core@4.22.0',
      '@tensorflow/tfjs-layers@4.22.0',
      // tools of the TypeScript and Vite checks, not needed by the packages
      'typescript@5.9.3',
      '@types/node@20',
      'vite@7.3.8',
    ],
    app,
    600_000,
  );
  for (const f of ['pipeline.mjs', 'strict.ts', 'strict-node.ts'])
    copyFileSync(join(fixtures, f), join(app, f));
  writeFileSync(
    join(app, 'pipeline.cjs'),
    toCommonJs(readFileSync(join(fixtures, 'pipeline.mjs'), 'utf8')),
  );
  cpSync(join(fixtures, 'vite-app'), join(app, 'vite-app'), { recursive: true });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the packed packages, installed from their tarballs into a fresh project', () => {
  it('installs only what the packages declare: npm brought the wasm and cpu backends as peers', () => {
    expect(packages.map((p) => p.name)).toContain('@trainkit/backend');
    for (const peer of ['tfjs-backend-wasm', 'tfjs-backend-cpu'])
      expect(existsSync(join(app, 'node_modules', '@tensorflow', peer, 'package.json')), peer).toBe(
        true,
      );
  });

  for (const [kind, script] of [
    ['ESM', 'pipeline.mjs'],
    ['CommonJS', 'pipeline.cjs'],
  ] as const) {
    it(`runs a real pipeline as ${kind}: Fashion-MNIST, LeNet-5, fit, monitor, HTML report`, () => {
      const r = lastJson(run(process.execPath, [script], app));
      expect(r.backend).toBe('wasm'); // the fast path, not a silent cpu fallback
      expect(r.notices).toEqual([]);
      expect(r.steps).toBe(32);
      const losses = r.losses as number[];
      expect(losses[1]!).toBeLessThan(losses[0]!);
      // 32 steps from an unseeded initialisation: well above chance (0.1), not a fixed score
      expect(r.testAccuracy as number).toBeGreaterThan(0.3);
      expect(r.reportBytes as number).toBeGreaterThan(10_000);
      expect(r.runIsRunLog).toBe(true); // one RunLog class across entry points
      expect(r.datasetIsDataset).toBe(true); // one Dataset class across entry points
      expect(r.brand).toEqual({ isTrainkitError: true, instanceofIOError: true });
      expect(r.leaked).toBe(0);
    });
  }

  for (const resolution of ['node16', 'bundler'] as const) {
    it(`type-checks a strict consumer (${resolution} resolution, skipLibCheck: false)`, () => {
      const module = resolution === 'node16' ? 'node16' : 'esnext';
      const base = {
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        module,
        moduleResolution: resolution,
        target: 'es2022',
      };
      // browser-safe entries: no @types/node; node entries: with it
      const configs = {
        [`tsconfig.${resolution}.json`]: {
          compilerOptions: { ...base, lib: ['es2022', 'dom'], types: [] },
          files: ['strict.ts'],
        },
        [`tsconfig.${resolution}-node.json`]: {
          compilerOptions: { ...base, lib: ['es2022', 'dom'], types: ['node'] },
          files: ['strict-node.ts'],
        },
      };
      for (const [file, config] of Object.entries(configs)) {
        writeFileSync(join(app, file), JSON.stringify(config));
        let out = '';
        try {
          out = run(
            process.execPath,
            [join(app, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', file],
            app,
          );
        } catch (e) {
          out = (e as Error).message;
        }
        // tfjs's own declarations have errors of their own under skipLibCheck: false; none may
        // come from a @trainkit declaration or from the consumer's code.
        const ours = out
          .split('\n')
          .filter(
            (l) =>
              /error TS/.test(l) &&
              !/node_modules\/@tensorflow\//.test(l) &&
              !/node_modules\/@webgpu\//.test(l),
          );
        expect(ours, `${file}:\n${out}`).toEqual([]);
      }
    });
  }

  it('builds a Vite app that trains in headless Chromium on a real backend with useBackend("auto")', async () => {
    const chromium = chromiumPath();
    if (!chromium) {
      console.warn('skipped: no chromium (apt-get install chromium)');
      return;
    }
    run(
      process.execPath,
      [
        join(app, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'vite-app/vite.config.mjs',
        '--logLevel',
        'error',
      ],
      app,
    );
    const site = await serveFolder(join(app, 'vite-app', 'dist'));
    const { chromium: pw } = await import('playwright-core');
    const browser = await pw.launch({
      executablePath: chromium,
      headless: true,
      args: chromiumArgs(),
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(site.url);
      await page.waitForFunction(
        () => (window as unknown as { result?: unknown }).result !== undefined,
        undefined,
        { timeout: 240_000 },
      );
      const r = (await page.evaluate(
        () => (window as unknown as { result: unknown }).result,
      )) as Record<string, unknown>;
      expect(r.error, JSON.stringify(r)).toBeUndefined();
      expect(errors).toEqual([]);
      expect(r.backend, JSON.stringify(r.tried)).toBe('wasm'); // the .wasm files were emitted and served
      const losses = r.losses as number[];
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      expect(r.accuracy as number).toBeGreaterThan(0.9);
      // webgpu/webgl were not installed: the fall-back to wasm is said, with why
      expect((r.notices as string[]).join('\n')).toMatch(
        /using the wasm backend, slower than webgpu/,
      );
    } finally {
      await browser.close();
      await site.close();
    }
  });

  it('publint --strict finds nothing in any tarball', () => {
    const bin = join(root, 'tests', 'consumer', 'node_modules', '.bin', 'publint');
    for (const p of packages) {
      const out = run(bin, ['--strict', p.tarball], here);
      expect(out, p.name).not.toMatch(/error|warning|suggestion/i);
    }
  });

  it('arethetypeswrong finds no problem in any tarball (node16 and bundler resolution)', () => {
    // attw exits 1 on any problem outside the ignored node10 resolution (no `exports`, so
    // no ./node subpaths: the packages need Node >= 20.11).
    const bin = join(root, 'tests', 'consumer', 'node_modules', '.bin', 'attw');
    for (const p of packages) {
      if (p.name === '@trainkit/cli') continue; // a command, with no types for require()
      const r = spawnSync(bin, [p.tarball, '--profile', 'node16', '--format', 'ascii'], {
        encoding: 'utf8',
      });
      expect(r.status, `${p.name}:\n${r.stdout}${r.stderr}`).toBe(0);
    }
  });

  it('runs the installed trainkit command', () => {
    const out = run(join(app, 'node_modules', '.bin', 'trainkit'), ['--help'], app);
    expect(out).toMatch(/train/);
  });
});
