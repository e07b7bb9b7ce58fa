import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/node.ts'],
  format: ['esm', 'cjs'],
  // Entry points share one copy of each module in CommonJS too (tsup splits ESM only by
  // default): one Arena class, one compiled kernel module per process.
  splitting: true,
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
