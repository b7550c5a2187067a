/**
 * The CSV contracts: schemas (columns declared once), the records the reader yields, and
 * the report entries every problem becomes. `csv` knows nothing of HTTP, tus or databases.
 */

/** A typed cell value. Integers beyond 2^53 are bigint, never rounded. Missing cells are null. */
export type CellValue = string | number | bigint | boolean | Date | null;

export type CellType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'enum';

/**
 * Problem codes, modelled on Frictionless's error taxonomy. Header problems are file-level
 * (they reject the file, and no row errors are reported then); the others are row-level.
 */
export type ReportCode =
  // cells
  | 'type-error' // the cell is not a value of the column's type
  | 'constraint-error' // required, minimum/maximum, minLength/maxLength, pattern, enum
  | 'unique-error' // a repeated value in a unique column, or a repeated primary key
  // rows
  | 'missing-cell' // the row has fewer fields than the header
  | 'extra-cell' // the row has more fields than the header
  | 'blank-row' // a row with no content (a warning, not an error)
  // header (file-level)
  | 'missing-label' // a required column is not in the header
  | 'duplicate-label' // two header cells name the same column
  | 'extra-label' // a header cell names no column (an error, or a warning when unknown columns are ignored)
  | 'type-row-error' // the declared type row does not match the schema
  // the file itself
  | 'encoding-error' // bytes that are not valid in the declared encoding (with the byte offset)
  | 'quote-error' // an unclosed quote, or text after a closing quote
  | 'record-size-error' // a record longer than the limit
  | 'empty-file' // no header at all
  | 'max-errors'; // the import stopped after maxErrors (one entry, then nothing more)

/** One problem, as the report, the API and errors.csv show it. */
export interface ReportEntry {
  /** 1-based record number with the header as row 1 and blank rows counted: what a spreadsheet shows. */
  row: number;
  /** The physical line where the record starts (quoted newlines make it differ from `row`). */
  line: number;
  /** The schema column's name, or null when the problem is not about one column. */
  column: string | null;
  /** 1-based position of the field in the file, or null. */
  field: number | null;
  /** The raw cell (truncated when long), or null. */
  value: string | null;
  code: ReportCode;
  /** Plain words, e.g. `row 14, column "MPG": "eighteen" is not a number`. */
  message: string;
  /** Extra facts: the constraint broken, csv-parse's own error code, a byte offset. */
  details?: Record<string, unknown>;
}

/** A record as the reader yields it: fields are raw strings; `problems` are parse-level (quote, size, encoding). */
export interface RawRecord {
  row: number;
  line: number;
  fields: string[];
  /** True for a record with no content (an empty line, or only delimiters and blanks). */
  blank: boolean;
  problems: ReportEntry[];
}

export type Delimiter = ',' | ';' | '\t' | '|';
export type Encoding = 'utf-8' | 'latin1' | 'utf-16le' | 'utf-16be';

/** How a column is declared: once, for reading and writing. */
export interface ColumnDefinition {
  /**
   * The column's name: the header label it matches and the database column, so a safe SQL
   * identifier (`^[A-Za-z_][A-Za-z0-9_]{0,62}$`). Header text that is not one (`Model Year`)
   * goes in `aliases`.
   */
  name: string;
  /** Other labels that match it. Matching ignores case and surrounding/duplicate whitespace. */
  aliases?: string[];
  type: CellType;
  /** A missing cell (see missingValues) is a constraint-error. Primary key columns are always required. */
  required?: boolean;
  unique?: boolean;
  /** Inclusive bounds: numbers for integer/number, ISO strings for date/datetime. */
  minimum?: number | string;
  maximum?: number | string;
  minLength?: number;
  maxLength?: number;
  /** A regular expression (flag u) the whole raw cell must match; any column type, tested on the raw text. */
  pattern?: string;
  /** The allowed values (required for type enum; a constraint on any string column). Exact, case-sensitive match. */
  enum?: string[];
  /** Raw values that count as missing for this column; default: the schema's missingValues. */
  missingValues?: string[];
  /** boolean: the words that mean true/false (case-insensitive). Default true/false, yes/no, 1/0. */
  trueValues?: string[];
  falseValues?: string[];
  /**
   * date/datetime: a format such as `DD.MM.YYYY` or `YYYY-MM-DD HH:mm:ss` (tokens YYYY MM DD HH mm ss,
   * fixed width, zero-padded; separators are non-alphanumeric characters or T); default ISO 8601.
   * Times are UTC; without an offset in the cell they are read as UTC.
   */
  dateFormat?: string;
  /** The label in the type row, e.g. `DOUBLE` (the cars.csv case). */
  typeLabel?: string;
  /** TS API only: turns a raw cell into a value; throw an Error whose message says what is wrong. */
  parse?: (raw: string) => CellValue;
  /** TS API only: turns a value back into a cell. */
  format?: (value: CellValue) => string;
}

export interface SchemaDefinition {
  /** The schema's name (letters, digits, _ and -): `schema=<name>` in tus metadata, the default table name. */
  name: string;
  title?: string;
  columns: ColumnDefinition[];
  /** Declared, or 'auto' (detected among , ; tab |). Default 'auto'. */
  delimiter?: Delimiter | 'auto';
  /** Default 'utf-8' (a BOM is removed). */
  encoding?: Encoding;
  /** For number columns. Default '.'. */
  decimalSeparator?: '.' | ',';
  /** Raw values that count as missing. Default ['']. */
  missingValues?: string[];
  /** Lines before the header to skip (a bank's 6 header lines). Default 0. */
  skipLines?: number;
  /** The header is followed by a type row (`STRING;DOUBLE;INT;...`) that must match each column's typeLabel. */
  typeRow?: boolean;
  /** Header cells that name no column: 'error' (default) or 'ignore' (a warning). */
  unknownColumns?: 'error' | 'ignore';
  /** Column names whose values identify a row; a re-import updates rows instead of duplicating them. */
  primaryKey?: string[];
  /** Database table; default: the schema's name. */
  table?: string;
  /** Longest record accepted, in characters. Default 1 MiB. */
  maxRecordSize?: number;
}

/** A validated, normalised schema (every default filled in). */
export interface Schema extends Required<Omit<SchemaDefinition, 'title' | 'primaryKey'>> {
  title: string | undefined;
  primaryKey: string[];
  columns: Column[];
}

/** A validated column with its cell codec. */
export interface Column extends ColumnDefinition {
  /** Labels this column matches, normalised (lower case, single spaces). */
  labels: string[];
  missingValues: string[];
  /** raw → value, or a problem (code and message). Missing values are handled before this. */
  decode(raw: string): { value: CellValue } | { code: 'type-error' | 'constraint-error'; message: string; details?: Record<string, unknown> };
  /** value → cell text; `decode(encode(v))` gives `v` back. */
  encode(value: CellValue): string;
}
