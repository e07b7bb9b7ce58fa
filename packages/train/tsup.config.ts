import { packageBuild } from '../../tsup.shared';

// replica-model is its own entry: data-parallel workers import it by file name.
// import.meta.url in the CJS build (replica-model is found next to the bundle).
export default packageBuild({
  entry: ['src/index.ts', 'src/node.ts', 'src/replica-model.ts'],
  shims: true,
});
