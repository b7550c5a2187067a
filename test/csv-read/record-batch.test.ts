import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FIELD_SEPARATOR, mayHoldSeparator, packRecords, RECORD_SEPARATOR, unpackRecords } from '../../src/csv/read/record-batch.js';
import type { RawRecord } from '../../src/csv/types.js';

const record = (row: number, line: number, fields: string[], extra: Partial<RawRecord> = {}): RawRecord => ({
  row,
  line,
  fields,
  blank: false,
  problems: [],
  ...extra,
});
const quoteError: RawRecord['problems'][number] = {
  row: 4,
  line: 5,
  column: null,
  field: null,
  value: '"x"y',
  code: 'quote-error',
  message: 'row 4 (line 5): …',
  details: { csvParseCode: 'CSV_INVALID_CLOSING_QUOTE' },
};

const RECORDS: RawRecord[] = [
  record(1, 1, ['id', 'name']),
  record(2, 2, ['1', 'two\nlines', '']),
  record(3, 4, [''], { blank: true }),
  record(4, 5, [], { problems: [quoteError] }),
  record(5, 6, ['', '', 'x']),
  record(6, 7, ['Zoë 😀', 'a,b', '"q"']),
  record(2 ** 40, 2 ** 52, ['big']),
];

describe('record batches', () => {
  test('packed, every record comes back as it was, irregular ones whole', () => {
    const batch = packRecords(RECORDS, true);
    assert.equal(typeof batch.packed, 'string');
    assert.equal(batch.fields, undefined);
    assert.deepEqual(
      batch.irregular.map(({ index }) => index),
      [2, 3],
    );
    assert.deepEqual(unpackRecords(batch), RECORDS);
  });

  test('unpacked (separators possible), every record comes back as it was', () => {
    const withSeparators = [record(1, 1, [`a${FIELD_SEPARATOR}b`, `c${RECORD_SEPARATOR}d`]), ...RECORDS];
    const batch = packRecords(withSeparators, false);
    assert.equal(batch.packed, undefined);
    assert.deepEqual(unpackRecords(batch), withSeparators);
  });

  test('no records, or only irregular ones', () => {
    assert.deepEqual(unpackRecords(packRecords([], true)), []);
    assert.deepEqual(unpackRecords(packRecords([RECORDS[2], RECORDS[3]], true)), [RECORDS[2], RECORDS[3]]);
  });

  test('a row and line survive a structured clone of the batch', () => {
    const batch = structuredClone(packRecords(RECORDS, true));
    assert.deepEqual(unpackRecords(batch), RECORDS);
  });

  test('separator bytes are found in any encoding', () => {
    assert.equal(mayHoldSeparator(Buffer.from('a,b\n1,2\n')), false);
    assert.equal(mayHoldSeparator(Buffer.from(`a${FIELD_SEPARATOR}b`, 'utf8')), true);
    assert.equal(mayHoldSeparator(Buffer.from(`a${RECORD_SEPARATOR}b`, 'latin1')), true);
    assert.equal(mayHoldSeparator(Buffer.from(`a${RECORD_SEPARATOR}b`, 'utf16le')), true);
  });
});
