// Node-only entry of @trainkit/core (`@trainkit/core/node`): durable file writes.
export {
  appendLines,
  createFolderExclusive,
  type FileData,
  fileError,
  fsyncDirectory,
  removeTemporaryFiles,
  writeFileAtomic,
} from './durable-files';
