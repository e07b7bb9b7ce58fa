// @trainkit/train/node: what needs Node's file system; kept out of the browser-safe index.
export { restoreCheckpoint, saveCheckpoint } from './checkpoint-node';
