import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { defineSchema, loadSchemaFile } from '../../src/csv/schema/index.js';
import type { Schema } from '../../src/csv/types.js';
import { createRowValidator } from '../../src/csv/validate/index.js';
import { isAppError } from '../../src/errors/app-error.js';
import { record } from './read-records.js';

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url).pathname;
const cars = await loadSchemaFile(path.join(SCHEMAS_DIR, 'cars.json'));
const everything = await loadSchemaFile(path.join(SCHEMAS_DIR, 'everything.json'));
const CARS_HEADER = ['Car', 'MPG', 'Cylinders', 'Displacement', 'Horsepower', 'Weight', 'Acceleration', 'Model', 'Origin'];

function people(unknownColumns: 'error' | 'ignore' = 'error'): Schema {
  return defineSchema({
    name: 'people',
    unknownColumns,
    columns: [
      { name: 'id', type: 'integer', required: true },
      { name: 'full_name', type: 'string', aliases: ['Full Name', 'name'] },
      { name: 'age', type: 'integer' },
    ],
  });
}

describe('header', () => {
  it('matches labels in any order, by name or alias, ignoring case and extra whitespace', () => {
    const validator = createRowValidator(people());
    const { mapping, errors, warnings } = validator.header(record(1, ['  AGE ', 'full   NAME', 'Id']));
    assert.deepEqual(errors, []);
    assert.deepEqual(warnings, []);
    assert.deepEqual(mapping.fieldOfColumn, [2, 1, 0]);
    assert.deepEqual(mapping.columnOfField, [2, 1, 0]);
    assert.deepEqual(validator.row(record(2, ['41', 'Ada Lovelace', '7'])), {
      values: { id: 7, full_name: 'Ada Lovelace', age: 41 },
      errors: [],
      warnings: [],
    });
  });

  it('reports a second cell for one column as duplicate-label', () => {
    const { errors, mapping } = createRowValidator(people()).header(record(1, ['id', 'name', 'Full Name']));
    assert.deepEqual(errors, [
      {
        row: 1,
        line: 1,
        column: 'full_name',
        field: 3,
        value: 'Full Name',
        code: 'duplicate-label',
        message: 'row 1, column "full_name": "Full Name" names this column again (first at field 2)',
        details: { firstField: 2 },
      },
    ]);
    assert.deepEqual(mapping.columnOfField, [0, 1, undefined]);
  });

  it('reports an absent required column as missing-label; an absent optional column reads as null', () => {
    const validator = createRowValidator(people());
    const { errors } = validator.header(record(1, ['age', 'name']));
    assert.deepEqual(errors, [
      {
        row: 1,
        line: 1,
        column: 'id',
        field: null,
        value: null,
        code: 'missing-label',
        message: 'row 1, column "id": this required column is not in the header',
      },
    ]);
    const optional = createRowValidator(people());
    assert.deepEqual(optional.header(record(1, ['id'])).errors, []);
    assert.deepEqual(optional.row(record(2, ['1'])).values, { id: 1, full_name: null, age: null });
  });

  it('reports an unknown label as an error, or as a warning when unknown columns are ignored', () => {
    const header = record(3, ['id', 'Colour']);
    const entry = { row: 3, line: 3, column: null, field: 2, value: 'Colour', code: 'extra-label' };
    const strict = createRowValidator(people('error')).header(header);
    assert.deepEqual(strict.errors, [{ ...entry, message: 'row 3, field 2: "Colour" names no column of schema "people"' }]);
    assert.deepEqual(strict.warnings, []);
    const lenient = createRowValidator(people('ignore'));
    const result = lenient.header(header);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(result.warnings, [{ ...entry, message: 'row 3, field 2: "Colour" names no column of schema "people" (ignored)' }]);
    assert.deepEqual(lenient.row(record(4, ['5', 'blue'])).values, { id: 5, full_name: null, age: null });
  });

  it('must come before typeRow() and row()', () => {
    assert.throws(
      () => createRowValidator(people()).row(record(2, ['1'])),
      (error: unknown) => isAppError(error, 'INTERNAL_ERROR'),
    );
  });
});

