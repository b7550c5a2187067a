import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defineSchema, type SchemaProblem } from '../../src/csv/schema/index.js';
import type { SchemaDefinition } from '../../src/csv/types.js';
import { isAppError } from '../../src/errors/app-error.js';

/** The problems of a definition that defineSchema refuses, as `path` strings. */
function problemPaths(definition: unknown): string[] {
  try {
    defineSchema(definition as SchemaDefinition);
  } catch (error) {
    assert.ok(isAppError(error, 'SCHEMA_INVALID'));
    const problems = error.details?.problems as SchemaProblem[];
    for (const { path } of problems) assert.ok(error.message.includes(path), `the message lists ${path}`);
    return problems.map((problem) => problem.path);
  }
  assert.fail('defineSchema accepted the definition');
}

describe('defineSchema', () => {
  it('fills every default', () => {
    const schema = defineSchema({ name: 'plain', columns: [{ name: 'a', type: 'string' }] });
    const { columns, ...options } = schema;
    assert.deepEqual(options, {
      name: 'plain',
      title: undefined,
      delimiter: 'auto',
      encoding: 'utf-8',
      decimalSeparator: '.',
      missingValues: [''],
      skipLines: 0,
      typeRow: false,
      unknownColumns: 'error',
      primaryKey: [],
      table: 'plain',
      maxRecordSize: 1048576,
    });
    const [column] = columns;
    assert.deepEqual(
      { ...column, decode: undefined, encode: undefined },
      {
        name: 'a',
        type: 'string',
        aliases: [],
        required: false,
        unique: false,
        missingValues: [''],
        labels: ['a'],
        decode: undefined,
        encode: undefined,
      },
    );
    assert.ok(Object.isFrozen(schema) && Object.isFrozen(schema.columns) && Object.isFrozen(column) && Object.isFrozen(column.labels));
  });

  it('normalises labels: trimmed, lower case, inner whitespace collapsed, duplicates dropped', () => {
    const [column] = defineSchema({
      name: 't',
      columns: [{ name: 'Model_Year', type: 'integer', aliases: ['  Model \t  Year ', 'MODEL YEAR', 'model_year'] }],
    }).columns;
    assert.deepEqual(column.labels, ['model_year', 'model year']);
  });

  it('makes primary key columns required and fills the boolean words', () => {
    const schema = defineSchema({
      name: 't',
      primaryKey: ['id'],
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'ok', type: 'boolean' },
      ],
    });
    assert.equal(schema.columns[0].required, true);
    assert.deepEqual(schema.columns[1].trueValues, ['true', 'yes', '1']);
    assert.deepEqual(schema.columns[1].falseValues, ['false', 'no', '0']);
  });

  it('accepts a schema that uses every option', () => {
    const schema = defineSchema({
      name: 'full-options',
      title: 'Full',
      table: 'full_options',
      delimiter: ';',
      encoding: 'latin1',
      decimalSeparator: ',',
      missingValues: ['NA'],
      skipLines: 6,
      typeRow: true,
      unknownColumns: 'ignore',
      primaryKey: ['a'],
      maxRecordSize: 4096,
      columns: [{ name: 'a', type: 'integer', typeLabel: 'INT' }],
    });
    assert.equal(schema.table, 'full_options');
    assert.equal(schema.skipLines, 6);
  });

  it('lists every problem at once, each with its key path', () => {
    const paths = problemPaths({
      name: 'bad name!',
      colour: 'blue',
      delimiter: ':',
      encoding: 'ascii',
      decimalSeparator: ';',
      missingValues: ['', 3],
      skipLines: -1,
      typeRow: 'yes',
      unknownColumns: 'skip',
      maxRecordSize: 0,
      primaryKey: ['id', 'nope', 'id'],
      columns: [
        { name: 'id', type: 'integer', minimum: 10, maximum: 1 },
        { name: 'ID', type: 'string' },
        { name: 'kind', type: 'colour' },
        { name: 'origin', type: 'enum' },
        { name: 'code', type: 'string', pattern: '([a-z', minLength: 5, maxLength: 2 },
        { name: 'day', type: 'date', dateFormat: 'DD/MM/YYY' },
        { name: 'ok', type: 'boolean', trueValues: ['yes'], falseValues: ['YES'] },
        { name: 'Model Year', type: 'integer', aliases: ['mpg'] },
        { name: 'mpg', type: 'number', minLength: 1, enum: ['1'] },
        { name: 'seen', type: 'datetime', minimum: 'yesterday', required: 'no', parse: 'upper' },
        { name: 'size', type: 'string', enum: ['S', 'S'], trueValues: ['y'], dateFormat: 'YYYY' },
        'not a column',
      ],
    });
    assert.deepEqual(paths.sort(), [
      'colour',
      'columns[0].maximum',
      'columns[10].dateFormat',
      'columns[10].enum[1]',
      'columns[10].trueValues',
      'columns[11]',
      'columns[1].name',
      'columns[2].type',
      'columns[3].enum',
      'columns[4].maxLength',
      'columns[4].pattern',
      'columns[5].dateFormat',
      'columns[6].falseValues[0]',
      'columns[7].name',
      'columns[8].enum',
      'columns[8].minLength',
      'columns[8].name',
      'columns[9].minimum',
      'columns[9].parse',
      'columns[9].required',
      'decimalSeparator',
      'delimiter',
      'encoding',
      'maxRecordSize',
      'missingValues[1]',
      'name',
      'primaryKey[1]',
      'primaryKey[2]',
      'skipLines',
      'typeRow',
      'unknownColumns',
    ]);
  });

  const single: [string, unknown, string[]][] = [
    ['not an object', 'cars', ['']],
    ['no columns', { name: 't', columns: [] }, ['columns']],
    ['no name', { columns: [{ name: 'a', type: 'string' }] }, ['name']],
    [
      'a type row without type labels',
      {
        name: 't',
        typeRow: true,
        columns: [
          { name: 'a', type: 'string', typeLabel: 'STRING' },
          { name: 'b', type: 'string' },
        ],
      },
      ['columns[1].typeLabel'],
    ],
    ['a name that is no SQL table name, without table', { name: 'my-cars', columns: [{ name: 'a', type: 'string' }] }, ['table']],
    ['an unsafe table', { name: 't', table: 'drop table;', columns: [{ name: 'a', type: 'string' }] }, ['table']],
    ['a column name that starts with a digit', { name: 't', columns: [{ name: '1st', type: 'string' }] }, ['columns[0].name']],
    ['a column name of 64 characters', { name: 't', columns: [{ name: 'a'.repeat(64), type: 'string' }] }, ['columns[0].name']],
    [
      'an alias that clashes with another column after normalisation',
      {
        name: 't',
        columns: [
          { name: 'model_year', type: 'integer' },
          { name: 'year', type: 'integer', aliases: ['  MODEL_YEAR '] },
        ],
      },
      ['columns[1].aliases[0]'],
    ],
    ['an empty alias', { name: 't', columns: [{ name: 'a', type: 'string', aliases: ['  '] }] }, ['columns[0].aliases[0]']],
    [
      'a date minimum after the maximum',
      { name: 't', columns: [{ name: 'd', type: 'date', minimum: '2024-01-02', maximum: '2024-01-01' }] },
      ['columns[0].maximum'],
    ],
    ['an impossible date bound', { name: 't', columns: [{ name: 'd', type: 'date', minimum: '2023-02-30' }] }, ['columns[0].minimum']],
    ['a number bound given as text', { name: 't', columns: [{ name: 'n', type: 'number', maximum: '10' }] }, ['columns[0].maximum']],
    ['a date format with time tokens', { name: 't', columns: [{ name: 'd', type: 'date', dateFormat: 'YYYY-MM-DD HH:mm' }] }, ['columns[0].dateFormat']],
    ['a datetime format without minutes', { name: 't', columns: [{ name: 'd', type: 'datetime', dateFormat: 'YYYY-MM-DD HH' }] }, ['columns[0].dateFormat']],
    ['a repeated date token', { name: 't', columns: [{ name: 'd', type: 'date', dateFormat: 'YYYY-MM-DD-DD' }] }, ['columns[0].dateFormat']],
    ['an empty true word list', { name: 't', columns: [{ name: 'b', type: 'boolean', trueValues: [] }] }, ['columns[0].trueValues']],
    ['a negative minLength', { name: 't', columns: [{ name: 's', type: 'string', minLength: -1 }] }, ['columns[0].minLength']],
  ];
  for (const [title, definition, paths] of single) {
    it(`refuses ${title}`, () => assert.deepEqual(problemPaths(definition), paths));
  }

  it('says what is wrong in plain words', () => {
    assert.throws(
      () =>
        defineSchema({
          name: 't',
          columns: [
            { name: 'when', type: 'date', dateFormat: 'DD/MM/YYY' },
            { name: 'kind', type: 'colour' as 'string' },
          ],
        }),
      (error: Error) => {
        assert.equal(
          error.message,
          [
            'invalid schema:',
            '  columns[0].dateFormat: "Y" at position 7 is neither a token (YYYY, MM, DD, HH, mm, ss) nor a separator',
            '  columns[1].type: must be one of "string", "integer", "number", "boolean", "date", "datetime", "enum"',
          ].join('\n'),
        );
        return true;
      },
    );
  });
});
