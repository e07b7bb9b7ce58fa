import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker is its own entry: createDataParallelTrainer starts it by file name.
  entry: ['src/index.ts', 'src/node.ts', 'src/data-parallel-worker.ts'],
  format: ['esm', 'cjs'],
  // Entry points share one copy of each module in CommonJS too (tsup splits ESM only by
  // default): one RunLog, one Dataset class, one error class per package at run time.
  splitting: true,
  dts: { entry: ['src/index.ts', 'src/node.ts'] },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build (the worker is found next to the bundle).
  shims: true,
});
