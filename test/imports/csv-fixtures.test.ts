/**
 * Table-driven CSV fixtures: small files with a known, exact report. Each case is run
 * through runImport twice, the file whole and one byte at a time (so every BOM, CRLF,
 * quote and multi-byte character also crosses a chunk border): both runs must give the
 * same report, and the expected one.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { defineSchema } from '../../src/csv/schema/index.js';
import type { CellValue, ColumnDefinition, ReportCode, ReportEntry, SchemaDefinition } from '../../src/csv/types.js';
import { type ImportMode, type ImportSummary, type RejectedRow, runImport, type Sink } from '../../src/imports/index.js';

type Row = Record<string, CellValue>;
/** [row, line, column, code] */
type Entry = [number, number, string | null, ReportCode];

interface Case {
  name: string;
  csv: string | Buffer;
  /** Default: columns `id` (integer, required) and `name` (string). */
  schema?: Partial<SchemaDefinition>;
  /** Default validate; the other modes write into an in-memory sink whose rows are checked. */
  mode?: ImportMode;
  errors: Entry[];
  warnings?: Entry[];
  summary: Pick<ImportSummary, 'rowsRead' | 'rowsFailed' | 'rejected'>;
  /** The rows committed to the sink (needs a mode that writes). */
  written?: Row[];
  /** Further checks on the whole run (messages, details, rejected rows). */
  check?: (result: Result) => void;
}

interface Result {
  summary: ImportSummary;
  errors: ReportEntry[];
  warnings: ReportEntry[];
  rejected: RejectedRow[];
  written: Row[];
}

const ID_NAME: ColumnDefinition[] = [
  { name: 'id', type: 'integer', required: true },
  { name: 'name', type: 'string' },
];

/** A sink that keeps committed rows in memory. */
function memorySink(committed: Row[]): Sink {
  return {
    async begin() {
      let pending: Row[] = [];
      return {
        async write(rows) {
          pending.push(...rows.map((row) => ({ ...row })));
        },
        async commit() {
          committed.push(...pending);
          return { rows: pending.length };
        },
        async rollback() {
          pending = [];
        },
      };
    },
    async committedRows() {
      return undefined;
    },
    async close() {},
  };
}

async function* whole(bytes: Buffer): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(bytes);
}

async function* byteByByte(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let index = 0; index < bytes.length; index += 1) yield bytes.subarray(index, index + 1);
}

async function run(item: Case, source: AsyncIterable<Uint8Array>): Promise<Result> {
  const result: Omit<Result, 'summary'> = { errors: [], warnings: [], rejected: [], written: [] };
  const mode = item.mode ?? 'validate';
  const schema = defineSchema({ name: 'fixture', columns: ID_NAME, ...item.schema });
  const summary = await runImport({
    source,
    schema,
    mode,
    maxErrors: 100,
    batchSize: 2,
    sink: mode === 'validate' ? undefined : memorySink(result.written),
    importId: 'fixture',
    onProblem: (entry, kind) => void (kind === 'error' ? result.errors : result.warnings).push(entry),
    onRejectedRow: (row) => void result.rejected.push(row),
  });
  return { summary, ...result };
}

const brief = (entries: ReportEntry[]): Entry[] => entries.map((entry) => [entry.row, entry.line, entry.column, entry.code]);
const bytesOf = (csv: string | Buffer): Buffer => (typeof csv === 'string' ? Buffer.from(csv, 'utf8') : csv);
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

