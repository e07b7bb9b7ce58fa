export { JournalFileStorage, workerAlive } from './journal-storage';
