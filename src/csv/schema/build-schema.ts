import { DEFAULT_FALSE_VALUES, DEFAULT_TRUE_VALUES } from '../cells/boolean-codec.js';
import { createCellCodec } from '../cells/cell-codec.js';
import type { Column, ColumnDefinition, Schema, SchemaDefinition } from '../types.js';
import { normaliseLabel } from './labels.js';

/** Longest record accepted by default, in characters: 1 MiB. */
export const DEFAULT_MAX_RECORD_SIZE = 1024 * 1024;

interface ColumnContext {
  missingValues: readonly string[];
  decimalSeparator: '.' | ',';
  inPrimaryKey: boolean;
}

function buildColumn(definition: ColumnDefinition, context: ColumnContext): Column {
  const aliases = Object.freeze([...(definition.aliases ?? [])]);
  const missingValues = Object.freeze([...(definition.missingValues ?? context.missingValues)]);
  const filled: ColumnDefinition = {
    ...definition,
    aliases,
    // A primary key identifies a row, so its columns cannot be missing.
    required: definition.required === true || context.inPrimaryKey,
    unique: definition.unique === true,
    missingValues,
    ...(definition.type === 'boolean'
      ? {
          trueValues: Object.freeze([...(definition.trueValues ?? DEFAULT_TRUE_VALUES)]),
          falseValues: Object.freeze([...(definition.falseValues ?? DEFAULT_FALSE_VALUES)]),
        }
      : {}),
    ...(definition.enum === undefined ? {} : { enum: Object.freeze([...definition.enum]) }),
  } as ColumnDefinition;
  const labels = Object.freeze([...new Set([definition.name, ...aliases].map(normaliseLabel))]);
  const codec = createCellCodec(filled, { decimalSeparator: context.decimalSeparator, missingValues });
  return Object.freeze({ ...filled, labels, missingValues, decode: codec.decode, encode: codec.encode }) as Column;
}

/** Fills every default of a definition that checkSchemaDefinition found sound, and freezes the result. */
export function buildSchema(definition: SchemaDefinition): Schema {
  const missingValues = Object.freeze([...(definition.missingValues ?? [''])]);
  const decimalSeparator = definition.decimalSeparator ?? '.';
  const primaryKey = Object.freeze([...(definition.primaryKey ?? [])]);
  const columns = Object.freeze(
    definition.columns.map((column) => buildColumn(column, { missingValues, decimalSeparator, inPrimaryKey: primaryKey.includes(column.name) })),
  );
  return Object.freeze({
    name: definition.name,
    title: definition.title,
    columns,
    delimiter: definition.delimiter ?? 'auto',
    encoding: definition.encoding ?? 'utf-8',
    decimalSeparator,
    missingValues,
    skipLines: definition.skipLines ?? 0,
    typeRow: definition.typeRow ?? false,
    unknownColumns: definition.unknownColumns ?? 'error',
    primaryKey,
    table: definition.table ?? definition.name,
    maxRecordSize: definition.maxRecordSize ?? DEFAULT_MAX_RECORD_SIZE,
  }) as Schema;
}
