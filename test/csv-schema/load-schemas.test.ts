import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, it } from 'node:test';
import { createSchemaRegistry, defineSchema, describeSchema, loadSchemaFile, loadSchemasDir, type SchemaProblem } from '../../src/csv/schema/index.js';
import { isAppError } from '../../src/errors/app-error.js';
import { makeTempDir } from '../support/temp-dir.js';

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url).pathname;

async function writeFiles(files: Record<string, string>): Promise<string> {
  const dir = await makeTempDir('ferry-schemas-');
  for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
  return dir;
}

async function problemsOf(promise: Promise<unknown>): Promise<SchemaProblem[]> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isAppError(error, 'SCHEMA_INVALID'));
    return error.details?.problems as SchemaProblem[];
  }
  assert.fail('the schemas were accepted');
}

describe('JSON schema files', () => {
  it('loads the shipped schemas (cars, everything)', async () => {
    const registry = await loadSchemasDir(SCHEMAS_DIR);
    assert.deepEqual(
      registry.list().map((schema) => schema.name),
      ['cars', 'everything'],
    );
    const cars = registry.get('cars');
    assert.equal(cars?.delimiter, ';');
    assert.equal(cars?.typeRow, true);
    assert.deepEqual(
      cars?.columns.map((column) => column.typeLabel),
      ['STRING', 'DOUBLE', 'INT', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'DOUBLE', 'INT', 'CAT'],
    );
    assert.equal(registry.get('nope'), undefined);
  });

  it('loads one file', async () => {
    const schema = await loadSchemaFile(path.join(SCHEMAS_DIR, 'everything.json'));
    assert.equal(schema.table, 'everything_items');
    assert.equal(schema.decimalSeparator, ',');
  });

  it('gives an empty registry for a missing directory', async () => {
    const dir = await makeTempDir();
    const registry = await loadSchemasDir(path.join(dir, 'absent'));
    assert.deepEqual(registry.list(), []);
  });

  it('lists every problem of every file, with file, key path and message', async () => {
    const good = JSON.stringify({ name: 'good', columns: [{ name: 'a', type: 'string' }] });
    const dir = await writeFiles({
      'a-good.json': good,
      'b-unknown.json': JSON.stringify({
        name: 'b',
        colour: 'red',
        columns: [
          { name: 'a', type: 'string', parse: 'x', lenght: 3 },
          { name: 'b', type: 'integer', minimum: 'low' },
        ],
      }),
      'c-broken.json': '{ "name": "c", ',
      'd-same-name.json': good,
      'e-array.json': '[]',
      'notes.txt': 'not a schema',
    });
    await mkdir(path.join(dir, 'nested'));
    const problems = await problemsOf(loadSchemasDir(dir));
    assert.deepEqual(
      problems.map(({ file, path: key }) => [path.basename(file ?? ''), key]),
      [
        ['b-unknown.json', 'colour'],
        ['b-unknown.json', 'columns[0].parse'],
        ['b-unknown.json', 'columns[0].lenght'],
        ['b-unknown.json', 'columns[1].minimum'],
        ['c-broken.json', ''],
        ['e-array.json', ''],
        ['d-same-name.json', 'name'],
      ],
    );
    const messages = problems.map((problem) => problem.message);
    assert.equal(messages[0], 'unknown key');
    assert.equal(messages[1], 'unknown key (parse and format exist only in the TypeScript API)');
    assert.equal(messages[3], 'must be a number');
    assert.match(messages[4], /^is not valid JSON \(/);
    assert.equal(messages[5], 'must be an object');
    assert.equal(messages[6], `"good" is already the name of the schema in ${path.join(dir, 'a-good.json')}`);
  });

  it('names the file in the error message', async () => {
    const dir = await writeFiles({ 'x.json': JSON.stringify({ name: 'x', columns: [{ name: 'a', type: 'text' }] }) });
    await assert.rejects(loadSchemaFile(path.join(dir, 'x.json')), (error: Error) => {
      assert.equal(
        error.message,
        `invalid schema:\n  ${path.join(dir, 'x.json')}: columns[0].type: must be one of "string", "integer", "number", "boolean", "date", "datetime", "enum"`,
      );
      return true;
    });
  });

  it('reports a file that cannot be read', async () => {
    const dir = await makeTempDir();
    const problems = await problemsOf(loadSchemaFile(path.join(dir, 'missing.json')));
    assert.deepEqual(problems, [{ file: path.join(dir, 'missing.json'), path: '', message: 'cannot be read (ENOENT)' }]);
  });
});

describe('schema registry', () => {
  it('refuses two schemas with one name', () => {
    const schema = defineSchema({ name: 'twice', columns: [{ name: 'a', type: 'string' }] });
    assert.throws(
      () => createSchemaRegistry([schema, schema]),
      (error: unknown) => isAppError(error, 'SCHEMA_INVALID'),
    );
  });

  it('lists schemas sorted by name', () => {
    const make = (name: string) => defineSchema({ name, columns: [{ name: 'a', type: 'string' }] });
    assert.deepEqual(
      createSchemaRegistry([make('b'), make('a'), make('c')])
        .list()
        .map((schema) => schema.name),
      ['a', 'b', 'c'],
    );
  });
});

describe('describeSchema', () => {
  it('describes columns and options as plain JSON', async () => {
    const everything = await loadSchemaFile(path.join(SCHEMAS_DIR, 'everything.json'));
    const description = describeSchema(everything);
    assert.deepEqual(JSON.parse(JSON.stringify(description)), description);
    assert.deepEqual(description.options, {
      delimiter: ',',
      encoding: 'utf-8',
      decimalSeparator: ',',
      missingValues: ['', '-'],
      skipLines: 0,
      typeRow: false,
      unknownColumns: 'ignore',
      maxRecordSize: 65536,
    });
    assert.deepEqual(description.primaryKey, ['id']);
    assert.deepEqual(
      description.columns.find((column) => column.name === 'sku'),
      {
        name: 'sku',
        type: 'string',
        aliases: ['Product code', 'SKU number'],
        required: false,
        unique: true,
        constraints: { pattern: '[A-Z]{2}-\\d{3}' },
        missingValues: ['', '-'],
        custom: false,
      },
    );
    assert.deepEqual(
      description.columns.find((column) => column.name === 'released'),
      {
        name: 'released',
        type: 'date',
        aliases: [],
        required: false,
        unique: false,
        constraints: { minimum: '2000-01-01', maximum: '2030-12-31' },
        missingValues: ['', '-'],
        dateFormat: 'DD.MM.YYYY',
        custom: false,
      },
    );
  });

  it('marks custom parse/format and leaves the functions out', () => {
    const schema = defineSchema({ name: 't', columns: [{ name: 'a', type: 'string', parse: (raw) => raw.trim() }] });
    const [column] = describeSchema(schema).columns;
    assert.equal(column.custom, true);
    assert.ok(!('parse' in column));
  });
});
