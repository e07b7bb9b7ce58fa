import { defineConfig } from 'tsup';

export default defineConfig({
  // replica-model is its own entry: data-parallel workers import it by file name.
  entry: ['src/index.ts', 'src/replica-model.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build (replica-model is found next to the bundle).
  shims: true,
});
