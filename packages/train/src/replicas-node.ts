// Node only: how many replicas `fit` runs by default, and the worker-thread shards that run
// them. `fit` (in the browser-safe main entry) reaches this through `@trainkit/train/node`.
import { availableParallelism } from 'node:os';
import { isMainThread } from 'node:worker_threads';

export { type ReplicaPlan, workerShards } from './data-parallel-fit';

/**
 * The machine's cores on the main thread; 1 inside a worker thread (e.g. @trainkit/hpo's
 * parallel trials), whose cores are already shared by the threads running beside it.
 */
export function machineReplicas(): number {
  return isMainThread ? Math.max(1, availableParallelism()) : 1;
}