// biome-ignore format: one case per line
const CASES: Case[] = [
  {
    name: 'a UTF-8 BOM is removed: the first label still matches, rows count from the header',
    csv: Buffer.concat([BOM, Buffer.from('id,name\n1,Ada\nx,Bob\n')]),
    mode: 'skip-bad-rows',
    errors: [[3, 3, 'id', 'type-error']],
    summary: { rowsRead: 2, rowsFailed: 1, rejected: false },
    written: [{ id: 1, name: 'Ada' }],
  },
  {
    name: 'CRLF and mixed line endings (CRLF, LF, bare CR) each end one line',
    csv: 'id,name\r\n1,a\r\n2,b\nx,c\r\n4,d\r5,e\ny,f\r\n',
    mode: 'skip-bad-rows',
    errors: [[4, 4, 'id', 'type-error'], [7, 7, 'id', 'type-error']],
    summary: { rowsRead: 6, rowsFailed: 2, rejected: false },
    written: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 4, name: 'd' }, { id: 5, name: 'e' }],
  },
  {
    name: 'quoted fields with delimiters, escaped quotes and newlines: row and line differ afterwards',
    csv: 'id,name\n1,"a, b"\n2,"say ""hi"""\n3,"multi\nline\r\ntext"\nx,after\n5,"last\none"\ny,end\n',
    mode: 'skip-bad-rows',
    errors: [[5, 7, 'id', 'type-error'], [7, 10, 'id', 'type-error']],
    summary: { rowsRead: 6, rowsFailed: 2, rejected: false },
    written: [{ id: 1, name: 'a, b' }, { id: 2, name: 'say "hi"' }, { id: 3, name: 'multi\nline\r\ntext' }, { id: 5, name: 'last\none' }],
    check: ({ rejected }) => assert.deepEqual(rejected.map((row) => [row.row, row.line, row.fields]), [[5, 7, ['x', 'after']], [7, 10, ['y', 'end']]]),
  },
  {
    name: 'an unclosed quote near the end: quote-error, reading resumes at the next line',
    csv: 'id,name\n1,a\n2,"never closed\n3,c',
    mode: 'skip-bad-rows',
    errors: [[3, 3, null, 'quote-error']],
    summary: { rowsRead: 3, rowsFailed: 1, rejected: false },
    written: [{ id: 1, name: 'a' }, { id: 3, name: 'c' }],
    check: ({ errors, rejected }) => {
      assert.equal(errors[0].details?.csvParseCode, 'CSV_QUOTE_NOT_CLOSED');
      assert.equal(errors[0].message, 'row 3 (line 3): a quoted field is never closed; reading resumes at line 4');
      assert.deepEqual(rejected.map((row) => [row.row, row.line, row.fields]), [[3, 3, []]]);
    },
  },
  {
    name: 'an unclosed quote on the last line',
    csv: 'id,name\n1,a\n2,"never closed',
    mode: 'skip-bad-rows',
    errors: [[3, 3, null, 'quote-error']],
    summary: { rowsRead: 2, rowsFailed: 1, rejected: false },
    written: [{ id: 1, name: 'a' }],
    check: ({ errors }) => assert.equal(errors[0].details?.csvParseCode, 'CSV_QUOTE_NOT_CLOSED'),
  },
  {
    name: 'ragged rows: missing-cell and extra-cell',
    csv: 'id,name\n1\n2,b,extra\n3,c\n4,d,e,f\n',
    errors: [[2, 2, 'name', 'missing-cell'], [3, 3, null, 'extra-cell'], [5, 5, null, 'extra-cell']],
    summary: { rowsRead: 4, rowsFailed: 3, rejected: false },
    check: ({ errors }) => {
      assert.deepEqual(errors.map((entry) => [entry.field, entry.value]), [[2, null], [3, 'extra'], [3, 'e']]);
      assert.deepEqual(errors[2].details, { expected: 2, actual: 4 });
    },
  },
  {
    name: 'blank lines are blank-row warnings, and counted as rows',
    csv: 'id,name\n1,a\n\n2,b\n,\n  ,\t\nx,c\n',
    errors: [[7, 7, 'id', 'type-error']],
    warnings: [[3, 3, null, 'blank-row'], [5, 5, null, 'blank-row'], [6, 6, null, 'blank-row']],
    summary: { rowsRead: 6, rowsFailed: 1, rejected: false },
  },
  {
    name: 'reordered and aliased headers: no errors, values land in the right columns',
    csv: 'Full  NAME,Score,ID\nAda Lovelace,1.5,7\nGrace,2,8\n',
    schema: {
      columns: [
        { name: 'id', type: 'integer', required: true },
        { name: 'name', type: 'string', aliases: ['Full Name'] },
        { name: 'score', type: 'number' },
      ],
    },
    mode: 'skip-bad-rows',
    errors: [],
    summary: { rowsRead: 2, rowsFailed: 0, rejected: false },
    written: [{ id: 7, name: 'Ada Lovelace', score: 1.5 }, { id: 8, name: 'Grace', score: 2 }],
  },
  {
    name: 'a missing required column: missing-label only, the file is rejected, no row errors',
    csv: 'name\na\n\nx,y,z\n',
    mode: 'all-or-nothing',
    errors: [[1, 1, 'id', 'missing-label']],
    summary: { rowsRead: 0, rowsFailed: 0, rejected: true },
    written: [],
  },
  {
    name: 'duplicate headers: duplicate-label only',
    csv: 'id,name,ID\n1,a,2\nx,b\n',
    errors: [[1, 1, 'id', 'duplicate-label']],
    summary: { rowsRead: 0, rowsFailed: 0, rejected: true },
    check: ({ errors }) => assert.deepEqual([errors[0].field, errors[0].value, errors[0].details], [3, 'ID', { firstField: 1 }]),
  },
  {
    name: 'decimal comma with ; : a "1.5" is a type-error at its row and column',
    csv: 'id;price;name\n1;1,5;a, b\n2;1.5;c\n3;-2,25;d\n',
    schema: {
      columns: [{ name: 'id', type: 'integer' }, { name: 'price', type: 'number' }, { name: 'name', type: 'string' }],
      delimiter: ';',
      decimalSeparator: ',',
    },
    mode: 'skip-bad-rows',
    errors: [[3, 3, 'price', 'type-error']],
    summary: { rowsRead: 3, rowsFailed: 1, rejected: false },
    written: [{ id: 1, price: 1.5, name: 'a, b' }, { id: 3, price: -2.25, name: 'd' }],
    check: ({ errors }) => assert.deepEqual([errors[0].field, errors[0].value], [2, '1.5']),
  },
  {
    name: 'Latin-1 text declared latin1: no errors, the é survives',
    csv: Buffer.from('id,name\n1,Café\n2,Zoë Ærø\n', 'latin1'),
    schema: { encoding: 'latin1' },
    mode: 'skip-bad-rows',
    errors: [],
    summary: { rowsRead: 2, rowsFailed: 0, rejected: false },
    written: [{ id: 1, name: 'Café' }, { id: 2, name: 'Zoë Ærø' }],
  },
  {
    name: 'invalid UTF-8 in utf-8 mode: encoding-error with the byte offset',
    // 'id,name\n' is 8 bytes, '1,é\n' 5 (é is two), '2,' 2: the bad byte is at offset 15.
    csv: Buffer.concat([Buffer.from('id,name\n1,é\n2,'), Buffer.from([0xff]), Buffer.from('A\n3,c\n')]),
    mode: 'skip-bad-rows',
    errors: [[3, 3, null, 'encoding-error']],
    summary: { rowsRead: 3, rowsFailed: 1, rejected: false },
    written: [{ id: 1, name: 'é' }, { id: 3, name: 'c' }],
    check: ({ errors }) => assert.equal(errors[0].details?.byteOffset, 15),
  },
  {
    name: 'N/A declared in missingValues is null; in a required column it is a constraint-error',
    csv: 'id,name\n1,N/A\nN/A,b\n3,\n',
    schema: { missingValues: ['', 'N/A'] },
    mode: 'skip-bad-rows',
    errors: [[3, 3, 'id', 'constraint-error']],
    summary: { rowsRead: 3, rowsFailed: 1, rejected: false },
    written: [{ id: 1, name: null }, { id: 3, name: null }],
    check: ({ errors }) => assert.deepEqual(errors[0].details, { constraint: 'required' }),
  },
  {
    name: 'a duplicate key under unique: unique-error on the second occurrence',
    csv: 'id,name\n1,a\n2,b\n1,c\n3,d\n2,e\n',
    schema: { columns: [{ name: 'id', type: 'integer', unique: true }, { name: 'name', type: 'string' }] },
    errors: [[4, 4, 'id', 'unique-error'], [6, 6, 'id', 'unique-error']],
    summary: { rowsRead: 5, rowsFailed: 2, rejected: false },
    check: ({ errors }) => assert.deepEqual(errors.map((entry) => entry.details?.firstRow), [2, 3]),
  },
  {
    name: 'a huge field over maxRecordSize: record-size-error, later rows still validated',
    csv: `id,name\n1,a\n2,${'x'.repeat(300)}\ny,c\n4,d\n`,
    schema: { maxRecordSize: 100 },
    mode: 'skip-bad-rows',
    errors: [[3, 3, null, 'record-size-error'], [4, 4, 'id', 'type-error']],
    summary: { rowsRead: 4, rowsFailed: 2, rejected: false },
    written: [{ id: 1, name: 'a' }, { id: 4, name: 'd' }],
    check: ({ errors }) => assert.equal(errors[0].details?.maxRecordSize, 100),
  },
  {
    name: 'a formula-looking cell in a string column is data, not an error',
    csv: 'id,name\n1,=1+2\n2,"=HYPERLINK(""x"")"\n',
    mode: 'skip-bad-rows',
    errors: [],
    summary: { rowsRead: 2, rowsFailed: 0, rejected: false },
    written: [{ id: 1, name: '=1+2' }, { id: 2, name: '=HYPERLINK("x")' }],
  },
  {
    name: 'an empty file: empty-file, rejected',
    csv: '',
    errors: [[1, 1, null, 'empty-file']],
    summary: { rowsRead: 0, rowsFailed: 0, rejected: true },
  },
  {
    name: 'a header-only file: no errors, no rows',
    csv: 'id,name\r\n',
    mode: 'all-or-nothing',
    errors: [],
    summary: { rowsRead: 0, rowsFailed: 0, rejected: false },
    written: [],
  },
  {
    name: 'a bad quote in the middle: one quote-error, the good rows after it are read and counted',
    csv: 'id,name\n1,a\n2,"b"x\n3,c\n4,d\nq,e\n',
    mode: 'skip-bad-rows',
    errors: [[3, 3, null, 'quote-error'], [6, 6, 'id', 'type-error']],
    summary: { rowsRead: 5, rowsFailed: 2, rejected: false },
    written: [{ id: 1, name: 'a' }, { id: 3, name: 'c' }, { id: 4, name: 'd' }],
  },
  {
    name: 'the message format: row, column name, the raw cell, what is wrong',
    csv: `Model,MPG\n${Array.from({ length: 12 }, (_, index) => `car ${index},${18 + index}`).join('\n')}\nFord,eighteen\n`,
    schema: { columns: [{ name: 'Model', type: 'string' }, { name: 'MPG', type: 'number' }] },
    errors: [[14, 14, 'MPG', 'type-error']],
    summary: { rowsRead: 13, rowsFailed: 1, rejected: false },
    check: ({ errors }) => {
      assert.equal(errors[0].message, 'row 14, column "MPG": "eighteen" is not a number');
      assert.deepEqual([errors[0].field, errors[0].value], [2, 'eighteen']);
    },
  },
];

describe('CSV fixtures through runImport: exact reports', () => {
  for (const item of CASES) {
    test(item.name, async () => {
      const bytes = bytesOf(item.csv);
      const result = await run(item, whole(bytes));
      assert.deepEqual(brief(result.errors), item.errors, 'errors');
      assert.deepEqual(brief(result.warnings), item.warnings ?? [], 'warnings');
      const { rowsRead, rowsFailed, rejected } = result.summary;
      assert.deepEqual({ rowsRead, rowsFailed, rejected }, item.summary, 'summary');
      assert.equal(result.summary.errorCount, item.errors.length);
      assert.equal(result.summary.stoppedEarly, false);
      assert.deepEqual(
        result.rejected.map((row) => row.row),
        [...new Set(item.errors.filter(([row]) => row > 1).map(([row]) => row))],
        'rejected rows',
      );
      if (item.written !== undefined) assert.deepEqual(result.written, item.written, 'rows written');
      item.check?.(result);

      const split = await run(item, byteByByte(bytes));
      assert.deepEqual(split.errors, result.errors, 'the same errors, one byte at a time');
      assert.deepEqual(split.warnings, result.warnings);
      assert.deepEqual(split.summary, result.summary);
      assert.deepEqual(split.written, result.written);
    });
  }
});
