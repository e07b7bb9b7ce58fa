export { JournalFileStorage } from './journal-storage';
