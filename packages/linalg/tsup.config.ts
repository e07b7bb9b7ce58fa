import { packageBuild } from '../../tsup.shared';

// default): one Arena class, one compiled kernel module per process.
export default packageBuild({ entry: ['src/index.ts', 'src/node.ts'] });
