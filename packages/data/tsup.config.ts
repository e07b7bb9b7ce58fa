import { packageBuild } from '../../tsup.shared';

// import.meta.url (used to find assets/) in the CJS build
export default packageBuild({ entry: ['src/index.ts', 'src/node.ts'], shims: true });
