// @trainkit/train/node: what needs Node's file system; kept out of the browser-safe index.
export {
  type ReadCheckpoint,
  readCheckpoint,
  restoreCheckpoint,
  type SaveCheckpointOptions,
  saveCheckpoint,
} from './checkpoint-node';
/** @internal What `fit` loads in Node for data-parallel training (not a stable API). */
export { machineReplicas, type ReplicaPlan, workerShards } from './replicas-node';
