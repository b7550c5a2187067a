import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ReadOptions } from '../../src/csv/read/index.js';
import { bad, chunksOf, collect, cutAt, good, invalid, type RecordSummary, summarize } from './harness.js';

interface Fixture {
  title: string;
  input: string | Buffer;
  options?: Partial<ReadOptions>;
  expected: RecordSummary[];
}

const bytes = (...parts: (string | number[])[]): Buffer =>
  Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part, 'utf8') : Buffer.from(part))));
const utf16le = (text: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
const utf16be = (text: string): Buffer => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]);

const fixtures: Fixture[] = [
  {
    title: 'a plain file with a trailing line break',
    input: 'id,name\n1,Ann\n2,Bob\n',
    expected: [good(1, 1, ['id', 'name']), good(2, 2, ['1', 'Ann']), good(3, 3, ['2', 'Bob'])],
  },
  {
    title: 'a UTF-8 BOM is removed',
    input: '\uFEFFid,name\n1,Zoë',
    expected: [good(1, 1, ['id', 'name']), good(2, 2, ['1', 'Zoë'])],
  },
  {
    title: 'CR LF line endings',
    input: 'a,b\r\n1,2\r\n3,4\r\n',
    expected: [good(1, 1, ['a', 'b']), good(2, 2, ['1', '2']), good(3, 3, ['3', '4'])],
  },
  {
    title: 'mixed line endings: CR LF, LF and a lone CR all end a line',
    input: 'a,b\r\n1,2\n3,4\r5,6\r\n7,8',
    expected: [good(1, 1, ['a', 'b']), good(2, 2, ['1', '2']), good(3, 3, ['3', '4']), good(4, 4, ['5', '6']), good(5, 5, ['7', '8'])],
  },
  {
    title: 'CR-only line endings (old Mac)',
    input: 'a,b\r1,2\r3,4\r',
    expected: [good(1, 1, ['a', 'b']), good(2, 2, ['1', '2']), good(3, 3, ['3', '4'])],
  },
  {
    title: 'quoted fields with delimiters, escaped quotes and line breaks: row and line part ways',
    input: 'id,text\n1,"a, b"\n2,"say ""hi"""\n3,"one\ntwo\r\nthree"\n4,"x\r\n\r\ny"\n5,end\n',
    expected: [
      good(1, 1, ['id', 'text']),
      good(2, 2, ['1', 'a, b']),
      good(3, 3, ['2', 'say "hi"']),
      good(4, 4, ['3', 'one\ntwo\r\nthree']),
      good(5, 7, ['4', 'x\r\n\r\ny']),
      good(6, 10, ['5', 'end']),
    ],
  },
  {
    title: 'an unclosed quote on the last line',
    input: 'a,b\n1,2\n3,"oops',
    expected: [good(1, 1, ['a', 'b']), good(2, 2, ['1', '2']), bad(3, 3, 'quote-error', 'CSV_QUOTE_NOT_CLOSED', '3,"oops')],
  },
  {
    title: 'an unclosed quote in the middle, no quote after it: the records after it survive',
    input: 'a,b\n1,"never closed\n2,x\n3,y\n',
    expected: [good(1, 1, ['a', 'b']), bad(2, 2, 'quote-error', 'CSV_QUOTE_NOT_CLOSED', '1,"never closed'), good(3, 3, ['2', 'x']), good(4, 4, ['3', 'y'])],
  },
  {
    title: 'an unclosed quote in the middle, a quoted field later: the records after it survive',
    input: 'a,b\n1,"oops,2\n3,4\n5,"ok"\n6,7\n',
    expected: [
      good(1, 1, ['a', 'b']),
      bad(2, 2, 'quote-error', 'CSV_INVALID_CLOSING_QUOTE', '1,"oops,2'),
      good(3, 3, ['3', '4']),
      good(4, 4, ['5', 'ok']),
      good(5, 5, ['6', '7']),
    ],
  },
  {
    title: 'text after a closing quote, then good records',
    input: 'a,b\n1,"x"y\n2,"fine"\n3,z\n',
    expected: [good(1, 1, ['a', 'b']), bad(2, 2, 'quote-error', 'CSV_INVALID_CLOSING_QUOTE', '1,"x"y'), good(3, 3, ['2', 'fine']), good(4, 4, ['3', 'z'])],
  },
  {
    title: 'a quote inside an unquoted field',
    input: 'a,b\n1,5\'10"\n2,x\n',
    expected: [good(1, 1, ['a', 'b']), bad(2, 2, 'quote-error', 'INVALID_OPENING_QUOTE', '1,5\'10"'), good(3, 3, ['2', 'x'])],
  },
  {
    title: 'a bad record after a multi-line record keeps rows and lines exact',
    input: 'a\n"x\ny"\n"bad"z\nq\n"m\nn"\nlast',
    expected: [
      good(1, 1, ['a']),
      good(2, 2, ['x\ny']),
      bad(3, 4, 'quote-error', 'CSV_INVALID_CLOSING_QUOTE', '"bad"z'),
      good(4, 5, ['q']),
      good(5, 6, ['m\nn']),
      good(6, 8, ['last']),
    ],
  },
  {
    title: 'ragged rows are yielded as they are',
    input: 'a,b,c\n1,2\n1,2,3,4\n',
    expected: [good(1, 1, ['a', 'b', 'c']), good(2, 2, ['1', '2']), good(3, 3, ['1', '2', '3', '4'])],
  },
  {
    title: 'blank rows are yielded, marked and counted',
    input: 'a,b\n\n1,2\n , \n,\n""\n3,4\n\n',
    expected: [
      good(1, 1, ['a', 'b']),
      good(2, 2, [''], true),
      good(3, 3, ['1', '2']),
      good(4, 4, [' ', ' '], true),
      good(5, 5, ['', ''], true),
      good(6, 6, [''], true),
      good(7, 7, ['3', '4']),
      good(8, 8, [''], true),
    ],
  },
  {
    title: '; with decimal commas',
    input: 'name;price\nTea;1,50\nCake;12,75\n',
    options: { delimiter: ';' },
    expected: [good(1, 1, ['name', 'price']), good(2, 2, ['Tea', '1,50']), good(3, 3, ['Cake', '12,75'])],
  },
  {
    title: '; with decimal commas, detected',
    input: 'name;price;weight\nTea;1,50;0,25\nCake;12,75;1\n',
    options: { delimiter: 'auto' },
    expected: [good(1, 1, ['name', 'price', 'weight']), good(2, 2, ['Tea', '1,50', '0,25']), good(3, 3, ['Cake', '12,75', '1'])],
  },
  {
    title: 'tabs, detected, with non-ASCII text in the sample',
    input: 'städt\tnäme\n1\tZürich, CH\n2\tSão Paulo\n',
    options: { delimiter: 'auto' },
    expected: [good(1, 1, ['städt', 'näme']), good(2, 2, ['1', 'Zürich, CH']), good(3, 3, ['2', 'São Paulo'])],
  },
  {
    title: 'Latin-1: é as 0xE9, € as 0x80 (windows-1252)',
    input: bytes('name,price\ncaf', [0xe9], ',3 ', [0x80], '\n'),
    options: { encoding: 'latin1' },
    expected: [good(1, 1, ['name', 'price']), good(2, 2, ['café', '3 €'])],
  },
  {
    title: 'UTF-16 LE with its BOM',
    input: utf16le('name,city\r\nZoë,"Zürich\nCH"\r\n𝄞,x'),
    options: { encoding: 'utf-16le' },
    expected: [good(1, 1, ['name', 'city']), good(2, 2, ['Zoë', 'Zürich\nCH']), good(3, 4, ['𝄞', 'x'])],
  },
  {
    title: 'UTF-16 BE with its BOM',
    input: utf16be('a;b\n1;é\n'),
    options: { encoding: 'utf-16be', delimiter: 'auto' },
    expected: [good(1, 1, ['a', 'b']), good(2, 2, ['1', 'é'])],
  },
  {
    title: 'UTF-16 LE: an odd trailing byte and a lone surrogate are encoding errors',
    input: Buffer.concat([utf16le('a,b\n'), Buffer.from('\uD800,x\ny,z', 'utf16le'), Buffer.from([0x41])]),
    options: { encoding: 'utf-16le' },
    expected: [good(1, 1, ['a', 'b']), invalid(2, 2, ['\uFFFD', 'x'], 10), invalid(3, 3, ['y', 'z\uFFFD'], 24)],
  },
  {
    title: 'invalid UTF-8: 0xC3 0x28, a lone 0xFF, each located by its byte offset',
    input: bytes('a,b\n', [0xc3, 0x28], ',ok\nfine,', [0xff], '\n1,2'),
    expected: [good(1, 1, ['a', 'b']), invalid(2, 2, ['\uFFFD(', 'ok'], 4), invalid(3, 3, ['fine', '\uFFFD'], 15), good(4, 4, ['1', '2'])],
  },
  {
    title: 'invalid UTF-8 after a BOM: offsets count the BOM',
    input: bytes([0xef, 0xbb, 0xbf], 'a\n', [0xe2, 0x82], 'x', [0xe0, 0x80, 0x80], '\n', [0xe2, 0x82]),
    expected: [good(1, 1, ['a']), invalid(2, 2, ['\uFFFDx\uFFFD\uFFFD\uFFFD'], 5, 4), invalid(3, 3, ['\uFFFD'], 12)],
  },
  {
    title: 'a field longer than maxRecordSize: one record-size-error, the next records survive',
    input: `a,b\n1,${'x'.repeat(50)}\n2,y\n`,
    options: { maxRecordSize: 20 },
    expected: [good(1, 1, ['a', 'b']), bad(2, 2, 'record-size-error', 'CSV_MAX_RECORD_SIZE', `1,${'x'.repeat(50)}`), good(3, 3, ['2', 'y'])],
  },
  {
    title: 'a line of delimiters only, longer than 4 × maxRecordSize bytes: cut by the reader',
    input: `a,b\n${','.repeat(100)}\n2,y\n`,
    options: { maxRecordSize: 20 },
    expected: [good(1, 1, ['a', 'b']), bad(2, 2, 'record-size-error', undefined, ','.repeat(100)), good(3, 3, ['2', 'y'])],
  },
  {
    title: 'one giant unclosed quote: cut at maxRecordSize, then every line is read',
    input: `"${'x\n'.repeat(30)}`,
    options: { maxRecordSize: 20 },
    expected: [bad(1, 1, 'record-size-error', 'CSV_MAX_RECORD_SIZE', '"x'), ...Array.from({ length: 29 }, (_, index) => good(index + 2, index + 2, ['x']))],
  },
  {
    title: 'a file of only quotes',
    input: '"'.repeat(301),
    options: { maxRecordSize: 100 },
    expected: [bad(1, 1, 'record-size-error', 'CSV_MAX_RECORD_SIZE', `${'"'.repeat(200)}…`)],
  },
  {
    title: 'four quotes are one field holding a quote',
    input: '""""',
    expected: [good(1, 1, ['"'])],
  },
  {
    title: 'skipLines drops physical lines (a broken quote in them does not matter); they count in row and line',
    input: 'Bank export\nAccount: "12\n\na;b\n1,5;2\n',
    options: { skipLines: 3, delimiter: 'auto' },
    expected: [good(4, 4, ['a', 'b']), good(5, 5, ['1,5', '2'])],
  },
  {
    title: 'skipLines beyond the end of the file',
    input: 'one\ntwo',
    options: { skipLines: 5 },
    expected: [],
  },
  { title: 'an empty file', input: '', expected: [] },
  { title: 'only a BOM', input: '\uFEFF', expected: [] },
  { title: 'a header-only file', input: 'a,b,c\n', expected: [good(1, 1, ['a', 'b', 'c'])] },
  { title: 'a header-only file without a line break', input: 'a,b,c', options: { delimiter: 'auto' }, expected: [good(1, 1, ['a', 'b', 'c'])] },
];

