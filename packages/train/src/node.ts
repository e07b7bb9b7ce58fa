// @trainkit/train/node: what needs Node's file system; kept out of the browser-safe index.
export {
  type ReadCheckpoint,
  readCheckpoint,
  restoreCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint-node';
