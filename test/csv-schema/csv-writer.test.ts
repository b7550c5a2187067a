import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defineSchema, loadSchemaFile } from '../../src/csv/schema/index.js';
import { createCsvWriter, quoteField } from '../../src/csv/write/index.js';
import { isAppError } from '../../src/errors/app-error.js';

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url).pathname;

describe('quoteField', () => {
  const cases: [string, string, string][] = [
    ['plain', ',', 'plain'],
    ['', ',', ''],
    ['a,b', ',', '"a,b"'],
    ['a,b', ';', 'a,b'],
    ['a;b', ';', '"a;b"'],
    ['a\tb', '\t', '"a\tb"'],
    ['say "hi"', ',', '"say ""hi"""'],
    ['two\nlines', ',', '"two\nlines"'],
    ['carriage\rreturn', ',', '"carriage\rreturn"'],
    [' leading', ',', '" leading"'],
    ['trailing ', ',', '"trailing "'],
    ['inner space', ',', 'inner space'],
  ];
  for (const [text, delimiter, expected] of cases) {
    it(`${JSON.stringify(text)} with ${JSON.stringify(delimiter)} → ${expected}`, () => assert.equal(quoteField(text, delimiter), expected));
  }
});

describe('createCsvWriter', () => {
  it("writes the cars header, type row and rows with ';' and CRLF", async () => {
    const writer = createCsvWriter(await loadSchemaFile(path.join(SCHEMAS_DIR, 'cars.json')));
    assert.equal(writer.header(), 'Car;MPG;Cylinders;Displacement;Horsepower;Weight;Acceleration;Model;Origin\r\n');
    assert.equal(writer.typeRow(), 'STRING;DOUBLE;INT;DOUBLE;DOUBLE;DOUBLE;DOUBLE;INT;CAT\r\n');
    const values = {
      Car: 'Buick Skylark 320',
      MPG: 15,
      Cylinders: 8,
      Displacement: 350,
      Horsepower: 165,
      Weight: 3693,
      Acceleration: 11.5,
      Model: 70,
      Origin: 'US',
    };
    assert.equal(writer.row(values), 'Buick Skylark 320;15;8;350;165;3693;11.5;70;US\r\n');
  });

  it("uses ',' for an 'auto' delimiter, has no type row unless declared, and writes absent values as missing", () => {
    const schema = defineSchema({
      name: 't',
      missingValues: ['NA'],
      columns: [
        { name: 'a', type: 'string' },
        { name: 'b', type: 'number' },
        { name: 'c', type: 'boolean' },
      ],
    });
    const writer = createCsvWriter(schema);
    assert.equal(writer.header(), 'a,b,c\r\n');
    assert.equal(writer.typeRow(), undefined);
    assert.equal(writer.row({ a: 'x, y', c: false }), '"x, y",NA,false\r\n');
  });

  it('quotes numbers with a decimal comma when the delimiter is a comma', () => {
    const schema = defineSchema({
      name: 't',
      delimiter: ',',
      decimalSeparator: ',',
      columns: [
        { name: 'price', type: 'number' },
        { name: 'count', type: 'integer' },
      ],
    });
    assert.equal(createCsvWriter(schema).row({ price: 12.5, count: 3 }), '"12,5",3\r\n');
  });

  it('refuses a value of the wrong kind with CSV_VALUE_INVALID', () => {
    const schema = defineSchema({ name: 't', columns: [{ name: 'count', type: 'integer' }] });
    assert.throws(
      () => createCsvWriter(schema).row({ count: 'secret' }),
      (error: unknown) => {
        assert.ok(isAppError(error, 'CSV_VALUE_INVALID'));
        assert.equal(error.message, 'column "count": cannot write a string as integer');
        return true;
      },
    );
  });
});
