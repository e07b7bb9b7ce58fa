import { defineConfig } from 'tsup';

export default defineConfig({
  // replica-model is its own entry: data-parallel workers import it by file name.
  entry: ['src/index.ts', 'src/node.ts', 'src/replica-model.ts'],
  format: ['esm', 'cjs'],
  // Entry points share one copy of each module in CommonJS too (tsup splits ESM only by
  // default): one RunLog, one Dataset class, one error class per package at run time.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build (replica-model is found next to the bundle).
  shims: true,
});
