export { createCsvWriter, LINE_END, type CsvWriter } from './csv-writer.js';
export { quoteField } from './quote-field.js';
