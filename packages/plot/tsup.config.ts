import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  // Entry points share one copy of each module in CommonJS too (tsup splits ESM only by
  // default): one RunLog, one Dataset class, one error class per package at run time.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
