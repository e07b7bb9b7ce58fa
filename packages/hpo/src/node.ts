export { JournalFileStorage, workerAlive } from './journal-storage';
export {
  PostgresStorage,
  type PostgresStorageOptions,
  type PostgresStorageSpec,
} from './postgres-storage';
export {
  processObjective,
  type RunWorkersOptions,
  runWorkers,
  type WorkerConfig,
  type WorkerResult,
} from './workers';
