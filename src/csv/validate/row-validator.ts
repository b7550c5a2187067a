import { appError } from '../../errors/catalogue.js';
import { isCellProblem } from '../cells/cell-result.js';
import { quoteValue } from '../cells/display-value.js';
import { readCell } from '../cells/read-cell.js';
import { normaliseLabel } from '../schema/labels.js';
import type { CellValue, Column, RawRecord, ReportEntry, Schema } from '../types.js';
import { createLabelIndex, type HeaderMapping, type HeaderResult, matchHeader } from './header-mapping.js';
import { createEntry } from './report-entry.js';
import { canonicalKey, createSeenKeys, type SeenKeys } from './unique-keys.js';
import { createValuesBuilder } from './values-builder.js';

export interface RowResult {
  /** Every schema column by name (absent optional columns are null); undefined when the row has errors or is blank. */
  values: Record<string, CellValue> | undefined;
  errors: ReportEntry[];
  /** blank-row. */
  warnings: ReportEntry[];
}

/**
 * Turns the reader's records into values, one file at a time: `header` first (it fixes
 * where each column sits), then `typeRow` when the schema has one, then `row` for each
 * record. It remembers unique values and primary keys across rows, so use one validator
 * per file.
 */
export interface RowValidator {
  header(record: RawRecord): HeaderResult;
  /** type-row-error for each mapped field whose text is not the column's typeLabel (case-insensitive). */
  typeRow(record: RawRecord): ReportEntry[];
  row(record: RawRecord): RowResult;
}

/** A set of columns whose values must not repeat: one unique column, or the primary key. */
interface KeyRule {
  constraint: 'unique' | 'primaryKey';
  columns: number[];
  seen: SeenKeys;
}

function createKeyRules(schema: Schema): KeyRule[] {
  const rules: KeyRule[] = [];
  schema.columns.forEach((column, index) => {
    if (column.unique === true) rules.push({ constraint: 'unique', columns: [index], seen: createSeenKeys() });
  });
  const key = schema.primaryKey.map((name) => schema.columns.findIndex((column) => column.name === name));
  // A one-column primary key on a unique column is already checked.
  const alreadyUnique = key.length === 1 && schema.columns[key[0]].unique === true;
  if (key.length > 0 && !alreadyUnique) rules.push({ constraint: 'primaryKey', columns: key, seen: createSeenKeys() });
  return rules;
}

/** What the header fixes for every row: per schema column, where its cell is; and the builder of the values object. */
interface RowPlan {
  cells: { column: Column; fieldIndex: number | undefined }[];
  build: (cells: readonly CellValue[]) => Record<string, CellValue>;
}

function createRowPlan(schema: Schema, { fieldOfColumn }: HeaderMapping): RowPlan {
  return {
    cells: schema.columns.map((column, index) => ({ column, fieldIndex: fieldOfColumn[index] })),
    build: createValuesBuilder(schema.columns.map((column) => column.name)),
  };
}

