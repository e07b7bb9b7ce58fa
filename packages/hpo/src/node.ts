export { JournalFileStorage, workerAlive } from './journal-storage';
export {
  PostgresStorage,
  type PostgresStorageOptions,
  type PostgresStorageSpec,
} from './postgres-storage';
