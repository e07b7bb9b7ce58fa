import { packageBuild } from '../../tsup.shared';

// import.meta.url in the CommonJS build of node.ts (it resolves tfjs for the worker threads).
export default packageBuild({ entry: ['src/index.ts', 'src/node.ts'], shims: true });
