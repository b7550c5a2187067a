export { detectDelimiter } from './detect-delimiter.js';
export { readRecordsInWorker } from './read-in-worker.js';
export { type ReadOptions, readRecords } from './read-records.js';