export function createRowValidator(schema: Schema): RowValidator {
  const labels = createLabelIndex(schema);
  const keyRules = createKeyRules(schema);
  let current: { mapping: HeaderMapping; plan: RowPlan } | undefined;

  function header(): { mapping: HeaderMapping; plan: RowPlan } {
    if (current === undefined) throw appError('INTERNAL_ERROR', { message: 'the row validator needs header() before typeRow() or row()' });
    return current;
  }

  function checkKeys(record: RawRecord, values: Record<string, CellValue>, fieldOfColumn: HeaderMapping['fieldOfColumn']): ReportEntry[] {
    const errors: ReportEntry[] = [];
    const fresh: [SeenKeys, string][] = [];
    for (const rule of keyRules) {
      const parts = rule.columns.map((index) => values[schema.columns[index].name]);
      if (parts.some((part) => part === null)) continue;
      const nonNull = parts as Exclude<CellValue, null>[];
      const key = nonNull.length === 1 ? canonicalKey(nonNull[0]) : JSON.stringify(nonNull.map(canonicalKey));
      const firstRow = rule.seen.firstRow(key);
      if (firstRow === undefined) {
        fresh.push([rule.seen, key]);
        continue;
      }
      const raws = rule.columns.map((index) => record.fields[fieldOfColumn[index] ?? -1] ?? '');
      const details = { constraint: rule.constraint, firstRow, ...(rule.constraint === 'primaryKey' ? { columns: [...schema.primaryKey] } : {}) };
      const what = rule.constraint === 'unique' ? 'value' : 'primary key';
      errors.push(
        rule.columns.length === 1
          ? createEntry(record, 'unique-error', {
              column: schema.columns[rule.columns[0]].name,
              fieldIndex: fieldOfColumn[rule.columns[0]] ?? null,
              raw: raws[0],
              reason: `${quoteValue(raws[0])} repeats the ${what} of row ${firstRow}`,
              details,
            })
          : createEntry(record, 'unique-error', {
              column: null,
              fieldIndex: null,
              raw: raws.join(', '),
              reason: `primary key (${schema.primaryKey.join(', ')}) ${raws.map(quoteValue).join(', ')} repeats row ${firstRow}`,
              details,
            }),
      );
    }
    // Only a row that will be imported claims its keys.
    if (errors.length === 0) {
      for (const [seen, key] of fresh) seen.remember(key, record.row);
    }
    return errors;
  }

  return {
    header(record) {
      const result = matchHeader(schema, labels, record);
      current = { mapping: result.mapping, plan: createRowPlan(schema, result.mapping) };
      return result;
    },

    typeRow(record) {
      const { fieldOfColumn } = header().mapping;
      const errors: ReportEntry[] = [];
      schema.columns.forEach((column, index) => {
        const fieldIndex = fieldOfColumn[index];
        if (fieldIndex === undefined || column.typeLabel === undefined) return;
        const raw = record.fields[fieldIndex];
        const expected = quoteValue(column.typeLabel);
        if (raw === undefined) {
          errors.push(
            createEntry(record, 'type-row-error', {
              column: column.name,
              fieldIndex,
              raw: null,
              reason: `the type row ends before this field (expected ${expected})`,
              details: { expected: column.typeLabel },
            }),
          );
        } else if (normaliseLabel(raw) !== normaliseLabel(column.typeLabel)) {
          errors.push(
            createEntry(record, 'type-row-error', {
              column: column.name,
              fieldIndex,
              raw,
              reason: `type ${quoteValue(raw)} does not match ${expected}`,
              details: { expected: column.typeLabel },
            }),
          );
        }
      });
      return errors;
    },

    row(record) {
      const {
        mapping: { width, fieldOfColumn },
        plan,
      } = header();
      if (record.blank) {
        return {
          values: undefined,
          errors: [],
          warnings: [createEntry(record, 'blank-row', { column: null, fieldIndex: null, raw: null, reason: 'the row is blank' })],
        };
      }
      const { fields } = record;
      const errors: ReportEntry[] = [];
      const cells: CellValue[] = new Array(plan.cells.length);
      for (let index = 0; index < plan.cells.length; index += 1) {
        const { column, fieldIndex } = plan.cells[index];
        cells[index] = null;
        if (fieldIndex === undefined) continue;
        const raw = fields[fieldIndex];
        if (raw === undefined) {
          errors.push(
            createEntry(record, 'missing-cell', { column: column.name, fieldIndex, raw: null, reason: `the row ends before field ${fieldIndex + 1}` }),
          );
          continue;
        }
        const result = readCell(column, raw);
        if (isCellProblem(result))
          errors.push(createEntry(record, result.code, { column: column.name, fieldIndex, raw, reason: result.message, details: result.details }));
        else cells[index] = result.value;
      }
      if (fields.length > width) {
        const surplus = fields.length - width;
        errors.push(
          createEntry(record, 'extra-cell', {
            column: null,
            fieldIndex: width,
            raw: fields[width],
            reason: `${surplus} more ${surplus === 1 ? 'field' : 'fields'} than the header's ${width}`,
            details: { expected: width, actual: fields.length },
          }),
        );
      }
      const values = plan.build(cells);
      if (errors.length === 0 && keyRules.length > 0) errors.push(...checkKeys(record, values, fieldOfColumn));
      return { values: errors.length === 0 ? values : undefined, errors, warnings: [] };
    },
  };
}
