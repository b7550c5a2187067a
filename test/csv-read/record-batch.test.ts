import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { packRecords, unpackRecords } from '../../src/csv/read/record-batch.js';
import type { RawRecord } from '../../src/csv/types.js';

const record = (row: number, line: number, fields: string[], extra: Partial<RawRecord> = {}): RawRecord => ({ row, line, fields, blank: false, problems: [], ...extra });
const quoteError: RawRecord['problems'][number] = { row: 4, line: 5, column: null, field: null, value: '"x"y', code: 'quote-error', message: 'row 4 (line 5): …', details: { csvParseCode: 'CSV_INVALID_CLOSING_QUOTE' } };

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
  test('every record comes back as it was, blank and faulty ones whole', () => {
    const batch = packRecords(RECORDS);
    assert.equal(batch.fields.length, 5);
    assert.deepEqual(batch.irregular.map(({ index }) => index), [2, 3]);
    assert.deepEqual(unpackRecords(batch), RECORDS);
  });

  test('no records, or only irregular ones', () => {
    assert.deepEqual(unpackRecords(packRecords([])), []);
    assert.deepEqual(unpackRecords(packRecords([RECORDS[2], RECORDS[3]])), [RECORDS[2], RECORDS[3]]);
  });

  test('rows and lines survive a structured clone of the batch, up to 2^53', () => {
    const batch = structuredClone(packRecords(RECORDS));
    assert.deepEqual(unpackRecords(batch), RECORDS);
  });
});
