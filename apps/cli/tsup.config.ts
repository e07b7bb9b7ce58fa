import { defineConfig } from 'tsup';

// The CLI entry gets a shebang; workspace packages and tfjs stay external (resolved from
// node_modules at run time, so one tfjs engine exists).
export default defineConfig({
  entry: ['src/cli.ts', 'src/index.ts'],
  format: ['esm'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
