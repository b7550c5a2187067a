import assert from 'node:assert/strict';
import { test } from 'node:test';
import { copyField } from '../../src/imports/sinks/postgres-copy.js';
import type { StoredValue } from '../../src/imports/sinks/stored-values.js';

const cases: { value: StoredValue; field: string; why: string }[] = [
  { value: null, field: '\\N', why: 'NULL is \\N' },
  { value: '', field: '', why: 'an empty string stays empty' },
  { value: '\\N', field: '\\\\N', why: 'a literal \\N is not NULL' },
  { value: 'a\tb', field: 'a\\tb', why: 'tab, the delimiter' },
  { value: 'a\nb\r\n', field: 'a\\nb\\r\\n', why: 'newlines' },
  { value: 'c:\\dir\\', field: 'c:\\\\dir\\\\', why: 'backslashes' },
  { value: '\\.', field: '\\\\.', why: 'the end-of-data marker cannot appear' },
  { value: 'say "hi", \'x\'', field: 'say "hi", \'x\'', why: 'quotes and commas need nothing in text format' },
  { value: 'été 🚢', field: 'été 🚢', why: 'unicode as is' },
  { value: true, field: 't', why: 'boolean true' },
  { value: false, field: 'f', why: 'boolean false' },
  { value: 9223372036854775807n, field: '9223372036854775807', why: 'bigint as digits' },
  { value: 0.1, field: '0.1', why: 'shortest exact double' },
  { value: 1e21, field: '1e+21', why: 'exponent form PostgreSQL reads' },
];

for (const { value, field, why } of cases) {
  test(`COPY text field: ${why}`, () => {
    assert.equal(copyField(value), field);
  });
}
