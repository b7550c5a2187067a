import type { CellValue, Schema } from '../types.js';
import { quoteField } from './quote-field.js';

/** Every line the writer makes ends with CRLF, as RFC 4180 says. */
export const LINE_END = '\r\n';

/** Lines of CSV for one schema; each string is one record ending in CRLF. */
export interface CsvWriter {
  /** The column names, in schema order. */
  header(): string;
  /** The typeLabels, when the schema has a type row; otherwise undefined. */
  typeRow(): string | undefined;
  /**
   * One record of `values` keyed by column name, in schema order, each cell from its
   * column's `encode` (an absent key is null, written as the first missing value).
   * Throws CSV_VALUE_INVALID for a value of the wrong kind.
   */
  row(values: Readonly<Record<string, CellValue | undefined>>): string;
}

/** A writer in the schema's delimiter (',' when it is 'auto'). */
export function createCsvWriter(schema: Schema): CsvWriter {
  const delimiter = schema.delimiter === 'auto' ? ',' : schema.delimiter;
  const line = (fields: readonly string[]): string => `${fields.map((field) => quoteField(field, delimiter)).join(delimiter)}${LINE_END}`;
  return {
    header: () => line(schema.columns.map((column) => column.name)),
    typeRow: () => (schema.typeRow ? line(schema.columns.map((column) => column.typeLabel ?? '')) : undefined),
    row: (values) => line(schema.columns.map((column) => column.encode(values[column.name] ?? null))),
  };
}
