import { defineConfig, type Options } from 'tsup';

/**
 * The build of every library package: ESM and CommonJS with declarations, one target. A package's
 * tsup.config.ts names its entries and what it adds (`shims` for `import.meta.url` in CommonJS,
 * a narrower `dts`).
 */
export function packageBuild(options: Options & Required<Pick<Options, 'entry'>>) {
  return defineConfig({
    format: ['esm', 'cjs'],
    // Entry points share one copy of each module in CommonJS too (tsup splits ESM only by
    // default): one RunLog, one Dataset class, one error class per package at run time.
    splitting: true,
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    ...options,
  });
}
