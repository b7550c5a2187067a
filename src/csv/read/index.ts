export { detectDelimiter } from './detect-delimiter.js';
export { readRecords, type ReadOptions } from './read-records.js';
