export { JournalFileStorage, workerAlive } from './journal-storage';
export {
  type PostgresConnectionConfig,
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
