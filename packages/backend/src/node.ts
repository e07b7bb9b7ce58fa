// @trainkit/backend/node: what needs Node (worker_threads); kept out of the browser-safe index.
export {
  createDataParallelTrainer,
  type DataParallelOptions,
  type DataParallelTrainer,
} from './data-parallel';
export type { ReplicaBuild, ShardLoss } from './data-parallel-layout';
