export { type CsvWriter, createCsvWriter, LINE_END } from './csv-writer.js';
export { quoteField } from './quote-field.js';