describe('type row', () => {
  it('accepts the declared labels, case-insensitively', () => {
    const validator = createRowValidator(cars);
    validator.header(record(1, CARS_HEADER));
    assert.deepEqual(validator.typeRow(record(2, ['string', 'Double', 'INT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'INT', 'CAT'])), []);
  });

  it('reports each mismatch and each missing type as type-row-error', () => {
    const validator = createRowValidator(cars);
    validator.header(record(1, CARS_HEADER));
    assert.deepEqual(validator.typeRow(record(2, ['STRING', 'INT', 'INT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE'])), [
      {
        row: 2,
        line: 2,
        column: 'MPG',
        field: 2,
        value: 'INT',
        code: 'type-row-error',
        message: 'row 2, column "MPG": type "INT" does not match "DOUBLE"',
        details: { expected: 'DOUBLE' },
      },
      {
        row: 2,
        line: 2,
        column: 'Model',
        field: 8,
        value: null,
        code: 'type-row-error',
        message: 'row 2, column "Model": the type row ends before this field (expected "INT")',
        details: { expected: 'INT' },
      },
      {
        row: 2,
        line: 2,
        column: 'Origin',
        field: 9,
        value: null,
        code: 'type-row-error',
        message: 'row 2, column "Origin": the type row ends before this field (expected "CAT")',
        details: { expected: 'CAT' },
      },
    ]);
  });
});

describe('rows', () => {
  function carsValidator() {
    const validator = createRowValidator(cars);
    validator.header(record(1, CARS_HEADER));
    return validator;
  }

  it('decodes a good row, including 3504. as a number', () => {
    const result = carsValidator().row(record(3, ['Chevrolet Chevelle Malibu', '18.0', '8', '307.0', '130.0', '3504.', '12.0', '70', 'US']));
    assert.deepEqual(result, {
      values: {
        Car: 'Chevrolet Chevelle Malibu',
        MPG: 18,
        Cylinders: 8,
        Displacement: 307,
        Horsepower: 130,
        Weight: 3504,
        Acceleration: 12,
        Model: 70,
        Origin: 'US',
      },
      errors: [],
      warnings: [],
    });
  });

  it('reports every bad cell with row, line, column, field, value, code and a plain message', () => {
    const result = carsValidator().row({
      row: 14,
      line: 15,
      fields: ['', 'eighteen', '8.5', '307.0', '130.0', '3504.', '12.0', '70', 'Mars'],
      blank: false,
      problems: [],
    });
    assert.equal(result.values, undefined);
    assert.deepEqual(result.errors, [
      {
        row: 14,
        line: 15,
        column: 'Car',
        field: 1,
        value: '',
        code: 'constraint-error',
        message: 'row 14, column "Car": a value is required',
        details: { constraint: 'required' },
      },
      { row: 14, line: 15, column: 'MPG', field: 2, value: 'eighteen', code: 'type-error', message: 'row 14, column "MPG": "eighteen" is not a number' },
      {
        row: 14,
        line: 15,
        column: 'Cylinders',
        field: 3,
        value: '8.5',
        code: 'type-error',
        message: 'row 14, column "Cylinders": "8.5" is not a whole number',
      },
      {
        row: 14,
        line: 15,
        column: 'Origin',
        field: 9,
        value: 'Mars',
        code: 'constraint-error',
        message: 'row 14, column "Origin": "Mars" is not one of US, Europe, Japan',
        details: { constraint: 'enum', limit: ['US', 'Europe', 'Japan'] },
      },
    ]);
  });

  it('reports missing-cell for each absent field of a mapped column', () => {
    const { errors } = carsValidator().row(record(5, ['Ford Torino', '17.0', '8', '302.0', '140.0', '3449.', '10.5']));
    assert.deepEqual(errors, [
      { row: 5, line: 5, column: 'Model', field: 8, value: null, code: 'missing-cell', message: 'row 5, column "Model": the row ends before field 8' },
      { row: 5, line: 5, column: 'Origin', field: 9, value: null, code: 'missing-cell', message: 'row 5, column "Origin": the row ends before field 9' },
    ]);
  });

  it('reports extra-cell once for the surplus', () => {
    const { errors, values } = carsValidator().row(record(6, ['Ford Torino', '17.0', '8', '302.0', '140.0', '3449.', '10.5', '70', 'US', 'red', 'fast']));
    assert.equal(values, undefined);
    assert.deepEqual(errors, [
      {
        row: 6,
        line: 6,
        column: null,
        field: 10,
        value: 'red',
        code: 'extra-cell',
        message: "row 6, field 10: 2 more fields than the header's 9",
        details: { expected: 9, actual: 11 },
      },
    ]);
  });

  it('gives a blank-row warning and no values for a blank record', () => {
    const blank = { row: 7, line: 8, fields: ['', '', ''], blank: true, problems: [] };
    assert.deepEqual(carsValidator().row(blank), {
      values: undefined,
      errors: [],
      warnings: [{ row: 7, line: 8, column: null, field: null, value: null, code: 'blank-row', message: 'row 7: the row is blank' }],
    });
  });

  it('cuts raw values longer than 200 characters', () => {
    const [error] = carsValidator().row(record(9, ['Car', 'x'.repeat(250), '8', '1', '1', '1', '1', '70', 'US'])).errors;
    assert.equal(error.value, `${'x'.repeat(200)}…`);
    assert.equal(error.message, `row 9, column "MPG": "${'x'.repeat(200)}…" is not a number`);
  });
});

describe('unique values and primary keys', () => {
  const header = ['id', 'sku', 'title'];
  function everythingValidator() {
    const validator = createRowValidator(everything);
    assert.deepEqual(validator.header(record(1, header)).errors, []);
    return validator;
  }

  it('reports a repeated value in a unique column, naming the first row', () => {
    const validator = everythingValidator();
    assert.deepEqual(validator.row(record(2, ['1', 'AB-123', 'Widget'])).errors, []);
    assert.deepEqual(validator.row(record(3, ['2', 'AB-123', 'Gadget'])).errors, [
      {
        row: 3,
        line: 3,
        column: 'sku',
        field: 2,
        value: 'AB-123',
        code: 'unique-error',
        message: 'row 3, column "sku": "AB-123" repeats the value of row 2',
        details: { constraint: 'unique', firstRow: 2 },
      },
    ]);
  });

  it('reports a repeated primary key, comparing values, not text', () => {
    const validator = everythingValidator();
    validator.row(record(2, ['7', 'AB-123', 'Widget']));
    assert.deepEqual(validator.row(record(3, ['007', 'CD-456', 'Gadget'])).errors, [
      {
        row: 3,
        line: 3,
        column: 'id',
        field: 1,
        value: '007',
        code: 'unique-error',
        message: 'row 3, column "id": "007" repeats the primary key of row 2',
        details: { constraint: 'primaryKey', firstRow: 2, columns: ['id'] },
      },
    ]);
  });

  it('does not compare missing values, and a bad row claims no key', () => {
    const validator = everythingValidator();
    assert.deepEqual(validator.row(record(2, ['1', '-', 'Widget'])).errors, []);
    assert.deepEqual(validator.row(record(3, ['2', '', 'Gadget'])).errors, []);
    assert.equal(validator.row(record(4, ['3', 'AB-123', ''])).errors[0].code, 'constraint-error');
    assert.deepEqual(validator.row(record(5, ['3', 'AB-123', 'Widget'])).errors, []);
  });

  it('reports a repeated composite primary key once, with all its cells', () => {
    const schema = defineSchema({
      name: 'stock',
      primaryKey: ['region', 'code'],
      columns: [
        { name: 'region', type: 'string' },
        { name: 'code', type: 'integer' },
        { name: 'count', type: 'integer' },
      ],
    });
    const validator = createRowValidator(schema);
    validator.header(record(1, ['region', 'code', 'count']));
    assert.deepEqual(validator.row(record(2, ['EU', '7', '1'])).errors, []);
    assert.deepEqual(validator.row(record(3, ['US', '7', '1'])).errors, []);
    assert.deepEqual(validator.row(record(4, ['EU', '+7', '2'])).errors, [
      {
        row: 4,
        line: 4,
        column: null,
        field: null,
        value: 'EU, +7',
        code: 'unique-error',
        message: 'row 4: primary key (region, code) "EU", "+7" repeats row 2',
        details: { constraint: 'primaryKey', firstRow: 2, columns: ['region', 'code'] },
      },
    ]);
  });

  it('compares numbers by value (1e3 repeats 1000) and dates by instant', () => {
    const schema = defineSchema({
      name: 'u',
      columns: [
        { name: 'n', type: 'number', unique: true },
        { name: 't', type: 'datetime', unique: true },
      ],
    });
    const validator = createRowValidator(schema);
    validator.header(record(1, ['n', 't']));
    assert.deepEqual(validator.row(record(2, ['1000', '2024-03-01T12:00:00Z'])).errors, []);
    assert.deepEqual(
      validator.row(record(3, ['1e3', '2024-03-01T14:00:00+02:00'])).errors.map((error) => error.column),
      ['n', 't'],
    );
  });
});
