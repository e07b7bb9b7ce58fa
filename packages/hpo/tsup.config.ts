import { packageBuild } from '../../tsup.shared';

// import.meta.url in the CommonJS build (workers.ts finds worker-main beside itself)
export default packageBuild({
  entry: ['src/index.ts', 'src/node.ts', 'src/worker-main.ts'],
  shims: true,
});
