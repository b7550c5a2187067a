import { quoteValue } from '../cells/display-value.js';
import { normaliseLabel } from '../schema/labels.js';
import type { RawRecord, ReportEntry, Schema } from '../types.js';
import { createEntry } from './report-entry.js';

/** Where each column sits in the file, as the header says. */
export interface HeaderMapping {
  /** Per header field (0-based): the index of its column in schema.columns, or undefined (unknown or repeated label). */
  readonly columnOfField: readonly (number | undefined)[];
  /** Per schema column: its 0-based field index, or undefined when the header lacks it. */
  readonly fieldOfColumn: readonly (number | undefined)[];
  /** The number of header fields; longer rows have extra cells. */
  readonly width: number;
}

export interface HeaderResult {
  mapping: HeaderMapping;
  /** duplicate-label, missing-label, extra-label (when unknownColumns is 'error'). */
  errors: ReportEntry[];
  /** extra-label when unknownColumns is 'ignore'. */
  warnings: ReportEntry[];
}

/** A lookup from normalised label (name or alias) to column index. */
export function createLabelIndex(schema: Schema): Map<string, number> {
  const index = new Map<string, number>();
  for (const [columnIndex, column] of schema.columns.entries()) {
    for (const label of column.labels) index.set(label, columnIndex);
  }
  return index;
}

/**
 * Matches header cells to columns by normalised label or alias, in any order. The first
 * cell for a column wins; a second is a duplicate-label. A required column that is
 * absent is a missing-label; an optional one reads as null in every row.
 */
export function matchHeader(schema: Schema, labels: Map<string, number>, record: RawRecord): HeaderResult {
  const errors: ReportEntry[] = [];
  const warnings: ReportEntry[] = [];
  const columnOfField: (number | undefined)[] = [];
  const fieldOfColumn: (number | undefined)[] = schema.columns.map(() => undefined);
  record.fields.forEach((label, fieldIndex) => {
    const columnIndex = labels.get(normaliseLabel(label));
    if (columnIndex === undefined) {
      columnOfField.push(undefined);
      const ignored = schema.unknownColumns === 'ignore';
      const entry = createEntry(record, 'extra-label', {
        column: null,
        fieldIndex,
        raw: label,
        reason: `${quoteValue(label)} names no column of schema "${schema.name}"${ignored ? ' (ignored)' : ''}`,
      });
      (ignored ? warnings : errors).push(entry);
      return;
    }
    const first = fieldOfColumn[columnIndex];
    const column = schema.columns[columnIndex];
    if (first !== undefined) {
      columnOfField.push(undefined);
      errors.push(
        createEntry(record, 'duplicate-label', {
          column: column.name,
          fieldIndex,
          raw: label,
          reason: `${quoteValue(label)} names this column again (first at field ${first + 1})`,
          details: { firstField: first + 1 },
        }),
      );
      return;
    }
    columnOfField.push(columnIndex);
    fieldOfColumn[columnIndex] = fieldIndex;
  });
  schema.columns.forEach((column, columnIndex) => {
    if (column.required === true && fieldOfColumn[columnIndex] === undefined) {
      errors.push(
        createEntry(record, 'missing-label', { column: column.name, fieldIndex: null, raw: null, reason: 'this required column is not in the header' }),
      );
    }
  });
  return { mapping: { columnOfField, fieldOfColumn, width: record.fields.length }, errors, warnings };
}