describe('readRecords: fixtures, whole and one byte at a time', () => {
  for (const fixture of fixtures) {
    test(fixture.title, async () => {
      const input = typeof fixture.input === 'string' ? Buffer.from(fixture.input, 'utf8') : fixture.input;
      for (const size of [Math.max(input.length, 1), 1, 3]) {
        const records = await collect(chunksOf(input, size), fixture.options);
        assert.deepEqual(records.map(summarize), fixture.expected, `chunks of ${size} bytes`);
      }
    });
  }
});

describe('readRecords: details', () => {
  test('an invalid sequence split across two chunks is located where it starts', async () => {
    const input = bytes('a\nb', [0xe2, 0x82], 'c\nd', [0xe2, 0x82], [0xac], '\n');
    const records = await collect(cutAt(input, 4, 10));
    assert.deepEqual(records.map(summarize), [good(1, 1, ['a']), invalid(2, 2, ['b\uFFFDc'], 3), good(3, 3, ['d€'])]);
  });

  test('a problem says what happened in plain words', async () => {
    const [, quote, size, encoding] = await collect(chunksOf(bytes('a\n"x"y\n', 'z'.repeat(30), '\n', [0xff], '\n'), 4), { maxRecordSize: 20 });
    assert.deepEqual(quote.problems[0], {
      row: 2,
      line: 2,
      column: null,
      field: null,
      value: '"x"y',
      code: 'quote-error',
      message: 'row 2 (line 2): text follows a closing quote (or an earlier quote is never closed); reading resumes at line 3',
      details: { csvParseCode: 'CSV_INVALID_CLOSING_QUOTE' },
    });
    assert.equal(size.problems[0].message, 'row 3 (line 3): the record is longer than 20 characters; reading resumes at line 4');
    assert.deepEqual(size.problems[0].details, { csvParseCode: 'CSV_MAX_RECORD_SIZE', maxRecordSize: 20, insideQuotes: false });
    assert.deepEqual(encoding.problems[0], {
      row: 4,
      line: 4,
      column: null,
      field: null,
      value: null,
      code: 'encoding-error',
      message: 'row 4 (line 4): bytes that are not valid utf-8 at byte offset 38',
      details: { byteOffset: 38, count: 1, encoding: 'utf-8' },
    });
  });

  test('onProgress gets the bytes read after each chunk', async () => {
    const seen: number[] = [];
    await collect(chunksOf(Buffer.from('a,b\n1,2\n'), 3), { onProgress: (bytesRead) => seen.push(bytesRead) });
    assert.deepEqual(seen, [3, 6, 8]);
  });

  test('a big source chunk is parsed in bounded pieces, with the same records', async () => {
    const lines = Array.from({ length: 20_000 }, (_, index) => `${index},"v ${index}"`);
    const records = await collect(chunksOf(Buffer.from(`${lines.join('\r\n')}\r\n`), 10 * 1024 * 1024));
    assert.equal(records.length, 20_000);
    assert.deepEqual(summarize(records[19_999]), good(20_000, 20_000, ['19999', 'v 19999']));
  });

  test('invalid options are refused', async () => {
    await assert.rejects(collect(chunksOf(Buffer.from('a'), 1), { maxRecordSize: 0 }), RangeError);
    await assert.rejects(collect(chunksOf(Buffer.from('a'), 1), { skipLines: -1 }), RangeError);
  });
});
