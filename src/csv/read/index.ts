export { detectDelimiter } from './detect-delimiter.js';
export { readRecords, type ReadOptions } from './read-records.js';
export { readRecordsInWorker } from './read-in-worker.js';
