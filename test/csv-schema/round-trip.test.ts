import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { loadSchemaFile } from '../../src/csv/schema/index.js';
import type { CellValue, ReportEntry, Schema } from '../../src/csv/types.js';
import { createRowValidator } from '../../src/csv/validate/index.js';
import { createCsvWriter } from '../../src/csv/write/index.js';
import { readRecords } from './read-records.js';

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url).pathname;
const FIXTURES_DIR = new URL('../fixtures/csv/', import.meta.url).pathname;

interface Reading {
  rows: Record<string, CellValue>[];
  errors: ReportEntry[];
  warnings: ReportEntry[];
}

/** Felix's ReadCarsCSV, schema-driven: header, optional type row, then rows. */
function readCsv(schema: Schema, text: string): Reading {
  const delimiter = schema.delimiter === 'auto' ? ',' : schema.delimiter;
  const [header, ...records] = readRecords(text, delimiter);
  const validator = createRowValidator(schema);
  const { errors, warnings } = validator.header(header);
  if (schema.typeRow) errors.push(...validator.typeRow(records.shift() ?? header));
  const rows: Record<string, CellValue>[] = [];
  for (const record of records) {
    const result = validator.row(record);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
    if (result.values !== undefined) rows.push(result.values);
  }
  return { rows, errors, warnings };
}

/** Felix's WriteCarsCSV, schema-driven. */
function writeCsv(schema: Schema, rows: readonly Record<string, CellValue>[]): string {
  const writer = createCsvWriter(schema);
  return [writer.header(), writer.typeRow() ?? '', ...rows.map((row) => writer.row(row))].join('');
}

async function fixture(name: string): Promise<{ schema: Schema; text: string }> {
  return {
    schema: await loadSchemaFile(path.join(SCHEMAS_DIR, `${name}.json`)),
    text: await readFile(path.join(FIXTURES_DIR, `${name}.csv`), 'utf8'),
  };
}

describe('read → write → read → write', () => {
  it('cars.csv: semicolons, a type row and 3504.-style numbers; the two written files are identical', async () => {
    const { schema, text } = await fixture('cars');
    const first = readCsv(schema, text);
    assert.deepEqual(first.errors, []);
    assert.equal(first.rows.length, 5);
    assert.deepEqual(first.rows[0], {
      Car: 'Chevrolet Chevelle Malibu',
      MPG: 18,
      Cylinders: 8,
      Displacement: 307,
      Horsepower: 130,
      Weight: 3504,
      Acceleration: 12,
      Model: 70,
      Origin: 'US',
    });
    const written = writeCsv(schema, first.rows);
    assert.equal(
      written.split('\r\n').slice(0, 3).join('\n'),
      [
        'Car;MPG;Cylinders;Displacement;Horsepower;Weight;Acceleration;Model;Origin',
        'STRING;DOUBLE;INT;DOUBLE;DOUBLE;DOUBLE;DOUBLE;INT;CAT',
        'Chevrolet Chevelle Malibu;18;8;307;130;3504;12;70;US',
      ].join('\n'),
    );
    const second = readCsv(schema, written);
    assert.deepEqual(second.errors, []);
    assert.deepEqual(second.rows, first.rows);
    assert.equal(writeCsv(schema, second.rows), written);
  });

  it('everything.csv: every type, aliases, reordered and ignored columns, quotes, newlines, bigints; the two written files are identical', async () => {
    const { schema, text } = await fixture('everything');
    const first = readCsv(schema, text);
    assert.deepEqual(first.errors, []);
    assert.deepEqual(
      first.warnings.map((warning) => [warning.code, warning.value]),
      [['extra-label', 'internal']],
    );
    assert.equal(first.rows.length, 3);
    assert.deepEqual(first.rows[0], {
      id: 1,
      sku: 'AB-123',
      title: 'Widget',
      price: 12.5,
      in_stock: true,
      released: new Date(Date.UTC(2024, 2, 1)),
      updated_at: new Date(Date.UTC(2024, 2, 1, 12, 30)),
      audited_at: new Date(Date.UTC(2024, 2, 1, 8, 15)),
      colour: 'red',
      size: 'M',
      serial: 9007199254740993n,
      note: 'plain, with a comma',
    });
    assert.deepEqual(first.rows[2], {
      id: 3,
      sku: null,
      title: '  Spaced  ',
      price: null,
      in_stock: null,
      released: null,
      updated_at: null,
      audited_at: null,
      colour: null,
      size: 'S',
      serial: null,
      note: null,
    });
    const written = writeCsv(schema, first.rows);
    assert.equal(
      written,
      [
        'id,sku,title,price,in_stock,released,updated_at,audited_at,colour,size,serial,note',
        '1,AB-123,Widget,"12,5",ja,01.03.2024,2024-03-01T12:30:00.000Z,01.03.2024 08:15,red,M,9007199254740993,"plain, with a comma"',
        '2,CD-456,"Gadget ""Pro""",1000,nein,29.02.2024,2024-03-01T12:30:00.250Z,,,,42,"two\nlines"',
        '3,,"  Spaced  ",,,,,,,S,,',
        '',
      ].join('\r\n'),
    );
    const second = readCsv(schema, written);
    assert.deepEqual(second.errors, []);
    assert.deepEqual(second.warnings, []);
    assert.deepEqual(second.rows, first.rows);
    assert.equal(writeCsv(schema, second.rows), written);
  });
});
