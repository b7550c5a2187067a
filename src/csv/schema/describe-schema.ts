import type { Column, Schema } from '../types.js';

/** A column as `GET /schemas/:name` shows it. */
export interface ColumnDescription {
  name: string;
  type: Column['type'];
  aliases: string[];
  required: boolean;
  unique: boolean;
  /** Only the constraints the column declares. */
  constraints: Partial<Pick<Column, 'minimum' | 'maximum' | 'minLength' | 'maxLength' | 'pattern' | 'enum'>>;
  missingValues: string[];
  trueValues?: string[];
  falseValues?: string[];
  dateFormat?: string;
  typeLabel?: string;
  /** True when the column has a custom parse or format (TypeScript API). */
  custom: boolean;
}

export interface SchemaDescription {
  name: string;
  title?: string;
  table: string;
  primaryKey: string[];
  options: Pick<Schema, 'delimiter' | 'encoding' | 'decimalSeparator' | 'missingValues' | 'skipLines' | 'typeRow' | 'unknownColumns' | 'maxRecordSize'>;
  columns: ColumnDescription[];
}

const CONSTRAINT_KEYS = ['minimum', 'maximum', 'minLength', 'maxLength', 'pattern', 'enum'] as const;

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
}

function describeColumn(column: Column): ColumnDescription {
  const constraints = withoutUndefined(Object.fromEntries(CONSTRAINT_KEYS.map((key) => [key, column[key]])));
  return withoutUndefined({
    name: column.name,
    type: column.type,
    aliases: [...(column.aliases ?? [])],
    required: column.required === true,
    unique: column.unique === true,
    constraints,
    missingValues: [...column.missingValues],
    trueValues: column.trueValues && [...column.trueValues],
    falseValues: column.falseValues && [...column.falseValues],
    dateFormat: column.dateFormat,
    typeLabel: column.typeLabel,
    custom: column.parse !== undefined || column.format !== undefined,
  });
}

/** A JSON-able description of a schema: columns with type, constraints and aliases, and the file options. */
export function describeSchema(schema: Schema): SchemaDescription {
  const { delimiter, encoding, decimalSeparator, missingValues, skipLines, typeRow, unknownColumns, maxRecordSize } = schema;
  return withoutUndefined({
    name: schema.name,
    title: schema.title,
    table: schema.table,
    primaryKey: [...schema.primaryKey],
    options: { delimiter, encoding, decimalSeparator, missingValues: [...missingValues], skipLines, typeRow, unknownColumns, maxRecordSize },
    columns: schema.columns.map(describeColumn),
  });
}
