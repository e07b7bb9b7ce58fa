import { defineConfig } from 'tsup';

// The CLI entry gets a shebang; workspace packages and tfjs stay external (resolved from
// node_modules at run time, so one tfjs engine exists).
export default defineConfig({
  // hpo-objective: the module each `trainkit hpo` worker process imports (found beside the chunks).
  entry: {
    cli: 'src/cli.ts',
    index: 'src/index.ts',
    // the name -> { kind, ... } spec mapping, shared with the demo (browser-safe)
    components: 'src/components/index.ts',
    'hpo-objective': 'src/commands/hpo-objective.ts',
  },
  format: ['esm'],
  dts: { entry: { index: 'src/index.ts', components: 'src/components/index.ts' } },
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
});
