import { packageBuild } from '../../tsup.shared';

// The worker is its own entry: createDataParallelTrainer starts it by file name.
// import.meta.url in the CJS build (the worker is found next to the bundle).
export default packageBuild({
  entry: ['src/index.ts', 'src/node.ts', 'src/data-parallel-worker.ts'],
  dts: { entry: ['src/index.ts', 'src/node.ts'] },
  shims: true,
});
